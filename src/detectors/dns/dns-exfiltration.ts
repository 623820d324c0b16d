/**
 * Trojan:EC2/DNSDataExfiltration (High): data encoded into DNS queries (DNS tunnelling), per
 * instance and registered domain over a 10-minute window of event time. A query is "encoded"
 * when the part of the name under the registered domain carries at least 24 characters (dots
 * aside) with a character entropy of at least 3.5 bits and reads unlike words: the mean
 * log-probability of its character bigrams under the benign table of the DGA model is at most
 * -3.7 (base32/base64/hex chunks score -4 to -5.5; hyphenated words and host names -2.8 to -3.5).
 * The window reports once when
 *   - encoded queries ≥ 10, distinct subdomains ≥ 10 and encoded characters ≥ 500, or
 *   - with TXT/NULL queries (the tunnelling tools' record types): encoded ≥ 5 and characters ≥ 250.
 * Not looked at: popular registered domains (CDNs, clouds: their names are high-cardinality but
 * nobody can tunnel through their name servers), AWS and internal suffixes, reverse zones, and
 * reputation-lookup services that hash into names (DNSBLs, AV clouds, Team Cymru's hash registry).
 * A query whose subdomain is under 16 characters and not TXT/NULL costs no state.
 */
import { defineDetector } from '../../engine/index.js';
import { SEVERITY } from '../../core/index.js';
import { dnsAction, dnsResourceKey } from '../common/network.js';
import { scorable } from '../../intel/reputation.js';
import { registeredDomain } from '../../intel/domains.js';
import { dnsResource } from '../behavior/resource.js';
import { dgaModel } from './dga-model.js';

export const EXFIL = {
  windowMs: 10 * 60_000, minChars: 24, minEntropy: 3.5, maxBigramLogLik: -3.7,
  minQueries: 10, minDistinct: 10, minEncodedChars: 500,
  txtMinQueries: 5, txtMinEncodedChars: 250, maxDistinctKept: 64,
};

/** Lookup services that put hashes or addresses into query names by design. */
const EXEMPT = new Set(['cymru.com', 'spamhaus.net', 'surbl.org', 'uribl.com', 'sorbs.net', 'barracudacentral.org', 'dnswl.org',
  'mailspike.net', 'spameatingmonkey.net', 'senderbase.org', 'e5.sk', 'eset.com', 'trendmicro.com', 'avts.mcafee.com', 'sophosxl.com',
  'mcafee.com', 'abuseat.org', 'junkemailfilter.com', 'msrbl.net', 'nszones.com', 'dnsbl.info']);

const counts = new Int32Array(128);

const code = (c: number) => (c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? 26 + c - 48 : c === 45 ? 36 : 37);

/** Characters (dots aside), Shannon entropy (bits) and mean bigram log-probability (benign table) of a subdomain. */
export function subdomainStats(sub: string): { chars: number; entropy: number; bigram: number } {
  counts.fill(0);
  const table = dgaModel().bigram;
  let n = 0, ll = 0, prev = 37;
  for (let i = 0; i < sub.length; i++) {
    const c = sub.charCodeAt(i);
    if (c === 46) { prev = 37; continue; }
    counts[c & 127]++;
    n++;
    const k = code(c);
    ll += table[prev * 38 + k];
    prev = k;
  }
  let h = 0;
  if (n) for (let k = 0; k < 128; k++) if (counts[k]) { const p = counts[k] / n; h -= p * Math.log2(p); }
  return { chars: n, entropy: h, bigram: n ? ll / n : 0 };
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Window per instance and registered domain. */
interface Tunnel { s: number; q: number; e: number; c: number; tx: number; u: number[]; hit: boolean; sample: string[] }

export const dnsDataExfiltration = defineDetector({
  id: 'dns-data-exfiltration',
  description: 'data encoded into DNS query names (tunnelling) per instance and registered domain',
  kinds: ['dns'],
  findingTypes: ['Trojan:EC2/DNSDataExfiltration'],
  onEvent(e, ctx) {
    const name = e.queryName;
    const txt = e.queryType === 'TXT' || e.queryType === 'NULL';
    if (name.length < 20 && !txt) return;
    const registered = registeredDomain(name);
    const subLen = name.length - registered.length - 1;
    if (subLen < 16 && !txt) return;
    if (EXEMPT.has(registered) || !scorable(name)) return;
    for (const x of EXEMPT) if (name.endsWith(`.${x}`)) return;
    const sub = subLen > 0 ? name.slice(0, subLen) : '';
    const st = subdomainStats(sub);
    const encoded = st.chars >= EXFIL.minChars && st.entropy >= EXFIL.minEntropy && st.bigram <= EXFIL.maxBigramLogLik;
    if (!encoded && !txt) return;
    const key = `${dnsResourceKey(e)}|${registered}`;
    const windows = ctx.state<Tunnel>('tunnels', { ttlMs: EXFIL.windowMs * 2, maxEntries: 100_000 });
    let w = windows.get(key);
    if (!w || e.time - w.s > EXFIL.windowMs) w = { s: e.time, q: 0, e: 0, c: 0, tx: 0, u: [], hit: false, sample: [] };
    w.q++;
    if (txt) w.tx++;
    if (encoded) {
      w.e++;
      w.c += st.chars;
      const h = hash(sub);
      if (w.u.length < EXFIL.maxDistinctKept && !w.u.includes(h)) w.u.push(h);
      if (w.sample.length < 5) w.sample.push(name);
    }
    const byTxt = w.tx * 2 >= w.q && w.e >= EXFIL.txtMinQueries && w.c >= EXFIL.txtMinEncodedChars;
    const byVolume = w.e >= EXFIL.minQueries && w.u.length >= EXFIL.minDistinct && w.c >= EXFIL.minEncodedChars;
    if (!w.hit && (byTxt || byVolume)) {
      w.hit = true;
      const who = e.instanceId || e.srcAddr;
      ctx.emit({
        type: 'Trojan:EC2/DNSDataExfiltration', severity: SEVERITY.High, accountId: e.accountId, region: e.region, time: e.time,
        key, resourceRole: 'ACTOR', resource: dnsResource(e), action: dnsAction(e),
        title: `EC2 instance ${who} is attempting to exfiltrate data through DNS queries.`,
        description: `EC2 instance ${who} sent ${w.e} queries under ${registered} whose subdomains carry encoded data `
          + `(${w.c} characters, ${w.u.length} distinct subdomains${w.tx ? `, ${w.tx} TXT/NULL queries` : ''}) within ${EXFIL.windowMs / 60_000} minutes: DNS tunnelling.`,
        additionalInfo: {
          domain: name, registeredDomain: registered, encodedQueries: w.e, queries: w.q, distinctSubdomains: w.u.length, encodedCharacters: w.c,
          txtOrNullQueries: w.tx, sampleQueries: [...w.sample], windowMinutes: EXFIL.windowMs / 60_000,
        },
      });
    }
    windows.set(key, w);
  },
});
