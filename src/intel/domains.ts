/**
 * Domain facts the reputation model uses: the registered domain of a name (the label under its
 * public suffix, or under a dynamic-DNS / free-subdomain provider, where every customer is a
 * different owner), the providers whose subdomains are free for anyone, abused TLDs, and the
 * popular-domain list (data/popular-domains.txt, CC0).
 */
import { readFileSync } from 'node:fs';

/** Two-label public suffixes common enough to matter (a full PSL is not needed for scoring). */
export const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'co.jp', 'ne.jp', 'or.jp', 'co.kr',
  'com.br', 'com.cn', 'net.cn', 'org.cn', 'com.hk', 'com.sg', 'com.tw', 'com.tr', 'com.mx', 'com.ar', 'co.in', 'co.za',
  'co.id', 'com.my', 'com.ph', 'com.vn', 'com.ua', 'com.pl', 'com.ru', 'co.il', 'com.sa', 'com.eg', 'com.ng',
]);

/**
 * Dynamic DNS and tunnelling services: anyone gets a name under these in minutes and points it
 * anywhere, which is why malware and phishing use them. Each customer's name is its own
 * "registered domain".
 */
export const DYNAMIC_DNS = new Set([
  'duckdns.org', 'no-ip.org', 'no-ip.biz', 'no-ip.info', 'noip.me', 'ddns.net', 'hopto.org', 'zapto.org', 'sytes.net', 'myftp.biz',
  'myftp.org', 'servebeer.com', 'serveftp.com', 'servehttp.com', 'bounceme.net', 'webhop.me', 'redirectme.net', 'gotdns.ch',
  'dynu.net', 'dynu.com', 'changeip.com', 'mooo.com', 'chickenkiller.com', 'strangled.net', 'linkpc.net', 'dnsdynamic.org',
  'ddnsking.com', '3utilities.com', 'dynv6.net', 'dyndns.org', 'dyndns.info', 'dnsalias.com', 'homeip.net', 'freeddns.org',
  'ngrok.io', 'ngrok-free.app', 'ngrok.app', 'trycloudflare.com', 'serveo.net', 'localtunnel.me', 'loca.lt', 'pagekite.me',
  'portmap.io', 'portmap.host',
]);

/**
 * Free web hosting with a subdomain per customer: abused too, but mostly used for ordinary sites,
 * so it weighs less than dynamic DNS.
 */
export const FREE_HOSTING = new Set([
  '000webhostapp.com', 'weebly.com', 'glitch.me', 'repl.co', 'workers.dev', 'pages.dev', 'firebaseapp.com', 'web.app',
  'herokuapp.com', 'azurewebsites.net', 'blogspot.com', 'github.io', 'gitlab.io', 'netlify.app', 'vercel.app', 'surge.sh',
  'now.sh', 'onrender.com', 'fly.dev', 'r2.dev', 'ipfs.io', 'dweb.link', 'wixsite.com', 'webflow.io', 'sites.google.com',
]);

/** Both kinds: the suffixes under which each label is a different owner. */
export const ABUSED_PROVIDERS = new Set([...DYNAMIC_DNS, ...FREE_HOSTING]);

/** TLDs with a high share of abuse relative to legitimate use. */
export const ABUSED_TLDS = new Set(['tk', 'ml', 'ga', 'cf', 'gq', 'top', 'xyz', 'icu', 'buzz', 'cyou', 'rest', 'zip', 'mov', 'click',
  'work', 'support', 'cam', 'monster', 'sbs', 'cfd', 'quest', 'bond', 'lol', 'hair', 'beauty', 'skin', 'autos', 'boats', 'yachts', 'ru', 'su']);

/** The most labels of a provider suffix (sites.google.com: 3): only that many trailing suffixes need a look. */
const MAX_PROVIDER_LABELS = Math.max(...[...ABUSED_PROVIDERS].map((p) => p.split('.').length));

/** Index of the dot before the last `n` labels of `name` (-1: the name has at most `n` labels). */
function dotBefore(name: string, n: number): number {
  let i = name.length;
  for (let k = 0; k < n; k++) {
    // (lastIndexOf takes a negative start as 0: a dot at 0 must not be found twice)
    if (i <= 0) return -1;
    i = name.lastIndexOf('.', i - 1);
    if (i < 0) return -1;
  }
  return i;
}

/** The longest provider suffix of `name` shorter than the name, found by slicing only trailing label runs. */
function providerOf(name: string): string | undefined {
  for (let n = MAX_PROVIDER_LABELS; n >= 1; n--) {
    const dot = dotBefore(name, n);
    if (dot < 0) continue; // the name has n labels or fewer: the suffix would be the name itself
    const suffix = name.slice(dot + 1);
    if (ABUSED_PROVIDERS.has(suffix)) return suffix;
  }
  return undefined;
}

/**
 * Names repeat (a fleet asks for the same names all day), so both lookups are memoised; the memo
 * is dropped whole when it reaches MEMO_MAX names (a stream of random names, as tunnelling makes,
 * then costs a clear per 65,536 names, not a growing map).
 */
const MEMO_MAX = 65_536;
const providers = new Map<string, string | null>();
const registered = new Map<string, string>();

/** The dynamic-DNS or free-hosting provider a name sits under, when it sits under one. */
export function abusedProvider(name: string): string | undefined {
  let p = providers.get(name);
  if (p === undefined) {
    p = providerOf(name) ?? null;
    if (providers.size >= MEMO_MAX) providers.clear();
    providers.set(name, p);
  }
  return p ?? undefined;
}

/** `a.b.example.co.uk` → `example.co.uk`; `x.y.duckdns.org` → `y.duckdns.org`. */
export function registeredDomain(name: string): string {
  let r = registered.get(name);
  if (r === undefined) {
    const provider = abusedProvider(name);
    let suffixLabels = 1;
    if (provider) suffixLabels = provider.split('.').length;
    else {
      const dot = dotBefore(name, 2);
      if (TWO_LABEL_SUFFIXES.has(dot < 0 ? name : name.slice(dot + 1))) suffixLabels = 2;
    }
    const dot = dotBefore(name, suffixLabels + 1);
    r = dot < 0 ? name : name.slice(dot + 1);
    if (registered.size >= MEMO_MAX) registered.clear();
    registered.set(name, r);
  }
  return r;
}

export function tldOf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

let popular: Set<string> | undefined;

/** Registered domains of the popular-domain list (loaded once). */
export function popularDomains(): Set<string> {
  if (!popular) {
    const text = readFileSync(new URL('../../data/popular-domains.txt', import.meta.url), 'utf8');
    popular = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')));
  }
  return popular;
}
