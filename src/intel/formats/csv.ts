/**
 * CSV record splitting shared by the CSV list formats (OTX_CSV, PROOF_POINT, FIRE_EYE).
 *
 * Accepted: comma-separated fields; fields may be double-quoted, with `""` for a quote inside and
 * commas or line breaks inside the quotes; whitespace around unquoted fields and around the quotes
 * is dropped; LF or CRLF endings; a leading UTF-8 BOM. Blank lines and lines whose first character
 * is `#` are skipped. A quoted field never closed is an error at the line where its record starts;
 * splitting then resumes on the next line, with quoted line breaks no longer allowed (so one stray
 * quote cannot swallow, or rescan, the rest of the file).
 */

/** Calls `onRecord` with each record's fields and the 1-based line it starts on. */
export function forEachCsvRecord(
  text: string,
  onRecord: (fields: string[], line: number) => void,
  onError: (line: number, message: string) => void,
): void {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let multiline = true;
  records: while (i < n) {
    // blank and comment lines
    let k = i;
    while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 13)) k++;
    if (k >= n || text.charCodeAt(k) === 10 || text.charCodeAt(k) === 35) {
      const nl = text.indexOf('\n', k);
      i = nl < 0 ? n : nl + 1;
      line++;
      continue;
    }
    const startLine = line;
    const startI = i;
    const fields: string[] = [];
    let problem: string | undefined;
    while (true) {
      while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      let value: string;
      if (text.charCodeAt(i) === 34) {
        i++;
        let buf = '';
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (!multiline) {
            const nl = text.indexOf('\n', i);
            if (nl >= 0 && (q < 0 || nl < q)) break;
          }
          if (q < 0) break;
          buf += text.slice(i, q);
          if (text.charCodeAt(q + 1) === 34) { buf += '"'; i = q + 2; continue; }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          onError(startLine, 'unterminated quoted field');
          const nl = text.indexOf('\n', startI);
          i = nl < 0 ? n : nl + 1;
          line = startLine + 1;
          multiline = false;
          continue records;
        }
        for (let k = buf.indexOf('\n'); k >= 0; k = buf.indexOf('\n', k + 1)) line++;
        value = buf;
        while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10) {
          problem ??= 'unexpected text after a quoted field';
          const comma = text.indexOf(',', i), nl = text.indexOf('\n', i);
          i = comma >= 0 && (nl < 0 || comma < nl) ? comma : nl < 0 ? n : nl;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10) break;
          j++;
        }
        value = text.slice(i, j).trim();
        i = j;
      }
      fields.push(value);
      if (i < n && text.charCodeAt(i) === 44) { i++; continue; }
      if (i < n) { i++; line++; } // the newline
      break;
    }
    if (problem) onError(startLine, problem);
    else onRecord(fields, startLine);
  }
}

/** A header cell reduced for matching: lower-case letters and digits only (`IP Address` → `ipaddress`). */
export function headerKey(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Index of the first header cell whose key is one of `names`, or -1. */
export function findColumn(keys: readonly string[], names: readonly string[]): number {
  for (const name of names) {
    const i = keys.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/** Collapses whitespace runs (including quoted line breaks) for use as a threat name; undefined if empty. */
export function threatText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t || undefined;
}
