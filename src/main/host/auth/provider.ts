import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
// The named export, not the default: the CommonJS CLI bundle require()s this ESM package, and its
// Node-mode interop makes `default` the whole namespace (every OAuth route answered 500).
import { Provider, errors, type ClientInstance, type HookContext, type OAuthError } from 'oidc-provider';
import type { Logger } from '../log.js';
import { KEYCHAIN_RETRY_AFTER_SECONDS, keychainFailure } from '../secrets.js';
import { adapterFactory, type ProviderAdapter } from './adapter.js';
import { ConsentFlow } from './consent.js';
import { describeMetadataFailure } from './metadata-failure.js';
import { messagePage, pageHeaders } from './pages.js';
import type { OAuthStore } from './store.js';
import { isLoopbackRedirect, MCP_SCOPE, redirectUriAllowed, type AuthUrls } from './urls.js';

/** Access tokens live an hour; refresh tokens rotate on every use and last 30 days unused. */
export const ACCESS_TOKEN_TTL = 3600;
export const REFRESH_TOKEN_TTL = 30 * 86_400;
const GRANT_TTL = 365 * 86_400;

export interface ProviderOptions {
  urls: AuthUrls;
  store: OAuthStore;
  log: Logger;
  /** Names already used by static-token clients, so OAuth clients get distinct ones. */
  nameTaken: (name: string) => boolean;
  /** A client allowed for the first time took this name: it starts with no rules. */
  onNewClient?: (name: string) => Promise<void>;
  /** Fetch for client ID metadata documents; tests pass one that trusts their loopback CA. */
  fetch?: typeof globalThis.fetch;
}

export interface AuthorizationServer {
  /** Serve one OAuth request (metadata, register, authorize, token, revoke, consent). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

/**
 * The authorization server: panva's oidc-provider (OpenID certified) does registration, codes,
 * PKCE, tokens, rotation and revocation; Tarmac adds its rules (public clients, loopback or https
 * redirects, its one resource) and its consent page. Loaded on the first OAuth request only.
 */
export function createAuthorizationServer(o: ProviderOptions): AuthorizationServer {
  const { urls } = o;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: `tarmac-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };

  const resourceServer = (resource: string) => {
    if (!urls.isResource(resource)) {
      throw new errors.InvalidTarget(`this server only grants access to its MCP endpoint, ${urls.resource}`);
    }
    return { scope: MCP_SCOPE, audience: urls.resource, accessTokenTTL: ACCESS_TOKEN_TTL, accessTokenFormat: 'opaque' };
  };

  const provider = new Provider(urls.issuer, {
    adapter: keychainAware(adapterFactory(o.store, () => urls.issuer)),
    clients: [],
    // Public clients only (native apps, PKCE): no client secrets to keep or leak.
    clientAuthMethods: ['none'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    responseTypes: ['code'],
    // Clients register and ask for the resource's scope (and offline_access for refresh tokens).
    scopes: ['openid', 'offline_access', MCP_SCOPE],
    claims: { openid: ['sub'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      // Open registration (RFC 7591) of public clients; nothing to manage later, so no registration token.
      registration: { enabled: true, issueRegistrationAccessToken: false },
      registrationManagement: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => urls.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => resourceServer(resource),
      },
    },
    // Checked for every registration and metadata document: redirect URIs are loopback http (any
    // port: such clients are native apps, RFC 8252 §7.3) or https; nothing else gets a code.
    extraClientMetadata: {
      properties: ['tarmac_redirect_policy'],
      validator(ctx: HookContext | undefined, key: string, _value: unknown, metadata: Record<string, unknown>) {
        if (key !== 'tarmac_redirect_policy') return;
        const uris = Array.isArray(metadata.redirect_uris) ? (metadata.redirect_uris as unknown[]) : [];
        for (const uri of uris) {
          if (typeof uri !== 'string' || !redirectUriAllowed(uri)) {
            const err = new errors.InvalidRedirectUri();
            err.error_description = `redirect_uris must be http on a loopback address (127.0.0.1, [::1], localhost) or https; ${JSON.stringify(uri)} is neither`;
            throw err;
          }
        }
        const loopback = uris.some((u) => typeof u === 'string' && isLoopbackRedirect(u));
        // application_type (SEP-837) as the client registered it. A registration that leaves it
        // out (older clients; oidc-provider then assumes "web") is a native app when it redirects
        // to loopback. A client that says "web" is a web server's app, and a loopback redirect
        // would hand its codes to whatever listens on this computer: refused.
        const stated = ctx?.oidc?.route === 'registration' ? statedApplicationType(ctx.oidc.body) : undefined;
        if (stated === 'web' && loopback) {
          throw new errors.InvalidClientMetadata(
            'a loopback redirect_uri (http://127.0.0.1, [::1], localhost) belongs to an app on this computer: register it with application_type "native", or use an https redirect for a web app',
          );
        }
        if (stated === undefined && loopback) metadata.application_type = 'native';
      },
    },
    routes: {
      authorization: '/authorize',
      token: '/token',
      registration: '/register',
      revocation: '/revoke',
      jwks: '/oauth/jwks',
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/oauth/consent/${interaction.uid}` },
    // Every authorization asks the person again; only the grant just given on the consent page counts.
    loadExistingGrant: async (ctx: HookContext) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx: unknown, client: ClientInstance) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: () => false,
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [jwk] },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      RefreshToken: REFRESH_TOKEN_TTL,
      Grant: GRANT_TTL,
      Interaction: 600,
      Session: 3600,
    },
    renderError: (ctx: HookContext, out: { error?: string; error_description?: string }, error: unknown) => {
      for (const [k, v] of Object.entries(pageHeaders())) ctx.set(k, v);
      ctx.type = 'html';
      // A client ID metadata document that could not be used: which URL, why, and what to do.
      const metadata = describeMetadataFailure(error, ctx.oidc?.params?.client_id ?? ctx.query?.client_id);
      if (metadata) {
        ctx.body = messagePage(metadata.title, metadata.message);
        return;
      }
      // A locked keychain is the one server error the person can fix; its message says how.
      const detail = keychainFailure(error)?.message ?? out.error_description ?? out.error ?? 'Unknown error';
      ctx.body = messagePage('This sign-in cannot continue', `${detail.replace(/\.$/, '')}. Then start the sign-in again from your app.`);
    },
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => o.log.error({ err: (err as Error).message }, 'OAuth server error'));
  // A keychain that is locked now may be unlocked in a moment: clients are told when to retry.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status === 503) ctx.set('Retry-After', String(KEYCHAIN_RETRY_AFTER_SECONDS));
  });
  for (const event of ['grant.error', 'authorization.error', 'registration_create.error'] as const) {
    provider.on(event, (_ctx: unknown, err: unknown) => o.log.info({ event, err: describe(err) }, 'OAuth request refused'));
  }

  const callback = provider.callback();
  const consent = new ConsentFlow({ provider, urls, store: o.store, log: o.log, nameTaken: o.nameTaken, ...(o.onNewClient ? { onNewClient: o.onNewClient } : {}) });

  return {
    async handle(req, res, path) {
      if (path.startsWith('/oauth/consent/')) return consent.handle(req, res, decodeURIComponent(path.slice('/oauth/consent/'.length)));
      // RFC 8414 metadata is the OpenID discovery document under its OAuth name.
      if (path === '/.well-known/oauth-authorization-server') req.url = '/.well-known/openid-configuration';
      // A request without `scope` asks for this server's default (RFC 6749 §3.3): the one scope
      // there is. oidc-provider would otherwise grant nothing and answer access_denied after Allow.
      if (path === '/authorize' && req.method === 'GET') req.url = withDefaultScope(req.url ?? '/authorize');
      await new Promise<void>((resolve) => {
        res.once('close', resolve);
        res.once('finish', resolve);
        callback(req, res);
      });
    },
  };
}

