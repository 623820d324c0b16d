/**
 * Who is calling: access keys resolve to an account and a role. The administrator account sees
 * and manages every member; a member sees only its own account; a read-only key sees what its
 * account sees and may not change anything.
 */
import { randomBytes } from 'node:crypto';
import type { ServeConfig, KeyRole } from '../config.js';
import type { Store } from '../../store/index.js';

export interface Principal { accessKeyId: string; accountId: string; role: KeyRole; isAdmin: boolean; canWrite: boolean }

interface KeyEntry { secret: string; principal: Principal }

export class Principals {
  private readonly keys = new Map<string, KeyEntry>();

  constructor(private readonly adminAccountId: string) {}

  add(accountId: string, accessKeyId: string, secret: string, role: KeyRole): void {
    const isAdmin = accountId === this.adminAccountId && role !== 'member';
    this.keys.set(accessKeyId, { secret, principal: { accessKeyId, accountId, role, isAdmin, canWrite: role !== 'read-only' } });
  }

  secretFor = (accessKeyId: string): string | undefined => this.keys.get(accessKeyId)?.secret;

  principal(accessKeyId: string): Principal | undefined { return this.keys.get(accessKeyId)?.principal; }

  get size(): number { return this.keys.size; }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An AWS-looking key pair: AKIA + 16 characters, and a 40-character secret. */
export function newKeyPair(): { accessKeyId: string; secretAccessKey: string } {
  const id = [...randomBytes(16)].map((b) => ALNUM[b % 32]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40) };
}

/**
 * Loads the configured keys; with no administrator key anywhere, makes one, keeps it in the
 * database (so restarts reuse it) and returns it so the caller prints it once.
 */
export async function loadPrincipals(config: ServeConfig, store: Store): Promise<{ principals: Principals; created?: { accessKeyId: string; secretAccessKey: string } }> {
  const p = new Principals(config.adminAccountId);
  for (const a of config.accounts) for (const k of a.keys) p.add(a.accountId, k.accessKeyId, k.secretAccessKey, k.role);
  const hasAdmin = config.accounts.some((a) => a.accountId === config.adminAccountId && a.keys.some((k) => k.role === 'administrator'));
  if (hasAdmin) return { principals: p };
  const saved = await store.getDoc<{ accessKeyId: string; secretAccessKey: string }>('credential', `admin:${config.adminAccountId}`);
  if (saved) { p.add(config.adminAccountId, saved.accessKeyId, saved.secretAccessKey, 'administrator'); return { principals: p }; }
  const created = newKeyPair();
  await store.putDoc('credential', `admin:${config.adminAccountId}`, config.adminAccountId, created);
  p.add(config.adminAccountId, created.accessKeyId, created.secretAccessKey, 'administrator');
  return { principals: p, created };
}
