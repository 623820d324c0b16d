import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { IndicatorSink, ListFormat } from '../types.js';
import { parserForFormat } from './registry.js';
import { parseListBuffer, parseListFile } from './stream.js';

/** A sink that records every call, in order. */
function recorder(): { sink: IndicatorSink; calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    sink: {
      ipv4: (...a) => { calls.push(['ipv4', ...a]); },
      ipv6: (...a) => { calls.push(['ipv6', ...a]); },
      domain: (...a) => { calls.push(['domain', ...a]); },
      error: (...a) => { calls.push(['error', ...a]); },
      skip: (...a) => { calls.push(['skip', ...a]); },
    },
  };
}

const whole = (text: string, format: ListFormat) => { const r = recorder(); parserForFormat(format).parse(text, r.sink, { now: 0 }); return r.calls; };

const TXT_LINES = ['198.51.100.7', '198.51.100.0/24', '203.0.113.9:3333', '10.0.0.1 # note', '1.10.16.0/20 ; SBL256894', '2001:db8::1', '[2001:db8::1]:443',
  'evil.example', 'Mining.Pool.Example.', 'http://bad.example/x.php', '/gate.php', '# comment', '// comment', '', '   ', 'not an indicator !', '300.1.1.1',
  'Nürnberg.example', '中国.example', 'a.b', '\t9.9.9.9\t', '1.2.3.4/33', '01.2.3.4'];
const AV_LINES = ['198.51.100.23#4#2#Malicious Host#DE#Nürnberg#49.4478,11.0683#11', '203.0.113.5#x#2#Scanning Host', 'evil.example#1#1#C&C', '# comment', '', '2001:db8::5#1#1#中'];

function listText(format: 'TXT' | 'ALIEN_VAULT') {
  const pool = format === 'TXT' ? TXT_LINES : AV_LINES;
  return fc.tuple(fc.boolean(), fc.array(fc.tuple(fc.constantFrom(...pool), fc.constantFrom('\n', '\r\n')), { maxLength: 60 }), fc.boolean())
    .map(([bom, lines, finalBreak]) => {
      const body = lines.map(([l, eol]) => l + eol).join('');
      return (bom ? '\ufeff' : '') + (finalBreak ? body : body.replace(/\r?\n$/, ''));
    });
}

for (const format of ['TXT', 'ALIEN_VAULT'] as const) {
  test(`${format}: read in blocks of any size (cutting lines and UTF-8 characters), the sink gets exactly what the whole text gives (seeded)`, () => {
    fc.assert(
      fc.property(listText(format), fc.integer({ min: 1, max: 64 }), (text, blockBytes) => {
        const r = recorder();
        parseListBuffer(Buffer.from(text, 'utf8'), format, r.sink, { now: 0, blockBytes });
        assert.deepEqual(r.calls, whole(text, format));
      }),
      { seed: format === 'TXT' ? 31 : 32, numRuns: 300 },
    );
  });
}

test('a list file is streamed with the same result, also with a line longer than a block; other formats are read whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-stream-'));
  const text = `\ufeff# feed\n198.51.100.7\r\n${'x'.repeat(5000)}.example\nNürnberg.example\n45.33.0.0/16\nnot an indicator !\n10.1.2.3`;
  const path = join(dir, 'list.txt');
  writeFileSync(path, text);
  for (const blockBytes of [1, 7, 4096, undefined]) {
    const r = recorder();
    await parseListFile(path, 'TXT', r.sink, { now: 0, blockBytes });
    assert.deepEqual(r.calls, whole(text, 'TXT'), `blocks of ${blockBytes}`);
  }
  const csv = 'Indicator type,Indicator,Description\nIPv4,198.51.100.9,"C2, ""quoted""\nover two lines"\n';
  writeFileSync(join(dir, 'otx.csv'), csv);
  const r = recorder();
  await parseListFile(join(dir, 'otx.csv'), 'OTX_CSV', r.sink, { now: 0, blockBytes: 3 });
  assert.deepEqual(r.calls, whole(csv, 'OTX_CSV'));
  await assert.rejects(parseListFile(join(dir, 'missing.txt'), 'TXT', r.sink, { now: 0 }), /ENOENT: no such file or directory, open/);
});

test('the TXT fast path reads an address in place by the same rules as ipv4ToInt (seeded)', async () => {
  const { ipv4In } = await import('../../core/ip.js');
  const { ipv4ToInt } = await import('../../core/index.js');
  const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('', '00', '007', '0255', 'x', '1a'));
  const text = fc.oneof(fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('.')), fc.string({ maxLength: 16 }));
  fc.assert(fc.property(fc.string({ maxLength: 3 }), text, fc.string({ maxLength: 3 }), (pre, t, post) => {
    assert.equal(ipv4In(pre + t + post, pre.length, pre.length + t.length), ipv4ToInt(t), t);
  }), { seed: 33, numRuns: 3000 });
});
