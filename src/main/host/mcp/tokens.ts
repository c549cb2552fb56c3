import { hash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CLIENT_NAME_PATTERN, CLIENT_NAME_RULE } from '../../../shared/credentials.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { SecretStore } from '../secrets.js';

/** Keychain account prefix for per-client MCP bearer tokens. */
export const TOKEN_ACCOUNT_PREFIX = 'mcp-token:';

const IndexSchema = z.object({
  /** Changes on every write, so a reader comparing file stamps never mistakes a new file for the old one. */
  generation: z.string().optional(),
  clients: z.record(z.string(), z.object({ createdAt: z.string() })),
});
type TokenIndex = z.infer<typeof IndexSchema>;

export interface ClientTokenInfo {
  name: string;
  createdAt: string | null;
}

export class InvalidClientNameError extends Error {
  override readonly name = 'InvalidClientNameError';
}

export function assertClientName(name: string): void {
  if (!CLIENT_NAME_PATTERN.test(name)) throw new InvalidClientNameError(`"${name}" is not a valid client name: ${CLIENT_NAME_RULE}`);
}

/**
 * Per-client bearer tokens. The tokens live in the keychain; tokens.json in the data dir holds
 * only names and dates, and is rewritten (new inode) on every change so a running server in
 * another process notices a revocation on its very next request.
 */
export class ClientTokens {
  readonly #secrets: SecretStore;
  readonly #indexPath: string;
  /** sha256(token) -> client name */
  #byHash = new Map<string, string>();
  #stamp: string | null = null;
  #loading: Promise<void> | null = null;
  readonly #listeners = new Set<(clients: ReadonlySet<string>) => void>();

  constructor(secrets: SecretStore, dataDir: string) {
    this.#secrets = secrets;
    this.#indexPath = join(dataDir, 'tokens.json');
  }

  /** Create (or replace) the token of a client; returns the new token. */
  async create(name: string): Promise<string> {
    assertClientName(name);
    const token = `tmc_${randomBytes(32).toString('base64url')}`;
    await this.#secrets.set(TOKEN_ACCOUNT_PREFIX + name, token);
    const index = await this.#readIndex();
    index.clients[name] = { createdAt: new Date().toISOString() };
    await this.#writeIndex(index);
    return token;
  }

  /** The stored token of a client, for writing it into that client's config. */
  async get(name: string): Promise<string | null> {
    assertClientName(name);
    return this.#secrets.get(TOKEN_ACCOUNT_PREFIX + name);
  }

  /** True when a token was removed. The other clients' tokens keep working. */
  async revoke(name: string): Promise<boolean> {
    assertClientName(name);
    const deleted = await this.#secrets.delete(TOKEN_ACCOUNT_PREFIX + name);
    const index = await this.#readIndex();
    const had = name in index.clients;
    delete index.clients[name];
    await this.#writeIndex(index);
    return deleted || had;
  }

  async list(): Promise<ClientTokenInfo[]> {
    const [accounts, index] = await Promise.all([this.#secrets.list(TOKEN_ACCOUNT_PREFIX), this.#readIndex()]);
    return accounts
      .map((a) => a.slice(TOKEN_ACCOUNT_PREFIX.length))
      .map((name) => ({ name, createdAt: index.clients[name]?.createdAt ?? null }));
  }

  /**
   * Which client a presented token belongs to, or null; reloads from the keychain when
   * tokens.json changed since the last look. Looked up by the token's SHA-256, not compared with
   * each token in constant time: the lookup's timing can tell a caller at most how much of a
   * stored digest its own digest matches, and going from a digest back to a token (256 random
   * bits) takes a SHA-256 preimage. A one-shot hash and a map lookup cost a fraction of the
   * constant-time loop, on every request.
   */
  async authenticate(presented: string): Promise<string | null> {
    await this.#refreshIfChanged();
    return this.#byHash.get(sha256(presented)) ?? null;
  }

  /** Load every token from the keychain now, and tell listeners which clients have one. */
  async reload(): Promise<void> {
    const stamp = this.#currentStamp();
    const entries = await this.#secrets.entries(TOKEN_ACCOUNT_PREFIX);
    this.#byHash = new Map(entries.map((e) => [sha256(e.value), e.account.slice(TOKEN_ACCOUNT_PREFIX.length)]));
    this.#stamp = stamp;
    const clients = new Set(this.#byHash.values());
    for (const listener of this.#listeners) listener(clients);
  }

  /** Reload if another process changed the tokens since the last look (cheap when nothing changed). */
  refresh(): Promise<void> {
    return this.#refreshIfChanged();
  }

  /** Called after every reload with the clients that still hold a token. */
  onReload(listener: (clients: ReadonlySet<string>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #refreshIfChanged(): Promise<void> {
    const stamp = this.#currentStamp();
    if (stamp === this.#stamp && this.#loading === null) return;
    // Concurrent requests share one reload.
    this.#loading ??= this.reload().finally(() => (this.#loading = null));
    await this.#loading;
  }

  /** Sync on purpose: one stat of a local file is cheaper than a thread-pool hop on every request. */
  #currentStamp(): string {
    // Numbers, not bigints (half the cost, per request). A write renames a new file into place,
    // and the file system may hand the next one the inode just freed: mtime (ns-derived, as a
    // fraction of a ms) and size tell those apart; the inode catches a swap within one tick.
    const s = statSync(this.#indexPath, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : 'none';
  }

  async #readIndex(): Promise<TokenIndex> {
    try {
      const parsed = IndexSchema.safeParse(JSON.parse(await readFile(this.#indexPath, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Missing or unreadable: the keychain is the source of truth; the index is rebuilt.
    }
    return { clients: {} };
  }

  async #writeIndex(index: TokenIndex): Promise<void> {
    index.generation = randomBytes(8).toString('hex');
    await writeFileAtomic(this.#indexPath, JSON.stringify(index, null, 2) + '\n');
  }
}

/** Hex SHA-256 (crypto.hash: one call, no Hash object, the cheapest form per request). */
function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}
