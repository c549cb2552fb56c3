import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { CONSENT_CSS } from './consent-style.js';
import { KEYCHAIN_RETRY_AFTER_SECONDS, keychainFailure } from '../secrets.js';
import { messagePage, sendPage, STYLESHEET_PATH } from './pages.js';
import type { AuthorizationServer } from './provider.js';
import type { OAuthStore } from './store.js';
import { PRM_PATH, RESOURCE_PATH, type AuthUrls } from './urls.js';

export interface OAuthServerOptions {
  urls: AuthUrls;
  store: OAuthStore;
  log: Logger;
  /** True for names static-token clients already use. */
  nameTaken: (name: string) => boolean;
  /** A client allowed for the first time took this name: it starts with no rules. */
  onNewClient?: (name: string) => Promise<void>;
  /** Fetch for client ID metadata documents (tests trust a loopback CA with it). */
  fetch?: typeof globalThis.fetch;
}

/** Paths the authorization server (oidc-provider) answers. */
const PROVIDER_PATHS = new Set([
  '/authorize',
  '/token',
  '/register',
  '/revoke',
  '/oauth/jwks',
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
]);

/**
 * OAuth 2.1 for MCP clients, on the MCP endpoint's own origin: the endpoint hands it every
 * request before its bearer check (handle), asks it about tokens that are not static ones
 * (authenticate), and uses its WWW-Authenticate value on 401 (challenge). Protected-resource
 * metadata and token checks are served from here; the authorization server itself, with its
 * dependencies, is imported on the first request that needs it.
 */
export class OAuthServer {
  readonly #o: OAuthServerOptions;
  #server: Promise<AuthorizationServer> | null = null;

  constructor(options: OAuthServerOptions) {
    this.#o = options;
  }

  /** Serves the request when it is an OAuth one; false leaves it to the MCP endpoint. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === PRM_PATH || path === `${PRM_PATH}${RESOURCE_PATH}`) {
      if (req.method !== 'GET' && req.method !== 'HEAD') sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
      else sendJson(res, 200, this.#o.urls.protectedResourceMetadata(req), { 'Cache-Control': 'max-age=60' });
      return true;
    }
    if (path === STYLESHEET_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=300', 'X-Content-Type-Options': 'nosniff' });
      res.end(CONSENT_CSS);
      return true;
    }
    if (path === '/favicon.ico') {
      // Browsers ask for it on the consent page; a 401 there would only be noise.
      res.writeHead(404, { 'Content-Length': 0 }).end();
      return true;
    }
    const ours = PROVIDER_PATHS.has(path) || path.startsWith('/authorize/') || path.startsWith('/oauth/consent/');
    if (!ours) {
      if (!path.startsWith('/.well-known/')) return false;
      // Discovery of what Tarmac does not serve is a plain 404 (no token is asked for it).
      sendJson(res, 404, { error: 'not_found', error_description: `Tarmac serves nothing at ${path}` });
      return true;
    }
    const server = await this.#load();
    try {
      await server.handle(req, res, path);
    } catch (err) {
      // A locked or missing keychain is a passing state the person can fix: say how, with 503.
      const keychain = keychainFailure(err);
      if (!keychain || res.headersSent) throw err;
      this.#o.log.warn({ err: keychain.message }, 'OAuth request failed: keychain unavailable');
      if (path.startsWith('/oauth/consent/')) sendPage(res, 503, messagePage('Tarmac cannot reach the keychain', `${keychain.message}. Then start the sign-in again from your app.`));
      else sendJson(res, 503, { error: 'temporarily_unavailable', error_description: keychain.message }, { 'Retry-After': String(KEYCHAIN_RETRY_AFTER_SECONDS) });
    }
    return true;
  }

  /** The client (readable name) an OAuth access token belongs to, or null. */
  async authenticate(token: string): Promise<string | null> {
    return (await this.#o.store.authenticate(token, this.#o.urls.resource))?.name ?? null;
  }

  /** The WWW-Authenticate header of a 401, pointing at the protected-resource metadata. */
  challenge(req: IncomingMessage, hadToken: boolean): string {
    return this.#o.urls.challenge(req, hadToken);
  }

  /**
   * The authorization server, made once per process: its signing key and cookie keys live as long
   * as it does. Making it does no I/O, so a failure would only repeat: it is kept, logged once,
   * and every OAuth request then answers 500 without importing or generating anything again.
   */
  #load(): Promise<AuthorizationServer> {
    this.#server ??= import('./provider.js')
      .then((m) => m.createAuthorizationServer(this.#o))
      .catch((err: unknown) => {
        this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'OAuth authorization server failed to start');
        throw err;
      });
    return this.#server;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}
