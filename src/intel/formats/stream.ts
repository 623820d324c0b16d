/**
 * Reading a list into a sink without holding its text: the line formats (TXT, ALIEN_VAULT) are
 * read in blocks of about 1 MiB, each cut after its last line break and decoded on its own, so
 * only one block's string exists at a time and the indicators go straight into the sink (the
 * index's typed arrays). A line break is one byte in UTF-8 and never inside a character, so the
 * blocks decode to exactly the text `readFile(path, 'utf8')` gives, and the parsers see the same
 * lines with the same numbers: the result, errors included, is the same as parsing the whole text.
 *
 * The structured formats (STIX JSON/XML, the CSVs, whose quoted fields may span lines and whose
 * header decides the columns) are parsed from the whole text as before.
 */
import { open, readFile } from 'node:fs/promises';
import type { IndicatorSink, ListFormat, ParseListOptions } from '../types.js';
import { parseAlienVaultLines } from './alien-vault.js';
import { parserForFormat } from './registry.js';
import { parseTxtLines } from './txt.js';

/** Parses whole lines of a list after line `line`; returns the last line's number. */
type LineParser = (text: string, sink: IndicatorSink, line: number, atStart: boolean) => number;

const LINE_PARSERS: Partial<Record<ListFormat, LineParser>> = { TXT: parseTxtLines, ALIEN_VAULT: parseAlienVaultLines };

export const BLOCK_BYTES = 1 << 20;

export interface StreamOptions extends ParseListOptions {
  /** Bytes read at a time (tests use small blocks). */
  blockBytes?: number;
}

/** Feeds blocks of bytes to a line parser, carrying the unfinished last line over to the next block. */
class LineFeed {
  /** The unfinished line: copies of block tails (a line longer than a block spans several). */
  private carry: Buffer[] = [];
  private line = 0;
  private atStart = true;

  constructor(private readonly parse: LineParser, private readonly sink: IndicatorSink) {}

  /** `block` may be reused by the caller afterwards: nothing of it is kept but copies. */
  push(block: Buffer): void {
    const last = block.lastIndexOf(10);
    if (last < 0) { this.carry.push(Buffer.from(block)); return; }
    const head = block.subarray(0, last + 1);
    const data = this.carry.length ? Buffer.concat([...this.carry, head]) : head;
    this.carry = [];
    this.run(data.toString('utf8'));
    if (last + 1 < block.length) this.carry.push(Buffer.from(block.subarray(last + 1)));
  }

  end(): void {
    if (this.carry.length) this.run(Buffer.concat(this.carry).toString('utf8'));
    this.carry = [];
  }

  private run(text: string): void {
    this.line = this.parse(text, this.sink, this.line, this.atStart);
    this.atStart = false;
  }
}

/** Parses a list file into `sink`, streaming the line formats. Read errors are thrown as fs reports them. */
export async function parseListFile(path: string, format: ListFormat, sink: IndicatorSink, opts: StreamOptions): Promise<void> {
  const lines = LINE_PARSERS[format];
  if (!lines) { parserForFormat(format).parse(await readFile(path, 'utf8'), sink, opts); return; }
  const fh = await open(path, 'r');
  try {
    const feed = new LineFeed(lines, sink);
    const buf = Buffer.allocUnsafe(opts.blockBytes ?? BLOCK_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      feed.push(buf.subarray(0, bytesRead));
    }
    feed.end();
  } finally {
    await fh.close();
  }
}

/** Parses a list already in memory (a fetched body) into `sink`, decoding the line formats block by block. */
export function parseListBuffer(body: Buffer, format: ListFormat, sink: IndicatorSink, opts: StreamOptions): void {
  const lines = LINE_PARSERS[format];
  if (!lines) { parserForFormat(format).parse(body.toString('utf8'), sink, opts); return; }
  const feed = new LineFeed(lines, sink);
  const step = opts.blockBytes ?? BLOCK_BYTES;
  for (let at = 0; at < body.length; at += step) feed.push(body.subarray(at, Math.min(body.length, at + step)));
  feed.end();
}
