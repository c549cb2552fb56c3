import { readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as oidc from 'openid-client';
import type { ProviderStatus, SignInEvent } from '../../../shared/api.js';
import type { FlightctlAuthInfo, FlightctlConnection, FlightctlOrganization } from './flightctl-types.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { ProviderContext } from '../providers/provider.js';
import { parseAuthConfig, TokenManager, type AuthInfo } from '../providers/flightctl/auth.js';
import { FlightctlClient } from '../providers/flightctl/client.js';
import { clientYamlPaths, parseClientYaml, readPem, sameUrl, type Connection } from '../providers/flightctl/config.js';
import { FlightctlError } from '../providers/flightctl/errors.js';
import { HttpTransport } from '../providers/flightctl/http.js';
import type { Organization } from '../providers/flightctl/orgs.js';
import { ACCOUNTS, bearerOf, deleteSession, jwtExpiry, restoreSession, tokenToUseFor, writeSession, type RefreshConfig, type TokenSet } from '../providers/flightctl/tokens.js';
import type { Live } from '../providers/flightctl/tools.js';
import { MemoryKeychain, SecretStore } from '../secrets.js';
import type { OpenBrowser } from './browser.js';
import { SignInError } from './errors.js';
import { chooseOrganization, chooseProvider, isOidc, methodsFor, normaliseApiUrl, pickOrganization, scopesFor, toAuthInfo, type ChosenProvider } from './flightctl-choices.js';
import { cancelledError, causeOf, errorCode, grantError, passwordError, rejected } from './flightctl-failures.js';
import { listenForCallback, resolveCallbackPort } from './loopback.js';

export { chooseOrganization, methodsFor, normaliseApiUrl } from './flightctl-choices.js';

export { SignInError } from './errors.js';

/** How long a browser sign-in waits for the person (the issue's five minutes). */
export const BROWSER_SIGN_IN_TIMEOUT_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Where an imported client.yaml's inline CA goes: certificates are not secret, and settings hold a path. */
const IMPORTED_CA_FILE = 'flightctl-ca.pem';

/** The flightctl provider as the sign-in flows need it (FlightctlProvider satisfies this). */
export interface FlightctlAccountsProvider {
  reload(): void;
  status(): Promise<ProviderStatus>;
  live(signal?: AbortSignal): Promise<Live>;
}

export interface FlightctlAccountsOptions {
  ctx: ProviderContext;
  provider: FlightctlAccountsProvider;
  /** Shows the authorization URL to the person (Electron: shell.openExternal; headless: print it). */
  openBrowser: OpenBrowser;
  onEvent?: (event: SignInEvent) => void;
  /** How long to wait for the browser; default five minutes (tests pass a short one). */
  browserTimeoutMs?: number;
  /** Per-request timeout towards the API and the identity provider. */
  requestTimeoutMs?: number;
}

export interface SignInOptions {
  /** Cancels the sign-in; the callback listener closes and nothing is saved. */
  signal?: AbortSignal;
  /** Organization id or display name to use; default: the source's, else the first one. */
  organization?: string;
}

export interface ImportOptions extends SignInOptions {
  /** Override the file's TLS settings (CLI --ca-cert / --insecure-skip-tls-verify). */
  caCertPath?: string;
  insecureSkipVerify?: boolean;
}

/** One server being signed in to: URL, trust, transport. */
interface Target {
  apiUrl: string;
  ca: string[];
  caCertPath: string | undefined;
  insecureSkipVerify: boolean;
  transport: HttpTransport;
}

/** What a sign-in produced, before it is checked and saved. */
interface Candidate {
  tokens: TokenSet | null;
  refresh: RefreshConfig | null;
  /** The organization the source named (client.yaml); used when it is one of the user's. */
  sourceOrganization?: string | undefined;
  organizationsEnabled: boolean | undefined;
  /** PEM to save beside settings (client.yaml certificate-authority-data). */
  caPemToSave?: string;
}

/**
 * Flight Control sign-in, organization choice and sign-out: the host side of the Accounts
 * screen and of `tarmac login flightctl`. Every path checks the tokens with the server
 * (/auth/validate, /organizations) before anything is saved, then writes the session to the
 * keychain through `writeSession` and only the non-secret rest (URL, CA path, organization) to
 * settings. A keychain that cannot be reached stops a sign-in before it starts.
 */
export class FlightctlAccounts {
  readonly #o: FlightctlAccountsOptions;
  #browser: { controller: AbortController; done: Promise<unknown> } | null = null;

  constructor(options: FlightctlAccountsOptions) {
    this.#o = options;
  }

  get #ctx(): ProviderContext {
    return this.#o.ctx;
  }

  /** What the server offers: its providers and which sign-in methods Tarmac has for each. */
  async flightctlAuthInfo(connection: FlightctlConnection, options: { signal?: AbortSignal } = {}): Promise<FlightctlAuthInfo> {
    const target = await this.#target(connection);
    try {
      const info = await this.#authConfig(target, options.signal);
      return toAuthInfo(target.apiUrl, info);
    } finally {
      target.transport.close();
    }
  }

  /**
   * Authorization code + PKCE (S256) + state (+ nonce for OIDC) with a loopback redirect to
   * http://localhost:<port>/callback (8080 unless asked otherwise). The code is exchanged through
   * the API's token proxy on v1.x servers, at the identity provider on v0.x.
   */
  async signInFlightctlBrowser(request: FlightctlConnection & { provider?: string; callbackPort?: number }, options: SignInOptions = {}): Promise<ProviderStatus> {
    // One browser sign-in at a time: a new one replaces the one still waiting (and frees its port).
    const previous = this.#browser;
    if (previous) {
      previous.controller.abort();
      await previous.done.catch(() => undefined);
    }
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const done = this.#browserFlow(request, { ...options, signal });
    const entry = { controller, done };
    this.#browser = entry;
    try {
      return await done;
    } finally {
      if (this.#browser === entry) this.#browser = null;
    }
  }

  /** Stop a browser sign-in that is waiting (the UI's Cancel button); resolves once its listener is closed. */
  async cancelSignIn(): Promise<void> {
    const current = this.#browser;
    if (!current) return;
    current.controller.abort();
    await current.done.catch(() => undefined);
  }

  async #browserFlow(request: FlightctlConnection & { provider?: string; callbackPort?: number }, options: SignInOptions & { signal: AbortSignal }): Promise<ProviderStatus> {
    const { signal } = options;
    const port = resolveCallbackPort(request.callbackPort);
    const previous = await this.#probeKeychain();
    const target = await this.#target(request);
    return this.#run('browser', target, signal, async () => {
      const info = await this.#authConfig(target, signal);
      if (info.shape === 'disabled') return await this.#saveWithoutAuth(target, previous);
      const chosen = chooseProvider(info, request.provider);
      if (!methodsFor(chosen.type).includes('browser')) {
        throw new SignInError('unsupported', `The ${chosen.name} provider (${chosen.type}) does not sign in through a browser; paste a token instead (tarmac login flightctl <url> --token-stdin).`);
      }
      this.#ctx.log.info({ method: 'browser', server: target.apiUrl, provider: chosen.name, via: chosen.via }, 'flightctl sign-in started');
      const clientId = chosen.clientId;
      if (!clientId) throw new SignInError('server', `The ${chosen.name} provider on ${target.apiUrl} names no client id, so Tarmac cannot start a sign-in with it.`);
      const authServer = await this.#authServer(chosen, clientId, target, signal);
      const exchange = chosen.via === 'proxy' ? this.#proxyConfig(authServer, chosen, clientId, target, signal) : authServer;

      const scopes = scopesFor(chosen);
      const oidcFlow = isOidc(chosen) && scopes.includes('openid');
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidcFlow ? oidc.randomNonce() : undefined;

      // Listen before the browser opens, so a busy port fails first and the answer cannot be missed.
      // An error answer that does not carry this sign-in's state is refused and the wait goes on: any
      // web page could send the browser to localhost:<port>/callback?error=access_denied.
      const listener = await listenForCallback(port, {
        ignore: (query) => {
          if (!query.has('error') || query.get('state') === state) return null;
          this.#ctx.log.warn({ server: target.apiUrl }, 'ignored a Flight Control sign-in error answer that does not belong to this sign-in (state mismatch)');
          return {
            ok: false,
            title: 'Answer ignored',
            message: 'This answer does not belong to the sign-in Tarmac is waiting for (state mismatch), so Tarmac ignored it. Finish the sign-in in the window Tarmac opened.',
          };
        },
      });
      let outcome = { ok: false, title: 'Sign-in failed', message: 'Tarmac could not finish the sign-in. Return to Tarmac for details.' };
      try {
        const params: Record<string, string> = {
          redirect_uri: listener.redirectUri,
          response_type: 'code',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        };
        if (scopes.length) params.scope = scopes.join(' ');
        if (nonce) params.nonce = nonce;
        const url = oidc.buildAuthorizationUrl(authServer, params).href;
        const timeoutMs = this.#o.browserTimeoutMs ?? BROWSER_SIGN_IN_TIMEOUT_MS;

        this.#emit({ kind: 'browser-opened', provider: 'flightctl', url });
        // Not awaited: the hook may keep going (a test drives the page) while the answer arrives.
        Promise.resolve()
          .then(() => this.#o.openBrowser(url))
          .catch((err: unknown) => {
            this.#ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not open the browser for the Flight Control sign-in');
            this.#emit({ kind: 'waiting', provider: 'flightctl', message: 'No browser could be opened: open the sign-in URL yourself.' });
          });
        this.#emit({ kind: 'waiting', provider: 'flightctl', message: `Waiting for the sign-in to finish in the browser (up to ${Math.round(timeoutMs / 60_000) || 1} min)…` });

        const query = await listener.wait({ signal, timeoutMs });
        const code = query.get('code');
        this.#ctx.redactor.addSecret(code);
        // State first: only an answer that belongs to this sign-in may end it with an error.
        if (query.get('state') !== state) {
          throw new SignInError(
            'state-mismatch',
            'The answer that came back to Tarmac does not belong to this sign-in (state mismatch), so Tarmac ignored it and saved nothing. ' +
              'An old browser tab may have finished an earlier sign-in; start the sign-in again.',
          );
        }
        const error = query.get('error');
        if (error) {
          const description = query.get('error_description');
          const detail = `${error}${description ? `: ${description}` : ''}`;
          throw new SignInError(
            'denied',
            error === 'access_denied'
              ? `The sign-in was cancelled at the identity provider (${detail}); nothing was saved.`
              : `The identity provider ended the sign-in with an error (${detail}); nothing was saved.`,
          );
        }
        if (!code) throw new SignInError('exchange', 'The identity provider came back without an authorization code; nothing was saved.');

        const currentUrl = new URL(listener.redirectUri);
        for (const [k, v] of query) currentUrl.searchParams.append(k, v);
        let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
        try {
          response = await oidc.authorizationCodeGrant(exchange, currentUrl, {
            pkceCodeVerifier: verifier,
            expectedState: state,
            ...(nonce ? { expectedNonce: nonce, idTokenExpected: true } : {}),
          });
        } catch (err) {
          throw grantError(err, chosen.via === 'proxy' ? `the token proxy of ${target.apiUrl}` : `the identity provider (${exchange.serverMetadata().token_endpoint ?? chosen.issuer})`, signal);
        }
        const candidate = this.#candidate(response, chosen, clientId, exchange, target, info);
        const status = await this.#complete(target, candidate, options, previous);
        this.#ctx.log.info({ method: 'browser', server: target.apiUrl, provider: chosen.name }, 'flightctl sign-in complete');
        outcome = { ok: true, title: 'Signed in to Flight Control', message: 'You can close this tab and return to Tarmac.' };
        return status;
      } catch (err) {
        if (err instanceof SignInError || err instanceof FlightctlError) outcome = { ok: false, title: 'Sign-in failed', message: err.message };
        throw err;
      } finally {
        listener.respond(outcome);
        await listener.close();
      }
    });
  }

  /** Resource owner password grant, directly at the identity provider (as the flightctl CLI does). */
  async signInFlightctlPassword(request: FlightctlConnection & { provider?: string; username: string; password: string }, options: SignInOptions = {}): Promise<ProviderStatus> {
    this.#ctx.redactor.addSecret(request.password);
    if (!request.username) throw new SignInError('input', 'A username is needed for a password sign-in.');
    if (!request.password) throw new SignInError('input', 'The password is empty.');
    const { signal } = options;
    const previous = await this.#probeKeychain();
    const target = await this.#target(request);
    return this.#run('password', target, signal, async () => {
      const info = await this.#authConfig(target, signal);
      if (info.shape === 'disabled') return await this.#saveWithoutAuth(target, previous);
      const chosen = chooseProvider(info, request.provider);
      if (!methodsFor(chosen.type).includes('password')) {
        throw new SignInError('unsupported', `The ${chosen.name} provider (${chosen.type}) does not take a username and password; ${methodsFor(chosen.type).includes('browser') ? 'sign in with the browser' : 'paste a token'} instead.`);
      }
      const clientId = chosen.clientId;
      if (!clientId) throw new SignInError('server', `The ${chosen.name} provider on ${target.apiUrl} names no client id, so Tarmac cannot sign in with it.`);
      this.#ctx.log.info({ method: 'password', server: target.apiUrl, provider: chosen.name }, 'flightctl sign-in started');
      const idp = await this.#authServer(chosen, clientId, target, signal, true);
      const scopes = chosen.type === 'openshift' ? ['user:full'] : scopesFor(chosen);
      let response: Awaited<ReturnType<typeof oidc.genericGrantRequest>>;
      try {
        response = await oidc.genericGrantRequest(idp, 'password', {
          username: request.username,
          password: request.password,
          ...(scopes.length ? { scope: scopes.join(' ') } : {}),
        });
      } catch (err) {
        throw passwordError(err, clientId, signal);
      }
      const status = await this.#complete(target, this.#candidate(response, chosen, clientId, idp, target, info), options, previous);
      this.#ctx.log.info({ method: 'password', server: target.apiUrl, provider: chosen.name }, 'flightctl sign-in complete');
      return status;
    });
  }

  /** A token the person got elsewhere (`flightctl login --token`, k8s service accounts): sent as the bearer as it is. */
  async signInFlightctlToken(request: FlightctlConnection & { token: string }, options: SignInOptions = {}): Promise<ProviderStatus> {
    const token = request.token.trim();
    this.#ctx.redactor.addSecret(token);
    if (!token) throw new SignInError('input', 'The token is empty.');
    if (/\s/.test(token)) throw new SignInError('input', 'A token is a single word; the text given has spaces or line breaks in it.');
    const { signal } = options;
    const previous = await this.#probeKeychain();
    const target = await this.#target(request);
    return this.#run('token', target, signal, async () => {
      const info = await this.#authConfig(target, signal);
      if (info.shape === 'disabled') return await this.#saveWithoutAuth(target, previous);
      this.#ctx.log.info({ method: 'token', server: target.apiUrl }, 'flightctl sign-in started');
      const tokens: TokenSet = { accessToken: token, tokenToUse: 'access' };
      const exp = jwtExpiry(token);
      if (exp !== undefined) {
        if (exp <= Date.now()) throw new SignInError('rejected', 'The token has already expired (its exp claim is in the past); nothing was saved.');
        tokens.expiresAt = exp;
      }
      const status = await this.#complete(target, { tokens, refresh: null, organizationsEnabled: info.organizationsEnabled }, options, previous);
      this.#ctx.log.info({ method: 'token', server: target.apiUrl }, 'flightctl sign-in complete');
      return status;
    });
  }

  /**
   * Take over the login in flightctl's client.yaml (v1.x or v0.x layout): its server, trust,
   * tokens and organization become Tarmac's own sign-in. The file itself is only read.
   */
  async importFlightctlConfig(path?: string, options: ImportOptions = {}): Promise<ProviderStatus> {
    const previous = await this.#probeKeychain();
    const file = path ? resolve(path) : await firstExisting(clientYamlPaths(this.#ctx.env));
    if (!file) {
      throw new SignInError('input', `No flightctl client.yaml found (looked in ${clientYamlPaths(this.#ctx.env).join(', ')}). Run \`flightctl login\` first, or give the file's path.`);
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SignInError('input', code === 'ENOENT' ? `There is no ${file}. Run \`flightctl login\` first, or give the right path.` : `Cannot read ${file} (${code ?? 'error'}).`);
    }
    let parsed: ReturnType<typeof parseClientYaml>;
    try {
      parsed = parseClientYaml(text, file);
    } catch (err) {
      throw new SignInError('input', `${file} ${err instanceof Error ? err.message : String(err)}.`);
    }
    const conn = parsed.connection;
    for (const t of [conn.tokens?.accessToken, conn.tokens?.idToken, conn.tokens?.refreshToken]) this.#ctx.redactor.addSecret(t);
    if (!conn.tokens) throw new SignInError('input', `${file} holds no login (no token). Run \`flightctl login\` first.`);

    // The file's trust unless the caller overrides it; an inline CA is saved beside settings.
    let caCertPath = options.caCertPath;
    let caPemToSave: string | undefined;
    const extraCa: string[] = [];
    if (!caCertPath) {
      if (parsed.ca.length) {
        caPemToSave = parsed.ca.join('\n');
        extraCa.push(...parsed.ca);
      } else if (parsed.caFile) {
        caCertPath = isAbsolute(parsed.caFile) ? parsed.caFile : resolve(dirname(file), parsed.caFile);
      }
    }
    const target = await this.#target({
      apiUrl: conn.apiUrl,
      insecureSkipVerify: options.insecureSkipVerify ?? conn.insecureSkipVerify,
      ...(caCertPath ? { caCertPath } : {}),
    }, extraCa);
    return this.#run('import', target, options.signal, async () => {
      this.#ctx.log.info({ method: 'import', server: target.apiUrl, layout: conn.layout }, 'flightctl sign-in started');
      const candidate: Candidate = {
        tokens: conn.tokens,
        refresh: conn.refresh,
        sourceOrganization: conn.organization,
        organizationsEnabled: conn.organizationsEnabled,
        ...(caPemToSave ? { caPemToSave } : {}),
      };
      const status = await this.#complete(target, candidate, options, previous, file);
      this.#ctx.log.info({ method: 'import', server: target.apiUrl }, 'flightctl sign-in complete');
      return status;
    });
  }

  /** The organizations of the signed-in user (empty when the server has none). */
  async listFlightctlOrganizations(options: { signal?: AbortSignal } = {}): Promise<FlightctlOrganization[]> {
    const live = await this.#o.provider.live(options.signal);
    const orgs = await live.orgs.list(options.signal);
    return (orgs ?? []).map((o) => ({ id: o.id, displayName: o.displayName ?? null }));
  }

  /** Use this organization for every later call (by id or display name); saved in settings. */
  async chooseFlightctlOrganization(id: string, options: { signal?: AbortSignal } = {}): Promise<ProviderStatus> {
    const live = await this.#o.provider.live(options.signal);
    const orgs = await live.orgs.list(options.signal);
    if (orgs === null) throw new SignInError('organization', `${live.apiUrl} has no organizations to choose from.`);
    const org = pickOrganization(orgs, id);
    // The choice belongs to this server: settings name it too (an env or client.yaml connection gets it added).
    const current = (await this.#ctx.settings.read()).flightctl;
    if (current?.apiUrl && !sameUrl(current.apiUrl, live.apiUrl)) {
      throw new SignInError('organization', `Tarmac's settings name another Flight Control server (${current.apiUrl}) than the one in use (${live.apiUrl}), so an organization chosen now would not apply. Sign in to ${live.apiUrl} first.`);
    }
    await this.#ctx.settings.update((s) => ({ ...s, flightctl: { ...s.flightctl, apiUrl: s.flightctl?.apiUrl ?? live.apiUrl, organization: org.id } }));
    live.orgs.reset();
    this.#ctx.log.info({ organization: org.id }, 'flightctl organization chosen');
    return this.#o.provider.status();
  }

  /** Delete Tarmac's Flight Control tokens from the keychain; the server URL and trust stay for the next sign-in. */
  async signOut(): Promise<ProviderStatus> {
    await this.cancelSignIn();
    await deleteSession(this.#ctx.secrets);
    const current = (await this.#ctx.settings.read()).flightctl;
    if (current?.organization) {
      await this.#ctx.settings.update((s) => {
        const { organization: _dropped, ...rest } = s.flightctl ?? {};
        return { ...s, flightctl: rest };
      });
    }
    this.#ctx.log.info('flightctl signed out; tokens deleted from the keychain');
    this.#o.provider.reload();
    return this.#o.provider.status();
  }

  // ------------------------------------------------------------------ steps

  /** One sign-in against a target: a cancel reads as cancelled whatever step it hit; failures are logged (without secrets). */
  async #run<T>(method: string, target: Target, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const error = signal?.aborted && !(err instanceof SignInError && err.code === 'cancelled') ? cancelledError() : err;
      this.#ctx.log.warn({ method, server: target.apiUrl, code: errorCode(error) }, 'flightctl sign-in failed');
      throw error;
    } finally {
      target.transport.close();
    }
  }

  /**
   * Fail before anything else when the keychain cannot be reached (KeychainUnavailableError).
   * The current session's raw value comes back, to restore it if a later step fails.
   */
  async #probeKeychain(): Promise<string | null> {
    return this.#ctx.secrets.get(ACCOUNTS.session);
  }

  async #target(connection: FlightctlConnection, extraCa: string[] = []): Promise<Target> {
    const apiUrl = normaliseApiUrl(connection.apiUrl);
    const ca = [...extraCa];
    let caCertPath: string | undefined;
    if (connection.caCertPath) {
      caCertPath = resolve(connection.caCertPath);
      try {
        ca.push(await readPem(caCertPath));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new SignInError('input', `Cannot use ${caCertPath} as the CA certificate: ${code ? `cannot read it (${code})` : err instanceof Error ? err.message : String(err)}.`);
      }
    }
    const insecureSkipVerify = Boolean(connection.insecureSkipVerify);
    return { apiUrl, ca, caCertPath, insecureSkipVerify, transport: new HttpTransport({ ca, insecureSkipVerify }) };
  }

  async #authConfig(target: Target, signal?: AbortSignal): Promise<AuthInfo> {
    const res = await target.transport.request(`${target.apiUrl}/api/v1/auth/config`, {
      headers: { accept: 'application/json' },
      what: 'reading /api/v1/auth/config',
      timeoutMs: this.#timeout(),
      ...(signal ? { signal } : {}),
    });
    const info = parseAuthConfig(res.status, res.body);
    if (!info) {
      throw new SignInError(
        'server',
        `${target.apiUrl} does not look like a Flight Control API: GET /api/v1/auth/config answered HTTP ${res.status}${res.status === 200 ? ' with something that is not an auth config' : ''}. Check the URL (the API address, e.g. https://api.flightctl.example.com).`,
      );
    }
    return info;
  }

  /** The identity provider's endpoints: the spec's URLs, else discovery from the issuer. */
  async #authServer(chosen: ChosenProvider, clientId: string, target: Target, signal: AbortSignal | undefined, forTokens = false): Promise<oidc.Configuration> {
    let config: oidc.Configuration;
    if (chosen.authorizationUrl && (chosen.tokenUrl || !forTokens)) {
      const issuer = chosen.issuer ?? new URL(chosen.authorizationUrl).origin;
      config = new oidc.Configuration(
        { issuer, authorization_endpoint: chosen.authorizationUrl, ...(chosen.tokenUrl ? { token_endpoint: chosen.tokenUrl } : {}) },
        clientId,
        undefined,
        oidc.None(),
      );
      this.#prepare(config, target, signal, [chosen.authorizationUrl, chosen.tokenUrl]);
    } else {
      const issuer = chosen.issuer;
      if (!issuer) throw new SignInError('server', `The ${chosen.name} provider on ${target.apiUrl} names no issuer or endpoints, so Tarmac cannot find where to sign in.`);
      let url: URL;
      try {
        url = new URL(issuer);
      } catch {
        throw new SignInError('server', `The ${chosen.name} provider's issuer is not a URL (${issuer}).`);
      }
      try {
        config = await oidc.discovery(url, clientId, undefined, oidc.None(), {
          [oidc.customFetch]: this.#fetch(target, signal),
          algorithm: isOidc(chosen) ? 'oidc' : 'oauth2',
          execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
          timeout: Math.ceil(this.#timeout() / 1000),
        });
      } catch (err) {
        const inner = causeOf(err);
        if (inner) throw inner;
        if (signal?.aborted) throw cancelledError();
        throw new SignInError('server', `Could not read the identity provider's configuration from ${issuer} (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
      }
      this.#prepare(config, target, signal, []);
    }
    return config;
  }

  /** The same authorization server, with the code exchanged at the API's token proxy (the server adds the client secret). */
  #proxyConfig(authServer: oidc.Configuration, chosen: ChosenProvider, clientId: string, target: Target, signal: AbortSignal): oidc.Configuration {
    const tokenEndpoint = `${target.apiUrl}/api/v1/auth/${encodeURIComponent(chosen.name)}/token`;
    // A plain copy of the discovered metadata (without its helper methods), token endpoint swapped.
    const metadata = JSON.parse(JSON.stringify(authServer.serverMetadata())) as oidc.ServerMetadata;
    const config = new oidc.Configuration({ ...metadata, token_endpoint: tokenEndpoint }, clientId, undefined, oidc.None());
    this.#prepare(config, target, signal, [tokenEndpoint]);
    return config;
  }

  #prepare(config: oidc.Configuration, target: Target, signal: AbortSignal | undefined, urls: Array<string | undefined>): void {
    config[oidc.customFetch] = this.#fetch(target, signal);
    config.timeout = Math.ceil(this.#timeout() / 1000);
    if (urls.some((u) => u?.startsWith('http:'))) oidc.allowInsecureRequests(config);
  }

  /** openid-client's fetch over our transport (custom CA, skip-verify), honouring the sign-in's cancel. */
  #fetch(target: Target, signal: AbortSignal | undefined): oidc.CustomFetch {
    return async (url, options) => {
      const both = signal && options.signal ? AbortSignal.any([signal, options.signal]) : (signal ?? options.signal ?? undefined);
      return target.transport.fetch(url, { ...options, ...(both ? { signal: both } : {}) });
    };
  }

  /** Tokens and refresh settings from a token response, the way the flightctl CLI stores them. */
  #candidate(
    response: oidc.TokenEndpointResponse,
    chosen: ChosenProvider,
    clientId: string,
    exchange: oidc.Configuration,
    target: Target,
    info: AuthInfo,
  ): Candidate {
    for (const t of [response.access_token, response.id_token, response.refresh_token]) this.#ctx.redactor.addSecret(t);
    let tokenToUse: 'id' | 'access' = chosen.via === 'proxy' ? tokenToUseFor(chosen.type, scopesFor(chosen)) : 'access';
    if (tokenToUse === 'id' && !response.id_token) tokenToUse = 'access';
    const tokens: TokenSet = { tokenToUse, accessToken: response.access_token };
    if (response.id_token) tokens.idToken = response.id_token;
    if (response.refresh_token) tokens.refreshToken = response.refresh_token;
    let seconds = typeof response.expires_in === 'number' ? response.expires_in : undefined;
    // AAP reports expires_in in nanoseconds (the flightctl CLI divides by 1e9).
    if (seconds !== undefined && chosen.type.startsWith('aap') && seconds > 1e8) seconds = seconds / 1e9;
    const fromResponse = seconds !== undefined ? Date.now() + seconds * 1000 : undefined;
    const fromJwt = jwtExpiry(bearerOf(tokens));
    const expiresAt = fromJwt !== undefined && fromResponse !== undefined ? Math.min(fromJwt, fromResponse) : (fromJwt ?? fromResponse);
    if (expiresAt !== undefined) tokens.expiresAt = Math.floor(expiresAt);

    let refresh: RefreshConfig | null = null;
    if (tokens.refreshToken) {
      const scopes = scopesFor(chosen);
      refresh =
        chosen.via === 'proxy'
          ? {
              via: 'proxy',
              clientId,
              providerName: chosen.name,
              providerType: chosen.type,
              ...(exchange.serverMetadata().issuer ? { issuer: exchange.serverMetadata().issuer } : {}),
              ...(scopes.length ? { scopes } : {}),
            }
          : {
              via: 'idp',
              clientId,
              providerType: chosen.type,
              ...(exchange.serverMetadata().token_endpoint ? { tokenUrl: exchange.serverMetadata().token_endpoint } : {}),
              ...(chosen.issuer ? { issuer: chosen.issuer } : {}),
              ...(target.caCertPath ? { authCaFile: target.caCertPath } : {}),
              ...(target.insecureSkipVerify ? { authInsecureSkipVerify: true } : {}),
            };
    }
    return { tokens, refresh, organizationsEnabled: info.organizationsEnabled };
  }

  /**
   * Check the tokens with the server, pick the organization, then save: keychain first (a
   * keychain failure leaves everything as it was), then the CA file and settings; a failure
   * after the keychain write puts the previous session back.
   */
  async #complete(target: Target, candidate: Candidate, options: SignInOptions, previous: string | null, origin = 'Tarmac sign-in'): Promise<ProviderStatus> {
    const { signal } = options;
    if (!candidate.tokens) throw new SignInError('rejected', 'The sign-in produced no token; nothing was saved.');
    // Checks run on a scratch keychain: a refresh during them must not touch the real one yet.
    const connection: Connection = {
      source: 'tarmac',
      origin,
      apiUrl: target.apiUrl,
      ca: target.ca,
      caSource: target.caCertPath ?? null,
      insecureSkipVerify: target.insecureSkipVerify,
      organization: undefined,
      organizationsEnabled: candidate.organizationsEnabled,
      tokens: candidate.tokens,
      refresh: candidate.refresh,
      seed: undefined,
    };
    const tokens = new TokenManager({
      connection,
      secrets: scratchSecrets(),
      api: target.transport,
      log: this.#ctx.log,
      authInfo: async (s) => this.#authConfig(target, s),
      onTokens: (t) => {
        for (const v of [t.accessToken, t.idToken, t.refreshToken]) this.#ctx.redactor.addSecret(v);
      },
    });
    try {
      const client = new FlightctlClient({ apiUrl: target.apiUrl, transport: target.transport, tokens, orgId: async () => undefined, log: this.#ctx.log, requestTimeoutMs: this.#timeout() });
      try {
        const valid = await client.get('/auth/validate', {}, { what: 'checking the new token (/auth/validate)', noOrg: true, accept: [418], ...(signal ? { signal } : {}) });
        void valid;
      } catch (err) {
        throw rejected(err, target.apiUrl);
      }
      let orgs: Organization[] | null;
      try {
        const res = await client.get<{ items?: Array<{ metadata?: { name?: string }; spec?: { displayName?: string; externalId?: string } }> }>('/organizations', {}, {
          what: 'listing your organizations',
          noOrg: true,
          accept: [404],
          ...(signal ? { signal } : {}),
        });
        orgs =
          res.status === 404
            ? null
            : (res.body?.items ?? []).flatMap((o) =>
                o.metadata?.name ? [{ id: o.metadata.name, displayName: o.spec?.displayName || undefined, externalId: o.spec?.externalId || undefined }] : [],
              );
      } catch (err) {
        throw rejected(err, target.apiUrl);
      }
      const organization = chooseOrganization(orgs, options.organization, candidate.sourceOrganization, candidate.organizationsEnabled);
      if (signal?.aborted) throw cancelledError();

      const finalTokens = tokens.tokens ? { ...tokens.tokens } : candidate.tokens;
      const finalRefresh = tokens.refreshConfig ? { ...tokens.refreshConfig } : candidate.refresh;
      await writeSession(this.#ctx.secrets, { apiUrl: target.apiUrl, origin: { source: 'tarmac' }, tokens: finalTokens, refresh: finalRefresh });
      const caFile = candidate.caPemToSave ? join(this.#ctx.dataDir, IMPORTED_CA_FILE) : undefined;
      try {
        if (caFile && candidate.caPemToSave) await writeFileAtomic(caFile, candidate.caPemToSave.endsWith('\n') ? candidate.caPemToSave : `${candidate.caPemToSave}\n`, 0o644);
        await this.#saveSettings(target.apiUrl, organization, target.insecureSkipVerify, caFile ?? target.caCertPath);
      } catch (err) {
        await this.#restore(previous);
        if (caFile) await rm(caFile, { force: true }).catch(() => undefined);
        throw err;
      }
    } finally {
      tokens.close();
    }
    this.#o.provider.reload();
    return this.#o.provider.status();
  }

  /** A server with authentication off (418): nothing to sign in to, so only its address and trust are kept. */
  async #saveWithoutAuth(target: Target, previous: string | null): Promise<ProviderStatus> {
    // A session for the server the settings named before would be orphaned: drop it.
    if (previous) await deleteSession(this.#ctx.secrets);
    try {
      await this.#saveSettings(target.apiUrl, undefined, target.insecureSkipVerify, target.caCertPath);
    } catch (err) {
      await this.#restore(previous);
      throw err;
    }
    this.#ctx.log.info({ server: target.apiUrl }, 'flightctl server has authentication off; saved its address only');
    this.#o.provider.reload();
    return this.#o.provider.status();
  }

  async #saveSettings(apiUrl: string, organization: string | undefined, insecureSkipVerify: boolean, caCertPath: string | undefined): Promise<void> {
    await this.#ctx.settings.update((s) => ({
      ...s,
      flightctl: {
        apiUrl,
        ...(organization ? { organization } : {}),
        ...(insecureSkipVerify ? { insecureSkipVerify: true } : {}),
        ...(caCertPath ? { caCertPath } : {}),
      },
    }));
  }

  async #restore(previous: string | null): Promise<void> {
    try {
      await restoreSession(this.#ctx.secrets, previous);
    } catch (err) {
      this.#ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not restore the previous Flight Control session');
    }
  }

  #emit(event: SignInEvent): void {
    try {
      this.#o.onEvent?.(event);
    } catch (err) {
      this.#ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'sign-in event listener failed');
    }
  }

  #timeout(): number {
    return this.#o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  }
}

export function createFlightctlAccounts(options: FlightctlAccountsOptions): FlightctlAccounts {
  return new FlightctlAccounts(options);
}

// ------------------------------------------------------------------ helpers

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await readFile(p);
      return p;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/** An in-memory keychain for the checks before saving (TokenManager saves rotated tokens as it refreshes). */
function scratchSecrets(): SecretStore {
  return new SecretStore({ service: 'tarmac-sign-in-scratch', backend: new MemoryKeychain() });
}
