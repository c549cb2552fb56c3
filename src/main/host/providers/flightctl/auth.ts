import type * as Oidc from 'openid-client';
import type { Logger } from '../../log.js';
import type { SecretStore } from '../../secrets.js';
import { raceSignal } from '../../tools/abort.js';
import { readPem, type Connection } from './config.js';
import { FlightctlError, sessionExpiredError } from './errors.js';
import { HttpTransport } from './http.js';
import { bearerOf, jwtClaims, jwtExpiry, tokenToUseFor, writeSessionIf, type RefreshConfig, type SessionFingerprint, type TokenSet } from './tokens.js';

/** One AuthProvider from a v1.x /auth/config (the fields Tarmac uses; clientSecret is always redacted by the server). */
export interface AuthProviderInfo {
  name: string;
  type: string | undefined;
  displayName?: string | undefined;
  issuer: string | undefined;
  clientId: string | undefined;
  scopes: string[] | undefined;
  /** oauth2 / openshift / aap: explicit endpoints instead of OIDC discovery. */
  authorizationUrl?: string | undefined;
  tokenUrl?: string | undefined;
}

/** What `GET /api/v1/auth/config` says, in either the v1.x or the v0.x shape. */
export interface AuthInfo {
  shape: 'v1' | 'v0' | 'disabled';
  organizationsEnabled: boolean | undefined;
  defaultProvider: string | undefined;
  providers: AuthProviderInfo[];
  /** v0.x: authType and authURL (the IdP issuer). */
  authType?: string;
  authUrl?: string;
}

