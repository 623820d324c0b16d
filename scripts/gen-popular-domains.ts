/**
 * Regenerates data/popular-domains.txt from a MISP warninglist JSON (e.g. cloudflare-top10k
 * list.json, CC0). The reputation model never scores a popular registered domain.
 *   npm run gen:popular -- ../shared/data/benign/misp-warninglists/cloudflare-top10k.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const src = process.argv[2];
if (!src) { console.error('usage: npm run gen:popular -- <misp warninglist list.json>'); process.exit(2); }
const doc = JSON.parse(readFileSync(src, 'utf8')) as { name: string; list: string[] };
const domains = [...new Set(doc.list.map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))].sort();
const out = join(import.meta.dirname, '..', 'data', 'popular-domains.txt');
writeFileSync(out, `# Popular registered domains: ${doc.name}, as packaged by MISP warninglists\n# (CC0-1.0). Regenerate: npm run gen:popular -- <path to list.json>\n${domains.join('\n')}\n`);
console.log(`${domains.length} domains → ${out}`);
