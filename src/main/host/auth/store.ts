import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic.js';
import type { SecretStore } from '../secrets.js';

/** Keychain account prefix of everything the authorization server keeps. */
export const OAUTH_ACCOUNT_PREFIX = 'oauth:';
/** What the authorization server keeps in the keychain; interactions, sessions and codes stay in memory. */
export const PERSISTED_MODELS: ReadonlySet<string> = new Set(['Grant', 'AccessToken', 'RefreshToken']);
/** Registrations nobody allowed yet are dropped beyond this many, oldest first. */
const MAX_PENDING_CLIENTS = 100;

const ClientEntrySchema = z.object({
  /** The readable name in `tarmac token list` and the activity log; null until the user allowed it once. */
  name: z.string().nullable(),
  createdAt: z.string(),
  approvedAt: z.string().nullable(),
  /** RFC 7591 registration as stored by the authorization server; null for client ID metadata documents. */
  metadata: z.record(z.string(), z.unknown()).nullable(),
});
const IndexSchema = z.object({
  generation: z.string().optional(),
  clients: z.record(z.string(), ClientEntrySchema),
});
type ClientEntry = z.infer<typeof ClientEntrySchema>;
type OAuthIndex = z.infer<typeof IndexSchema>;

export type Payload = Record<string, unknown>;
interface Stored {
  payload: Payload;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
}
const StoredSchema = z.object({ p: z.record(z.string(), z.unknown()), e: z.number().nullable() });

export interface OAuthClientInfo {
  name: string;
  clientId: string;
  createdAt: string;
}

/**
 * What Tarmac keeps of its OAuth clients and their tokens. Registrations (public clients, no
 * secrets) and readable names live in oauth-clients.json; grants and tokens live in the keychain
 * under the SHA-256 of their id, so the keychain never holds a usable token. A copy in memory
 * answers every request; it is reloaded whenever oauth-clients.json changes, which is how a
 * revocation by another process (`tarmac token revoke`) reaches a running server at once.
 */
export class OAuthStore {
  readonly #secrets: SecretStore;
  readonly #indexPath: string;
  #index: OAuthIndex = { clients: {} };
  /** keychain account -> stored grant or token */
  #entries = new Map<string, Stored>();
  #stamp: string | null = null;
  #loading: Promise<void> | null = null;
  /** Writes made while a reload reads the keychain, replayed on its result so none is lost. */
  #journal: Array<[string, Stored | null]> | null = null;
  #writing: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(clients: ReadonlySet<string>) => void>();

  constructor(secrets: SecretStore, dataDir: string) {
    this.#secrets = secrets;
    this.#indexPath = join(dataDir, 'oauth-clients.json');
  }

  /** Which client an access token belongs to (its readable name), or null. */
  async authenticate(token: string, audience: string): Promise<{ name: string; clientId: string } | null> {
    await this.refresh();
    const stored = this.#live(accountFor('AccessToken', token));
    if (!stored || stored.payload.consumed !== undefined) return null;
    const clientId = stored.payload.clientId;
    const grantId = stored.payload.grantId;
    if (typeof clientId !== 'string' || typeof grantId !== 'string') return null;
    const name = this.#index.clients[clientId]?.name;
    if (!name || !this.#live(accountFor('Grant', grantId))) return null;
    const aud = stored.payload.aud;
    if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) return null;
    return { name, clientId };
  }

  // ---- storage for the authorization server's adapter ----

  async find(model: string, id: string): Promise<Payload | undefined> {
    await this.refresh();
    const stored = this.#live(accountFor(model, id));
    return stored ? { ...stored.payload, jti: id } : undefined;
  }

  async upsert(model: string, id: string, payload: Payload, expiresInSeconds?: number): Promise<void> {
    const { jti: _id, ...rest } = payload;
    const stored: Stored = { payload: rest, expiresAt: expiresInSeconds ? Date.now() + expiresInSeconds * 1000 : null };
    const account = accountFor(model, id);
    await this.#secrets.set(account, JSON.stringify({ p: stored.payload, e: stored.expiresAt }));
    this.#entries.set(account, stored);
    this.#journal?.push([account, stored]);
  }

  async consume(model: string, id: string): Promise<void> {
    const stored = this.#live(accountFor(model, id));
    if (!stored) return;
    await this.upsert(model, id, { ...stored.payload, consumed: Math.floor(Date.now() / 1000) }, remainingSeconds(stored));
  }