/** Public endpoint (no token, no org): which auth the server runs and whether organizations are on. */
export async function fetchAuthInfo(transport: HttpTransport, apiUrl: string, signal?: AbortSignal, timeoutMs = 15_000): Promise<AuthInfo | null> {
  const res = await transport.request(`${apiUrl}/api/v1/auth/config`, {
    headers: { accept: 'application/json' },
    what: 'reading /auth/config',
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  return parseAuthConfig(res.status, res.body);
}

/** The answer of /auth/config in either shape; 418 = auth disabled; null = not an auth config at all. */
export function parseAuthConfig(status: number, raw: Buffer | string): AuthInfo | null {
  if (status === 418) return { shape: 'disabled', organizationsEnabled: undefined, defaultProvider: undefined, providers: [] };
  if (status !== 200) return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (Array.isArray(body.providers)) {
    const providers = (body.providers as unknown[]).flatMap((p): AuthProviderInfo[] => {
      const o = p as { metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
      const name = o?.metadata?.name;
      if (typeof name !== 'string') return [];
      const spec = o?.spec ?? {};
      return [
        {
          name,
          type: text(spec.providerType),
          displayName: text(spec.displayName),
          issuer: text(spec.issuer),
          clientId: text(spec.clientId),
          scopes: Array.isArray(spec.scopes) ? spec.scopes.filter((s): s is string => typeof s === 'string') : undefined,
          authorizationUrl: text(spec.authorizationUrl),
          tokenUrl: text(spec.tokenUrl),
        },
      ];
    });
    return {
      shape: 'v1',
      organizationsEnabled: typeof body.organizationsEnabled === 'boolean' ? body.organizationsEnabled : undefined,
      defaultProvider: typeof body.defaultProvider === 'string' ? body.defaultProvider : undefined,
      providers,
    };
  }
  if (typeof body.authType === 'string') {
    const orgs = body.authOrganizationsConfig as { enabled?: unknown } | undefined;
    return {
      shape: 'v0',
      organizationsEnabled: typeof orgs?.enabled === 'boolean' ? orgs.enabled : undefined,
      defaultProvider: undefined,
      providers: [],
      authType: body.authType,
      ...(typeof body.authURL === 'string' ? { authUrl: body.authURL } : {}),
    };
  }
  return null;
}

/** Signing algorithms accepted on id tokens from the token endpoint (a direct TLS channel; signatures are not checked there). */
const ID_TOKEN_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Refresh when less than this is left, so a call never starts with a token about to lapse. */
export const REFRESH_MARGIN_MS = 60_000;
/** A whole refresh (auth config, discovery, token request) gives up after this, whoever waits for it. */
export const REFRESH_TIMEOUT_MS = 60_000;

export interface TokenManagerOptions {
  connection: Connection;
  secrets: SecretStore;
  /** Transport trusting the API (the token proxy lives there). */
  api: HttpTransport;
  log: Logger;
  authInfo: (signal?: AbortSignal) => Promise<AuthInfo | null>;
  /** Every new token value, so the host's redactor scrubs it from logs and activity. */
  onTokens?: (tokens: TokenSet) => void;
  /** The IdP refused this refresh token (invalid_grant). */
  onExpired?: (refreshToken: string) => void;
  now?: () => number;
}

/**
 * Holds the token set for one connection: hands out the bearer, refreshes it before expiry
 * through the API's token proxy or the IdP (openid-client), saves rotated tokens to the
 * keychain, and turns invalid_grant into "session expired" for every later call.
 */
export class TokenManager {
  readonly #o: TokenManagerOptions;
  #tokens: TokenSet | null;
  #refresh: RefreshConfig | null;
  #expired: FlightctlError | null = null;
  #inflight: Promise<void> | null = null;
  #learned = false;
  #now: () => number;
  /** The keychain entry this manager loaded or last wrote; it writes only while the keychain still holds it. */
  #keychain: SessionFingerprint;
  /** Closed (replaced or shut down): never writes the keychain again. */
  #closed = false;
  /** Last keychain write failure, for status (tokens still work from memory). */
  saveError: string | null = null;
  lastRefresh: Date | null = null;

  constructor(options: TokenManagerOptions) {
    this.#o = options;
    this.#tokens = options.connection.tokens ? { ...options.connection.tokens } : null;
    this.#refresh = options.connection.refresh ? { ...options.connection.refresh } : null;
    this.#now = options.now ?? Date.now;
    this.#keychain = options.connection.keychain ?? null;
  }

  get tokens(): Readonly<TokenSet> | null {
    return this.#tokens;
  }

  get refreshConfig(): Readonly<RefreshConfig> | null {
    return this.#refresh;
  }

  get expired(): boolean {
    return this.#expired !== null;
  }

  get canRefresh(): boolean {
    return Boolean(this.#tokens?.refreshToken && this.#refresh);
  }

  /** The bearer to send, refreshed first when it is missing or about to expire. Undefined = no credentials at all. */
  async bearer(signal?: AbortSignal): Promise<string | undefined> {
    if (this.#expired) throw this.#expired;
    const tokens = this.#tokens;
    if (!tokens) return undefined;
    const current = bearerOf(tokens);
    const fresh = current !== undefined && (tokens.expiresAt === undefined || tokens.expiresAt - this.#now() > REFRESH_MARGIN_MS);
    if (fresh) return current;
    if (this.canRefresh) {
      await this.refresh(signal);
      return bearerOf(this.#tokens ?? tokens);
    }
    if (current !== undefined && tokens.expiresAt !== undefined && tokens.expiresAt <= this.#now()) {
      // A token login (no refresh token) that has lapsed: the same words as an expired session.
      this.#expired = sessionExpiredError();
      throw this.#expired;
    }
    return current;
  }

  /**
   * Refresh now (single flight: concurrent callers share one request, so a rotating IdP sees one
   * use). The request runs under its own timeout, not under any caller's signal: a caller that is
   * cancelled stops waiting, while the refresh finishes for the others and its rotated refresh
   * token is kept.
   */
  refresh(signal?: AbortSignal): Promise<void> {
    if (this.#expired) return Promise.reject(this.#expired);
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('cancelled'));
    this.#inflight ??= this.#doRefresh(AbortSignal.timeout(REFRESH_TIMEOUT_MS)).finally(() => {
      this.#inflight = null;
    });
    return raceSignal(this.#inflight, signal);
  }

  async #doRefresh(signal: AbortSignal): Promise<void> {
    const tokens = this.#tokens;
    const refreshToken = tokens?.refreshToken;
    if (!tokens || !refreshToken || !this.#refresh) throw new FlightctlError('signed-out', 'Flight Control has no refresh token; sign in again.');
    const target = await this.#target(signal);
    // openid-client loads with the first refresh: commands that never refresh start faster.
    const oidc = await import('openid-client');
    const issuer = target.issuer ?? new URL(target.tokenUrl).origin;
    const config = new oidc.Configuration(
      { issuer, token_endpoint: target.tokenUrl, id_token_signing_alg_values_supported: ID_TOKEN_ALGS },
      this.#refresh.clientId,
      undefined,
      oidc.None(),
    );
    // Keep the raw answer: if validation fails after the IdP rotated the refresh token we still save the new one.
    let raw: { refresh_token?: unknown } | undefined;
    config[oidc.customFetch] = async (url, options) => {
      const both = options.signal ? AbortSignal.any([signal, options.signal]) : signal;
      const res = await target.transport.fetch(url, { ...options, signal: both });
      raw = (await res
        .clone()
        .json()
        .catch(() => undefined)) as typeof raw;
      return res;
    };
    if (target.tokenUrl.startsWith('http:')) oidc.allowInsecureRequests(config);
    config.timeout = 30;

    let response: Awaited<ReturnType<typeof Oidc.refreshTokenGrant>>;
    try {
      response = await oidc.refreshTokenGrant(config, refreshToken);
    } catch (err) {
      if (signal.aborted) {
        throw new FlightctlError('timeout', `Flight Control token refresh did not finish within ${REFRESH_TIMEOUT_MS / 1000} s (${target.tokenUrl}); the server or identity provider may be slow or unreachable. Try again.`, { cause: err });
      }
      if (err instanceof oidc.ResponseBodyError) {
        if (err.error === 'invalid_grant') {
          this.#o.log.warn({ via: this.#refresh.via }, 'flightctl refresh token rejected (invalid_grant)');
          this.#expired = sessionExpiredError(err);
          this.#o.onExpired?.(refreshToken);
          throw this.#expired;
        }
        throw new FlightctlError('unauthorized', `Flight Control token refresh failed: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}. Sign in again if it persists.`, { cause: err });
      }
      const inner = findCause(err);
      if (inner) throw inner;
      const rotated = typeof raw?.refresh_token === 'string' ? raw.refresh_token : undefined;
      if (rotated && rotated !== refreshToken) {
        this.#tokens = { ...tokens, refreshToken: rotated };
        this.#o.onTokens?.(this.#tokens);
        await this.#save();
      }
      const message = err instanceof Error ? err.message : String(err);
      throw new FlightctlError('unauthorized', `Flight Control token refresh failed: the answer from ${target.tokenUrl} was not acceptable (${message}).`, { cause: err });
    }

    const next: TokenSet = { ...tokens, tokenToUse: target.tokenToUse ?? tokens.tokenToUse };
    next.accessToken = response.access_token;
    if (response.id_token) next.idToken = response.id_token;
    else if (next.tokenToUse === 'id') {
      // No id token came back: an old one would be stale, so authenticate with the access token.
      delete next.idToken;
      next.tokenToUse = 'access';
    }
    if (response.refresh_token) next.refreshToken = response.refresh_token;
    next.expiresAt = this.#expiry(next, response.expires_in);
    this.#tokens = next;
    this.#o.onTokens?.(next);
    this.lastRefresh = new Date(this.#now());
    this.#o.log.info({ via: this.#refresh.via, rotated: Boolean(response.refresh_token && response.refresh_token !== refreshToken) }, 'flightctl tokens refreshed');
    await this.#save();
  }

  #expiry(tokens: TokenSet, expiresIn: number | undefined): number | undefined {
    let seconds = expiresIn;
    // AAP reports expires_in in nanoseconds (the flightctl CLI divides by 1e9).
    if (seconds !== undefined && this.#refresh?.providerType?.toLowerCase() === 'aap' && seconds > 1e8) seconds = seconds / 1e9;
    const fromResponse = seconds !== undefined ? this.#now() + seconds * 1000 : undefined;
    const fromJwt = jwtExpiry(tokens.tokenToUse === 'id' ? tokens.idToken : tokens.accessToken);
    if (fromJwt !== undefined && fromResponse !== undefined) return Math.min(fromJwt, fromResponse);
    return fromJwt ?? fromResponse;
  }

  /**
   * Writes the tokens back to the keychain, but never after close() and only while the keychain
   * still holds the session this manager loaded or last wrote: after a sign-out, or a sign-in to
   * another server, a refresh still running here must not bring the old session back.
   */
  async #save(): Promise<void> {
    const c = this.#o.connection;
    if (!this.#tokens || this.#closed) return;
    try {
      const written = await writeSessionIf(this.#o.secrets, this.#keychain, {
        apiUrl: c.apiUrl,
        origin: { source: c.source, ...(c.seed ? { seed: c.seed } : {}) },
        tokens: this.#tokens,
        refresh: this.#refresh,
      });
      if (written === null) {
        this.#o.log.info({ server: c.apiUrl }, 'flightctl keychain session changed since this connection loaded it (signed out or signed in again); refreshed tokens not saved');
        return;
      }
      this.#keychain = written;
      this.saveError = null;
    } catch (err) {
      // The tokens still work from memory; status tells the person the keychain failed.
      this.saveError = err instanceof Error ? err.message : String(err);
      this.#o.log.warn({ err: this.saveError }, 'could not save refreshed Flight Control tokens to the keychain');
    }
  }

  /** Where to send the refresh, which issuer signs id tokens, and (once learned) which token is the bearer. */
  async #target(signal: AbortSignal): Promise<{ tokenUrl: string; issuer: string | undefined; transport: HttpTransport; tokenToUse?: 'id' | 'access' }> {
    const r = this.#refresh;
    if (!r) throw new FlightctlError('signed-out', 'Flight Control has no refresh settings; sign in again.');
    const apiUrl = this.#o.connection.apiUrl;
    let tokenToUse: 'id' | 'access' | undefined;

    // Sources that do not say how the server authenticates (the environment) learn it once from /auth/config.
    if (!this.#learned && (r.via === 'discover' || this.#o.connection.source === 'env')) {
      const info = await this.#o.authInfo(signal).catch(() => null);
      // Learned once it answered; an unreachable server is asked again next time.
      if (info) this.#learned = true;
      if (info?.shape === 'v1') {
        const p = info.providers.find((x) => x.clientId === r.clientId) ?? info.providers.find((x) => x.name === info.defaultProvider) ?? info.providers[0];
        if (p) {
          if (r.via === 'discover') {
            r.via = 'proxy';
            r.providerName = p.name;
            if (p.clientId) r.clientId = p.clientId;
          }
          if (p.type) r.providerType = p.type;
          if (p.issuer && !r.issuer) r.issuer = p.issuer;
          if (p.scopes) r.scopes = p.scopes;
          tokenToUse = tokenToUseFor(p.type, p.scopes);
        }
      } else if (info?.shape === 'v0') {
        if (info.authType) r.providerType = info.authType;
        if (info.authUrl && !r.issuer) r.issuer = info.authUrl.replace(/\/+$/, '');
        if (r.via === 'discover') r.via = 'idp';
        tokenToUse = 'access';
      }
      if (r.via === 'discover') {
        throw new FlightctlError('config', `Cannot tell how to refresh the Flight Control token: ${apiUrl}/api/v1/auth/config did not say. Set OIDC_TOKEN_URL to the identity provider's token endpoint.`);
      }
    }

    if (r.via === 'proxy') {
      if (!r.providerName) throw new FlightctlError('config', 'The saved Flight Control session names no auth provider; sign in again.');
      return { tokenUrl: `${apiUrl}/api/v1/auth/${encodeURIComponent(r.providerName)}/token`, issuer: r.issuer, transport: this.#o.api, ...(tokenToUse ? { tokenToUse } : {}) };
    }

    const transport = await this.#idpTransport();
    let tokenUrl = r.tokenUrl;
    if (!tokenUrl) {
      if (!r.issuer) throw new FlightctlError('config', 'No token endpoint for the identity provider is known; set OIDC_TOKEN_URL.');
      tokenUrl = await discoverTokenEndpoint(transport, r.issuer, signal);
      r.tokenUrl = tokenUrl;
    }
    return { tokenUrl, issuer: r.issuer, transport, ...(tokenToUse ? { tokenToUse } : {}) };
  }

  #idp: HttpTransport | undefined;

  async #idpTransport(): Promise<HttpTransport> {
    const r = this.#refresh;
    if (!r?.authCaFile && !r?.authInsecureSkipVerify) return this.#o.api;
    if (!this.#idp) {
      const ca = r.authCaFile ? [await readPem(r.authCaFile)] : [];
      this.#idp = new HttpTransport({ ca, insecureSkipVerify: Boolean(r.authInsecureSkipVerify) });
    }
    return this.#idp;
  }

  /** Who the tokens belong to, from the id token when there is one (for status). */
  account(): string | undefined {
    const claims = jwtClaims(this.#tokens?.idToken ?? this.#tokens?.accessToken);
    const v = claims?.preferred_username ?? claims?.email ?? claims?.sub;
    return typeof v === 'string' ? v : undefined;
  }

  /** Stop: the tokens stay usable in memory for calls still running, but nothing is written to the keychain any more. */
  close(): void {
    this.#closed = true;
    this.#idp?.close();
  }
}

async function discoverTokenEndpoint(transport: HttpTransport, issuer: string, signal?: AbortSignal): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await transport.request(url, { headers: { accept: 'application/json' }, what: 'identity provider discovery', timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  if (res.status === 200) {
    try {
      const meta = JSON.parse(res.body.toString('utf8')) as { token_endpoint?: unknown };
      if (typeof meta.token_endpoint === 'string') return meta.token_endpoint;
    } catch {
      // fall through to the error below
    }
  }
  throw new FlightctlError('config', `Could not discover the identity provider's token endpoint from ${url} (HTTP ${res.status}); set OIDC_TOKEN_URL.`);
}

/** openid-client wraps transport failures; our own errors (TLS, timeout) carry the better message. */
function findCause(err: unknown): FlightctlError | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof FlightctlError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