/** The authorization URL with `scope=mcp` added when it has no scope at all. */
export function withDefaultScope(url: string): string {
  const q = url.indexOf('?');
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (params.get('scope')) return url;
  params.set('scope', MCP_SCOPE);
  return `${q === -1 ? url : url.slice(0, q)}?${params}`;
}

/** The application_type a registration request names, if it names one. */
function statedApplicationType(body: unknown): string | undefined {
  const value = (body as { application_type?: unknown } | undefined)?.application_type;
  return typeof value === 'string' ? value : undefined;
}

function describe(err: unknown): string {
  const e = err as OAuthError;
  return [e.error, e.error_description].filter(Boolean).join(': ') || e.message;
}

/**
 * oidc-provider answers any error it did not raise itself with 500 "server_error: oops! something
 * went wrong". A locked or missing keychain is not a server bug but a passing state with a fix the
 * person can apply, so the adapters raise it as temporarily_unavailable (503) with the keychain's
 * own help text, which a client can show and retry; the original stays as the cause.
 */
function keychainAware(factory: (model: string) => ProviderAdapter): (model: string) => ProviderAdapter {
  const guard =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (err) {
        const keychain = keychainFailure(err);
        if (!keychain) throw err;
        const unavailable = new errors.TemporarilyUnavailable(keychain.message);
        unavailable.status = unavailable.statusCode = 503;
        throw Object.assign(unavailable, { cause: keychain });
      }
    };
  return (model) => {
    const a = factory(model);
    return {
      upsert: guard(a.upsert),
      find: guard(a.find),
      findByUid: guard(a.findByUid),
      findByUserCode: guard(a.findByUserCode),
      consume: guard(a.consume),
      destroy: guard(a.destroy),
      revokeByGrantId: guard(a.revokeByGrantId),
    };
  };
}
