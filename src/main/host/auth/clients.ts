import { assertClientName, InvalidClientNameError, type ClientTokens } from '../mcp/tokens.js';
import type { LastUsed } from './last-used.js';
import type { OAuthStore } from './store.js';

export type ClientKind = 'token' | 'oauth';

export interface ClientInfo {
  name: string;
  kind: ClientKind;
  createdAt: string | null;
  lastUsedAt: string | null;
}

/**
 * Every MCP client in one list, whichever way it signs in: a static bearer token made with
 * `tarmac token create`, or OAuth from the client itself. Names are unique across both kinds, so
 * the activity log and `tarmac token revoke NAME` always mean one client.
 */
export class ClientRegistry {
  readonly #tokens: ClientTokens;
  readonly #oauth: OAuthStore;
  readonly #usage: LastUsed;
  #staticNames: ReadonlySet<string> = new Set();

  readonly #forget: (name: string) => Promise<void>;

  /**
   * forget: drops what belongs to a client's identity besides its credential (its guardrail
   * rules), when it is revoked and before a new client takes a name, so a client never inherits
   * what an earlier one of the same name was allowed.
   */
  constructor(tokens: ClientTokens, oauth: OAuthStore, usage: LastUsed, forget: (name: string) => Promise<void> = async () => undefined) {
    this.#tokens = tokens;
    this.#oauth = oauth;
    this.#usage = usage;
    this.#forget = forget;
    tokens.onReload((names) => (this.#staticNames = names));
  }

  /** A new client (static or OAuth) is taking `name`: it starts with no rules of its own. */
  async newClient(name: string): Promise<void> {
    await this.#forget(name);
  }

  /**
   * The client a bearer token belongs to: a static token first (cheap: a lookup by its digest), then an
   * OAuth access token (verifyOAuth, which knows this endpoint's audience). Notes the use.
   */
  async authenticate(token: string, verifyOAuth: ((token: string) => Promise<string | null>) | null): Promise<string | null> {
    const name = (await this.#tokens.authenticate(token)) ?? (verifyOAuth && !token.startsWith('tmc_') ? await verifyOAuth(token) : null);
    if (name) this.#usage.touch(name);
    return name;
  }

  /** A name taken by a static-token client (sync: the OAuth server asks while naming a new client). */
  hasStaticName(name: string): boolean {
    return this.#staticNames.has(name);
  }

  /** A static token for a new client; refused when an OAuth client already has the name. */
  async createToken(name: string): Promise<string> {
    assertClientName(name);
    if ((await this.#oauth.list()).some((c) => c.name === name)) {
      throw new InvalidClientNameError(`"${name}" is the name of an OAuth client: choose another name, or revoke that client first (tarmac token revoke ${name})`);
    }
    // A token for a name that has none yet is a new client; a new token for a client keeps its rules.
    if (!(await this.#tokens.list()).some((t) => t.name === name)) await this.#forget(name);
    return this.#tokens.create(name);
  }

  async list(): Promise<ClientInfo[]> {
    // Uses noted a moment ago count ("last connected" right after a client connects).
    await this.#usage.flush();
    const [tokens, oauth, used] = await Promise.all([this.#tokens.list(), this.#oauth.list(), this.#usage.read()]);
    const all: ClientInfo[] = [
      ...tokens.map((t) => ({ name: t.name, kind: 'token' as const, createdAt: t.createdAt, lastUsedAt: used[t.name] ?? null })),
      ...oauth.map((c) => ({ name: c.name, kind: 'oauth' as const, createdAt: c.createdAt, lastUsedAt: used[c.name] ?? null })),
    ];
    return all.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  }

  /** When each client name last connected, with the credential it had then or has now. */
  async lastSeen(): Promise<Record<string, string>> {
    return this.#usage.seen();
  }

  /** Revoke a client of either kind; its requests fail from the next one on. Returns the kinds revoked. */
  async revoke(name: string): Promise<ClientKind[]> {
    assertClientName(name);
    const revoked: ClientKind[] = [];
    if (await this.#oauth.revoke(name)) revoked.push('oauth');
    if (await this.#tokens.revoke(name)) revoked.push('token');
    if (revoked.length) {
      await this.#usage.forget(name);
      await this.#forget(name);
    }
    return revoked;
  }
}
