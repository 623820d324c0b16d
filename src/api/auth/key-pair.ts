/** An AWS-looking key pair: AKIA + 16 characters of AWS's alphabet, and a 40-character secret. */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newKeyPair(): { accessKeyId: string; secretAccessKey: string } {
  const id = [...randomBytes(16)].map((b) => ALNUM[b % 32]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40) };
}
