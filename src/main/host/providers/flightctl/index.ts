import type { AnyToolSpec } from '../../tools/catalogue.js';
import type { AccountDeps, Provider, ProviderAccount, ProviderContext, ProviderFactory, ProviderStatus } from '../provider.js';
import { lazyAccount } from '../lazy-account.js';
import { accountContext, DEFAULT_ACCOUNT } from '../../accounts/scope.js';
import { raceSignal } from '../../tools/abort.js';
import { fetchAuthInfo, TokenManager, type AuthInfo } from './auth.js';
import { FlightctlClient } from './client.js';
import { resolveConnection, sameUrl, type Connection } from './config.js';
import { FlightctlError, SESSION_EXPIRED, sessionExpiredError } from './errors.js';
import { HttpTransport } from './http.js';
import { OrgResolver } from './orgs.js';
import { seedOf, type TokenSet } from './tokens.js';
import { detailTools } from './details.js';
import { operationTools } from './operations.js';
import { flightctlTools, PROVIDER_ID, type Live, type ToolRuntime } from './tools.js';
import { alphaTools } from './v1alpha1.js';

export { ACCOUNTS, readSession, writeSession, deleteSession, type StoredSession, type TokenSet, type RefreshConfig } from './tokens.js';

export interface FlightctlProviderOptions {
  /** Shorter console handshake wait (tests; the default waits past the server's own one-minute limit). */
  consoleHandshakeTimeoutMs?: number;
  /** Per-request timeout for REST calls. */
  requestTimeoutMs?: number;
  /** Largest REST response body read, raw and decompressed (default 64 MiB; tests use a small one). */
  maxResponseBytes?: number;
}

interface State {
  key: string;
  connection: Connection;
  problems: string[];
  live: Live;
  authInfo: (signal?: AbortSignal) => Promise<AuthInfo | null>;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * Flight Control: connection from Tarmac's settings + keychain, the seed server's environment
 * variables or flightctl's client.yaml; tokens refreshed and rotated into the keychain; REST
 * tools with compact answers; remote commands over the WebSocket console.
 */
export class FlightctlProvider implements Provider {
  readonly id = PROVIDER_ID;
  readonly label = 'Flight Control';
  readonly #ctx: ProviderContext;
  readonly #opts: FlightctlProviderOptions;
  #state: State | null = null;
  #building: Promise<State> | null = null;
  /** Hash of a refresh token the IdP refused: not retried until a source offers a different one. */
  #deadSeed: string | null = null;
  #lastProblems: string[] = [];
  /** The account this instance's connection belongs to (accounts/scope.ts). */
  readonly accountId: string;
  /** The provider registered with the host: it holds the other accounts' connections. */
  readonly #root: FlightctlProvider | null;
  readonly #accounts = new Map<string, FlightctlProvider>();

  constructor(ctx: ProviderContext, options: FlightctlProviderOptions = {}, scope?: { root: FlightctlProvider; account: string }) {
    this.#ctx = ctx;
    this.#opts = options;
    this.#root = scope?.root ?? null;
    this.accountId = scope?.account ?? DEFAULT_ACCOUNT;
  }