  async destroy(model: string, id: string): Promise<void> {
    const account = accountFor(model, id);
    this.#forget(account);
    await this.#secrets.delete(account);
  }

  /** oidc-provider calls this for every model at once: each call removes its own model's entries only. */
  async revokeByGrantId(model: string, grantId: string): Promise<void> {
    const prefix = `${OAUTH_ACCOUNT_PREFIX}${model}:`;
    await this.#deleteWhere((account, p) => account.startsWith(prefix) && (p.grantId === grantId || (model === 'Grant' && accountFor('Grant', grantId) === account)));
  }

  /** A registration (RFC 7591) by client id, or undefined. */
  async clientMetadata(clientId: string): Promise<Payload | undefined> {
    await this.refresh();
    return this.#index.clients[clientId]?.metadata ?? undefined;
  }

  async saveClient(clientId: string, metadata: Payload): Promise<void> {
    await this.#updateIndex((index) => {
      const existing = index.clients[clientId];
      index.clients[clientId] = existing
        ? { ...existing, metadata }
        : { name: null, createdAt: new Date().toISOString(), approvedAt: null, metadata };
      dropOldPending(index);
    });
  }

  async destroyClient(clientId: string): Promise<void> {
    await this.#updateIndex((index) => {
      delete index.clients[clientId];
    });
  }

  // ---- clients as the user sees them ----

  /**
   * The user allowed a client: give it a readable unique name (kept across later sign-ins) and
   * return it. `taken` says which names other kinds of client already use.
   */
  async approve(clientId: string, label: string, taken: (name: string) => boolean): Promise<string> {
    let name = '';
    await this.#updateIndex((index) => {
      const now = new Date().toISOString();
      const existing = index.clients[clientId];
      const used = new Set(Object.values(index.clients).flatMap((c) => (c.name ? [c.name] : [])));
      name = existing?.name ?? uniqueName(label, (n) => used.has(n) || taken(n));
      index.clients[clientId] = { metadata: null, createdAt: now, ...existing, name, approvedAt: now };
    });
    return name;
  }

  async list(): Promise<OAuthClientInfo[]> {
    await this.refresh();
    return Object.entries(this.#index.clients)
      .flatMap(([clientId, c]) => (c.name ? [{ name: c.name, clientId, createdAt: c.approvedAt ?? c.createdAt }] : []))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Names of the clients the user allowed. */
  names(): ReadonlySet<string> {
    return new Set(Object.values(this.#index.clients).flatMap((c) => (c.name ? [c.name] : [])));
  }

  /** Forget a client and every grant and token it holds. True when there was such a client. */
  async revoke(name: string): Promise<boolean> {
    await this.refresh();
    const clientId = Object.entries(this.#index.clients).find(([, c]) => c.name === name)?.[0];
    if (clientId === undefined) return false;
    // Tokens first: a crash in between leaves a listed client without tokens, never tokens without a listed client.
    const all = await this.#secrets.entries(OAUTH_ACCOUNT_PREFIX);
    for (const e of all) {
      const stored = parseStored(e.value);
      if (!stored || stored.payload.clientId === clientId) await this.#secrets.delete(e.account);
    }
    await this.#updateIndex((index) => {
      delete index.clients[clientId];
    });
    return true;
  }

  onReload(listener: (clients: ReadonlySet<string>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reload everything now: the index, then the keychain entries (one round trip). */
  async reload(): Promise<void> {
    const stamp = this.#currentStamp();
    this.#journal = [];
    let index: OAuthIndex;
    let found: Array<{ account: string; value: string }>;
    try {
      index = await this.#readIndex();
      found = await this.#secrets.entries(OAUTH_ACCOUNT_PREFIX);
    } catch (err) {
      this.#journal = null;
      throw err;
    }
    const entries = new Map<string, Stored>();
    const stale: string[] = [];
    for (const e of found) {
      const stored = parseStored(e.value);
      const clientId = stored?.payload.clientId;
      const known = typeof clientId === 'string' && index.clients[clientId] !== undefined;
      if (stored && known && !expired(stored)) entries.set(e.account, stored);
      else stale.push(e.account);
    }
    for (const [account, stored] of this.#journal) {
      if (stored) entries.set(account, stored);
      else entries.delete(account);
    }
    this.#journal = null;
    this.#index = index;
    this.#entries = entries;
    this.#stamp = stamp;
    // Expired tokens and leftovers of revoked clients are cleaned up on the side.
    for (const account of stale) void this.#secrets.delete(account).catch(() => false);
    const names = this.names();
    for (const listener of this.#listeners) listener(names);
  }

  /** Reload if oauth-clients.json changed since the last look (one stat when nothing did). */
  async refresh(): Promise<void> {
    if (this.#currentStamp() === this.#stamp && this.#loading === null) return;
    this.#loading ??= this.reload().finally(() => (this.#loading = null));
    await this.#loading;
  }

  #forget(account: string): void {
    this.#entries.delete(account);
    this.#journal?.push([account, null]);
  }

  #live(account: string): Stored | undefined {
    const stored = this.#entries.get(account);
    if (!stored) return undefined;
    if (expired(stored)) {
      this.#entries.delete(account);
      void this.#secrets.delete(account).catch(() => false);
      return undefined;
    }
    return stored;
  }

  async #deleteWhere(test: (account: string, payload: Payload) => boolean): Promise<void> {
    for (const [account, stored] of [...this.#entries]) {
      if (!test(account, stored.payload)) continue;
      this.#forget(account);
      await this.#secrets.delete(account);
    }
  }

  /**
   * Read-modify-write of the index, one at a time within this process. When the file was as this
   * process last loaded it, the new file's stamp is taken as loaded too: this process's own write
   * needs no reload (before, every registration and every Allow made the next lookup list every
   * OAuth entry in the keychain again, and a sign-in got slower with each one: bench:oauth).
   * A change another process made in between still forces one.
   */
  async #updateIndex(change: (index: OAuthIndex) => void): Promise<void> {
    const run = this.#writing.then(async () => {
      const unchanged = this.#stamp !== null && this.#currentStamp() === this.#stamp;
      const index = await this.#readIndex();
      change(index);
      index.generation = randomBytes(8).toString('hex');
      await writeFileAtomic(this.#indexPath, JSON.stringify(index, null, 2) + '\n');
      this.#index = index;
      if (unchanged && this.#loading === null) this.#stamp = this.#currentStamp();
    });
    this.#writing = run.catch(() => undefined);
    await run;
  }

  #currentStamp(): string {
    const s = statSync(this.#indexPath, { bigint: true, throwIfNoEntry: false });
    return s ? `${s.ino}:${s.mtimeNs}:${s.size}` : 'none';
  }

  async #readIndex(): Promise<OAuthIndex> {
    let text: string;
    try {
      text = await readFile(this.#indexPath, 'utf8');
    } catch {
      return { clients: {} };
    }
    const parsed = IndexSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(`${this.#indexPath} is not a valid OAuth client list; move it aside to start over (its clients will have to sign in again)`);
    }
    return parsed.data;
  }
}

/** The keychain account of a grant or token: its id is hashed, so the keychain holds nothing usable. */
export function accountFor(model: string, id: string): string {
  return `${OAUTH_ACCOUNT_PREFIX}${model}:${createHash('sha256').update(id).digest('base64url')}`;
}

/** A readable, unique client name from what the client calls itself (see assertClientName). */
export function uniqueName(label: string, taken: (name: string) => boolean): string {
  const base =
    label
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .replace(/-+$/, '')
      .slice(0, 56) || 'oauth-client';
  if (!taken(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken(candidate)) return candidate;
  }
}

function dropOldPending(index: OAuthIndex): void {
  const pending = Object.entries(index.clients)
    .filter(([, c]: [string, ClientEntry]) => c.name === null)
    .sort(([, a], [, b]) => a.createdAt.localeCompare(b.createdAt));
  for (const [clientId] of pending.slice(0, Math.max(0, pending.length - MAX_PENDING_CLIENTS))) delete index.clients[clientId];
}

function parseStored(value: string): Stored | null {
  const parsed = StoredSchema.safeParse(safeJson(value));
  return parsed.success ? { payload: parsed.data.p, expiresAt: parsed.data.e } : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function expired(stored: Stored): boolean {
  return stored.expiresAt !== null && stored.expiresAt <= Date.now();
}

function remainingSeconds(stored: Stored): number | undefined {
  return stored.expiresAt === null ? undefined : Math.max(1, Math.ceil((stored.expiresAt - Date.now()) / 1000));
}
