/**
 * Public threat feeds Vigil knows by name (`vigil intel add --feed <name>`). Each is fetched at
 * run time from its publisher and cached on disk like any list; nothing is bundled. What a feed's
 * entries mean (its purpose) is declared here, never guessed from its name. Licences and terms
 * are the publishers'; read them before using a feed commercially.
 */
import type { ListFormat, ThreatPurpose } from './types.js';

export interface Feed {
  name: string;
  title: string;
  url: string;
  format: ListFormat;
  purpose: ThreatPurpose;
  /** Default refresh interval, seconds. */
  refreshSeconds: number;
  homepage: string;
  terms: string;
}

const HOUR = 3600;

export const FEEDS: readonly Feed[] = [
  {
    name: 'tor-exit', title: 'Tor Project bulk exit list', url: 'https://check.torproject.org/torbulkexitlist',
    format: 'TXT', purpose: 'tor-exit', refreshSeconds: HOUR, homepage: 'https://metrics.torproject.org/', terms: 'public data of the Tor Project',
  },
  {
    name: 'feodo', title: 'abuse.ch Feodo Tracker botnet C2 IP blocklist', url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.txt',
    format: 'TXT', purpose: 'command-and-control', refreshSeconds: HOUR, homepage: 'https://feodotracker.abuse.ch/', terms: 'CC0 (abuse.ch)',
  },
  {
    name: 'ipsum', title: 'IPsum (level 3: on at least 3 blocklists)', url: 'https://raw.githubusercontent.com/stamparm/ipsum/master/levels/3.txt',
    format: 'TXT', purpose: 'malicious', refreshSeconds: 24 * HOUR, homepage: 'https://github.com/stamparm/ipsum', terms: 'Unlicense',
  },
  {
    name: 'maltrail-mining', title: 'Maltrail crypto-mining pools and domains', url: 'https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/suspicious/crypto_mining.txt',
    format: 'TXT', purpose: 'cryptomining', refreshSeconds: 24 * HOUR, homepage: 'https://github.com/stamparm/maltrail', terms: 'MIT',
  },
  {
    name: 'maltrail-scanners', title: 'Maltrail mass scanners', url: 'https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/mass_scanner.txt',
    format: 'TXT', purpose: 'scanner', refreshSeconds: 24 * HOUR, homepage: 'https://github.com/stamparm/maltrail', terms: 'MIT',
  },
  {
    name: 'et-compromised', title: 'Emerging Threats compromised IPs', url: 'https://rules.emergingthreats.net/blockrules/compromised-ips.txt',
    format: 'TXT', purpose: 'malicious', refreshSeconds: 24 * HOUR, homepage: 'https://rules.emergingthreats.net/', terms: 'Proofpoint ET Open terms',
  },
  {
    name: 'spamhaus-drop', title: 'Spamhaus DROP (hijacked netblocks)', url: 'https://www.spamhaus.org/drop/drop.txt',
    format: 'TXT', purpose: 'malicious', refreshSeconds: 24 * HOUR, homepage: 'https://www.spamhaus.org/drop/', terms: 'free for non-commercial use; see Spamhaus terms',
  },
];

export function findFeed(name: string): Feed | undefined {
  return FEEDS.find((f) => f.name === name);
}