  /**
   * One account's connection (its own server, trust settings, organization and tokens). The host
   * has one Flight Control provider; each call reaches the account its client's profile binds.
   */
  forAccount(account: string): FlightctlProvider {
    if (this.#root) return this.#root.forAccount(account);
    if (account === DEFAULT_ACCOUNT) return this;
    let p = this.#accounts.get(account);
    if (!p) {
      p = new FlightctlProvider(accountContext(this.#ctx, account), this.#opts, { root: this, account });
      this.#accounts.set(account, p);
    }
    return p;
  }

  tools(): AnyToolSpec[] {
    const rt: ToolRuntime = {
      live: (signal, account) => this.forAccount(account ?? DEFAULT_ACCOUNT).live(signal),
      settings: (account) => this.forAccount(account ?? DEFAULT_ACCOUNT).#ctx.settings,
      ...(this.#opts.consoleHandshakeTimeoutMs ? { consoleHandshakeTimeoutMs: this.#opts.consoleHandshakeTimeoutMs } : {}),
    };
    // The seed server's tools, then the v1beta1 reads and the operations behind approvals, then v1alpha1.
    return [...flightctlTools(rt), ...detailTools(rt), ...operationTools(rt), ...alphaTools(rt)];
  }

  /** Forget the connection so the next call re-reads settings, keychain and files (after a sign-in, say). */
  reload(): void {
    this.#drop();
    this.#deadSeed = null;
  }

  async live(signal?: AbortSignal): Promise<Live> {
    const state = await this.#current();
    if (state.live.tokens.expired) throw sessionExpiredError();
    signal?.throwIfAborted();
    return state.live;
  }

  async #current(): Promise<State> {
    const settings = (await this.#ctx.settings.read()).flightctl ?? {};
    // The organization is read live by OrgResolver; everything else in the section changes the connection.
    const key = JSON.stringify({ apiUrl: settings.apiUrl, insecure: settings.insecureSkipVerify, ca: settings.caCertPath });
    const cached = this.#state;
    if (cached && cached.key === key && !cached.live.tokens.expired) return cached;
    this.#building ??= this.#build(key).finally(() => {
      this.#building = null;
    });
    return this.#building;
  }

  async #build(key: string): Promise<State> {
    const settings = (await this.#ctx.settings.read()).flightctl;
    const { connection, problems } = await resolveConnection({ env: this.#ctx.env, settings, secrets: this.#ctx.secrets, ...(this.accountId === DEFAULT_ACCOUNT ? {} : { ownOnly: true }) });
    this.#lastProblems = problems;
    if (!connection) {
      throw new FlightctlError(
        'config',
        `Flight Control is not set up${problems.length ? ` (${problems.join('; ')})` : ''}. Sign in to Flight Control in Tarmac, or set API_BASE_URL and REFRESH_TOKEN, or run \`flightctl login\` so Tarmac can import its client.yaml.`,
      );
    }
    const rt = connection.tokens?.refreshToken;
    if (rt && this.#deadSeed === seedOf(rt)) throw sessionExpiredError();
    this.#drop();

    for (const t of [connection.tokens?.accessToken, connection.tokens?.idToken, connection.tokens?.refreshToken]) this.#ctx.redactor.addSecret(t);
    const transport = new HttpTransport({
      ca: connection.ca,
      insecureSkipVerify: connection.insecureSkipVerify,
      ...(this.#opts.maxResponseBytes ? { maxBodyBytes: this.#opts.maxResponseBytes } : {}),
    });
    let info: Promise<AuthInfo | null> | undefined;
    // Shared by every caller, so it runs under its own timeout; a caller's cancel only ends its own wait.
    const authInfo = (signal?: AbortSignal) => {
      info ??= fetchAuthInfo(transport, connection.apiUrl, undefined, Math.min(15_000, this.#opts.requestTimeoutMs ?? 15_000)).catch((err: unknown) => {
        info = undefined;
        throw err;
      });
      return raceSignal(info, signal);
    };
    const tokens = new TokenManager({
      connection,
      secrets: this.#ctx.secrets,
      api: transport,
      log: this.#ctx.log,
      authInfo,
      onTokens: (t: TokenSet) => {
        for (const v of [t.accessToken, t.idToken, t.refreshToken]) this.#ctx.redactor.addSecret(v);
      },
      onExpired: (refreshToken: string) => {
        this.#deadSeed = seedOf(refreshToken);
      },
    });
    const orgs = new OrgResolver({
      chosen: () => this.#chosenOrganization(connection.apiUrl),
      fromSource: connection.organization,
      enabledBySource: connection.organizationsEnabled,
      authInfo,
    });
    const client = new FlightctlClient({
      apiUrl: connection.apiUrl,
      transport,
      tokens,
      orgId: (signal) => orgs.orgId(signal),
      log: this.#ctx.log,
      ...(this.#opts.requestTimeoutMs ? { requestTimeoutMs: this.#opts.requestTimeoutMs } : {}),
    });
    orgs.attach(client);
    const state: State = { key, connection, problems, live: { apiUrl: connection.apiUrl, client, orgs, tokens, transport }, authInfo };
    this.#state = state;
    this.#ctx.log.info({ source: connection.source, server: connection.apiUrl }, 'flightctl connection resolved');
    return state;
  }

  /**
   * The organization chosen in Tarmac's settings, only when the settings name this very server:
   * an organization id of one server is never sent to another (after a sign-out, or while the
   * connection comes from the environment or client.yaml for a different server).
   */
  async #chosenOrganization(apiUrl: string): Promise<string | undefined> {
    const s = (await this.#ctx.settings.read()).flightctl;
    return s?.organization && s.apiUrl && sameUrl(s.apiUrl, apiUrl) ? s.organization : undefined;
  }

  /** Forget the current connection. Calls still running on it finish first: its sockets close a little later. */
  #drop(immediately = false): void {
    const s = this.#state;
    this.#state = null;
    if (!s) return;
    const close = () => {
      s.live.transport.close();
      s.live.tokens.close();
    };
    if (immediately) close();
    else setTimeout(close, 30_000).unref();
  }

  async status(): Promise<ProviderStatus> {
    const base = { id: this.id, label: this.label };
    let state: State | null = null;
    let error: unknown;
    try {
      state = await this.#current();
    } catch (err) {
      error = err;
    }
    if (!state) {
      const expired = error instanceof FlightctlError && error.kind === 'session-expired';
      const problems = this.#lastProblems;
      if (expired) {
        return { ...base, state: 'signed-out', summary: SESSION_EXPIRED, details: {}, warnings: problems };
      }
      if (problems.length) return { ...base, state: 'error', summary: `Flight Control configuration problem: ${problems[0]}`, details: {}, warnings: problems };
      // Said as a person reads it; the ways in are the Accounts page's form and its import button
      // (the host API adds the Sign in action).
      return { ...base, state: 'unconfigured', summary: 'Not set up yet: sign in to your Flight Control server, or import the flightctl command line tool’s login', details: {}, warnings: [] };
    }
    const c = state.connection;
    const t = state.live.tokens;
    const tokens = t.tokens;
    const settingsOrg = await this.#chosenOrganization(c.apiUrl);
    const warnings = [...state.problems];
    if (c.insecureSkipVerify) warnings.push(`TLS certificate checks are off for ${c.apiUrl} (insecure skip-verify): anyone on the network path could read your Flight Control token. Add the server's CA certificate instead.`);
    if (c.apiUrl.startsWith('http:') && !LOOPBACK.test(new URL(c.apiUrl).hostname)) warnings.push(`${c.apiUrl} uses plain http: tokens travel unencrypted.`);
    if (state.live.orgs.problem && !settingsOrg) warnings.push(state.live.orgs.problem);
    if (t.saveError) warnings.push(`Refreshed tokens could not be saved to the keychain (${t.saveError}); they work until Tarmac restarts.`);
    const details: Record<string, string | null> = {
      server: c.apiUrl,
      source: c.origin,
      organization: settingsOrg ?? c.organization ?? state.live.orgs.resolved ?? null,
      account: t.account() ?? null,
      bearer: tokens ? (tokens.tokenToUse === 'id' ? 'id token' : 'access token') : null,
      expires: tokens?.expiresAt ? new Date(tokens.expiresAt).toISOString() : null,
      refresh: t.refreshConfig ? (t.refreshConfig.via === 'proxy' ? `API token proxy (${t.refreshConfig.providerName ?? '?'})` : t.refreshConfig.via === 'idp' ? `identity provider ${t.refreshConfig.tokenUrl ?? t.refreshConfig.issuer ?? ''}`.trim() : 'discovered from /auth/config') : null,
      ca: c.caSource,
      lastRefresh: t.lastRefresh?.toISOString() ?? null,
    };
    if (t.expired) return { ...base, state: 'signed-out', summary: SESSION_EXPIRED, details, warnings };
    if (!tokens) {
      // A server with authentication off (418 from /auth/config) needs no sign-in: requests go without a bearer.
      const info = await state.authInfo().catch(() => null);
      if (info?.shape === 'disabled') {
        return { ...base, state: 'ready', summary: `connected to ${c.apiUrl} (authentication is off on this server)`, details, warnings };
      }
      return { ...base, state: 'signed-out', summary: `not signed in to ${c.apiUrl}`, details, warnings };
    }
    const who = t.account();
    return { ...base, state: 'ready', summary: `${who ? `signed in as ${who}` : 'signed in'} to ${c.apiUrl} (${c.origin})`, details, warnings };
  }

  async close(): Promise<void> {
    this.#drop(true);
    await Promise.all([...this.#accounts.values()].map((p) => p.close()));
  }

  account(deps: AccountDeps): ProviderAccount {
    return lazyAccount(async () => (await import('./account.js')).flightctlAccount(this.#ctx, this, deps));
  }
}

export const createFlightctlProvider: ProviderFactory = (ctx) => new FlightctlProvider(ctx);

