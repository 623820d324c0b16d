/** Fast parsing of the ISO-8601 UTC timestamps AWS logs use; falls back to Date.parse. */

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `2024-07-31T13:06:24Z` (optionally with .fff) → epoch ms; NaN when unparseable. */
export function parseIsoTime(s: unknown): number {
  if (typeof s !== 'string') return NaN;
  if (s.length >= 20 && s.charCodeAt(4) === 45 && s.charCodeAt(10) === 84 && s.charCodeAt(s.length - 1) === 90) {
    const y = d2(s, 0) * 100 + d2(s, 2), mo = d2(s, 5), d = d2(s, 8), h = d2(s, 11), mi = d2(s, 14), se = d2(s, 17);
    if (y >= 0 && mo > 0 && mo <= 12 && d > 0 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se <= 60) {
      let ms = 0;
      if (s.charCodeAt(19) === 46) {
        const frac = s.slice(20, s.length - 1);
        if (/^\d+$/.test(frac)) ms = Math.floor(Number(frac.padEnd(3, '0').slice(0, 3)));
      }
      return Date.UTC(y, mo - 1, d, h, mi, se, ms);
    }
  }
  return Date.parse(s);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/**
 * An event time as epoch ms, NaN when it cannot be one: unparseable, or outside 2000–2099 (no
 * AWS log is older, and a year 275760 would break every date computation downstream).
 */
export function parseEventTime(s: unknown): number {
  const t = parseIsoTime(s);
  return t >= EARLIEST && t < LATEST ? t : NaN;
}

/** The same range check for times already in epoch ms (flow log start/end). */
export function isEventTimeMs(t: number): boolean {
  return t >= EARLIEST && t < LATEST;
}
