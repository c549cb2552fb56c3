import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import type { Settings } from '../../settings.js';
import type { SecretStore } from '../../secrets.js';
import {
  jwtExpiry,
  readSessionEntry,
  seedOf,
  tokenToUseFor,
  type RefreshConfig,
  type SessionFingerprint,
  type SessionSource,
  type StoredSession,
  type TokenSet,
} from './tokens.js';

/** yaml loads only when a client.yaml is read (most runs have none). */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  return parse(text);
}

/** Everything needed to talk to one Flight Control server, whichever source it came from. */
export interface Connection {
  source: SessionSource;
  /** For a person: where this came from ("environment (API_BASE_URL)", a client.yaml path...). */
  origin: string;
  /** Base URL without a trailing slash; REST lives under `${apiUrl}/api/v1`. */
  apiUrl: string;
  /** Extra CA certificates (PEM) for the API, and where they came from. */
  ca: string[];
  caSource: string | null;
  insecureSkipVerify: boolean;
  /** Organization UUID chosen by the source (client.yaml `organization`). Settings override it. */
  organization: string | undefined;
  /** What the source knows about organizations being enabled; undefined = ask the server. */
  organizationsEnabled: boolean | undefined;
  tokens: TokenSet | null;
  refresh: RefreshConfig | null;
  /** Hash of the source's own refresh token (env / client.yaml), to match a rotated copy in the keychain. */
  seed: string | undefined;
  /** client.yaml layout when imported. */
  layout?: 'v0' | 'v1';
  /**
   * The keychain's session entry when this connection was resolved (null: none). Rotated tokens
   * are written back only while the keychain still holds it, so a sign-out or a newer sign-in wins.
   */
  keychain?: SessionFingerprint;
}

export interface ResolveInput {
  env: NodeJS.ProcessEnv;
  settings: Settings['flightctl'];
  secrets: SecretStore;
  /** A named account (not "default"): only Tarmac's own sign-in, never the environment's or client.yaml's. */
  ownOnly?: boolean;
}

export interface Resolved {
  connection: Connection | null;
  /** Problems found on the way (bad client.yaml, missing CA file, keychain locked): shown in status. */
  problems: string[];
}

/**
 * Picks the connection: Tarmac's settings + keychain first, then the seed server's environment
 * variables, then flightctl's own client.yaml. A rotated copy of an env / client.yaml session
 * lives in the keychain and is used while its source still holds the token it grew from.
 */
export async function resolveConnection(input: ResolveInput): Promise<Resolved> {
  const problems: string[] = [];
  let stored: StoredSession | null = null;
  let keychain: SessionFingerprint = null;
  try {
    ({ session: stored, fingerprint: keychain } = await readSessionEntry(input.secrets));
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  const s = input.settings ?? {};
  const resolved = (connection: Connection | null): Resolved => {
    if (connection) connection.keychain = keychain;
    return { connection, problems };
  };

  // 1. Tarmac's own sign-in.
  // A named account has no other source: a session it imported from client.yaml is its own too.
  if (stored && (stored.origin.source === 'tarmac' || input.ownOnly) && (!s.apiUrl || sameUrl(s.apiUrl, stored.apiUrl))) {
    const conn: Connection = {
      source: 'tarmac',
      origin: 'Tarmac settings + keychain',
      apiUrl: trimUrl(s.apiUrl ?? stored.apiUrl),
      ca: [],
      caSource: null,
      insecureSkipVerify: Boolean(s.insecureSkipVerify),
      organization: undefined,
      organizationsEnabled: undefined,
      tokens: stored.tokens,
      refresh: stored.refresh,
      seed: undefined,
    };
    await applySettingsTls(conn, s, problems);
    return resolved(conn);
  }

  // 2. The seed server's environment variables.
  const fromEnv = input.ownOnly ? null : await connectionFromEnv(input.env, problems);
  // 3. flightctl's client.yaml.
  const fromYaml = fromEnv || input.ownOnly ? null : await connectionFromClientYaml(input.env, problems);
  const conn = fromEnv ?? fromYaml;

  if (conn) {
    if (stored && stored.origin.source === conn.source && conn.seed && stored.origin.seed === conn.seed && sameUrl(stored.apiUrl, conn.apiUrl)) {
      // Our rotated continuation of the same session.
      conn.tokens = stored.tokens;
      conn.refresh = stored.refresh ?? conn.refresh;
    }
    if (!s.apiUrl || sameUrl(s.apiUrl, conn.apiUrl)) await applySettingsTls(conn, s, problems);
    return resolved(conn);
  }

  // Settings name a server but nothing can sign in to it yet.
  if (s.apiUrl) {
    const bare: Connection = {
      source: 'tarmac',
      origin: 'Tarmac settings (not signed in)',
      apiUrl: trimUrl(s.apiUrl),
      ca: [],
      caSource: null,
      insecureSkipVerify: Boolean(s.insecureSkipVerify),
      organization: undefined,
      organizationsEnabled: undefined,
      tokens: null,
      refresh: null,
      seed: undefined,
    };
    await applySettingsTls(bare, s, problems);
    return resolved(bare);
  }
  return resolved(null);
}

async function applySettingsTls(conn: Connection, s: NonNullable<Settings['flightctl']>, problems: string[]): Promise<void> {
  if (s.insecureSkipVerify) conn.insecureSkipVerify = true;
  if (s.caCertPath) {
    const pem = await readCaFile(s.caCertPath, 'Tarmac settings (Flight Control CA certificate)', problems);
    if (pem) {
      conn.ca.push(pem);
      conn.caSource = s.caCertPath;
    }
  }
}

const TRUE = /^(true|1|yes)$/i;

/** API_BASE_URL, OIDC_TOKEN_URL, OIDC_CLIENT_ID, REFRESH_TOKEN, INSECURE_SKIP_VERIFY, CA_CERT_PATH, as the seed server reads them. */
export async function connectionFromEnv(env: NodeJS.ProcessEnv, problems: string[] = []): Promise<Connection | null> {
  const apiUrl = env.API_BASE_URL?.trim();
  if (!apiUrl) return null;
  if (!isHttpUrl(apiUrl)) {
    problems.push(`API_BASE_URL is not an http(s) URL`);
    return null;
  }
  const refreshToken = env.REFRESH_TOKEN?.trim() || undefined;
  const clientId = env.OIDC_CLIENT_ID?.trim() || 'flightctl';
  const tokenUrl = env.OIDC_TOKEN_URL?.trim() ? keycloakTokenUrl(env.OIDC_TOKEN_URL.trim()) : undefined;
  const conn: Connection = {
    source: 'env',
    origin: 'environment (API_BASE_URL)',
    apiUrl: trimUrl(apiUrl),
    ca: [],
    caSource: null,
    insecureSkipVerify: TRUE.test(env.INSECURE_SKIP_VERIFY?.trim() ?? ''),
    organization: undefined,
    organizationsEnabled: undefined,
    tokens: refreshToken ? { refreshToken, tokenToUse: 'access' } : null,
    refresh: refreshToken
      ? tokenUrl
        ? { via: 'idp', clientId, tokenUrl, ...(realmIssuer(tokenUrl) ? { issuer: realmIssuer(tokenUrl) } : {}) }
        : { via: 'discover', clientId }
      : null,
    seed: refreshToken ? seedOf(refreshToken) : undefined,
  };
  const caPath = env.CA_CERT_PATH?.trim();
  if (caPath) {
    const pem = await readCaFile(caPath, 'CA_CERT_PATH', problems);
    if (pem) {
      conn.ca.push(pem);
      conn.caSource = caPath;
      // The seed used one CA for both the API and the IdP.
      if (conn.refresh) conn.refresh.authCaFile = caPath;
    }
  }
  if (conn.refresh && conn.insecureSkipVerify) conn.refresh.authInsecureSkipVerify = true;
  return conn;
}

/** A Keycloak realm URL (`…/realms/<realm>`) becomes its token endpoint; anything else is taken as given. */
export function keycloakTokenUrl(url: string): string {
  const trimmed = trimUrl(url);
  return /\/realms\/[^/]+$/.test(trimmed) ? `${trimmed}/protocol/openid-connect/token` : trimmed;
}

/** The issuer of a Keycloak token endpoint (its realm URL), if it is one. */
function realmIssuer(tokenUrl: string): string | undefined {
  const m = /^(.*\/realms\/[^/]+)\/protocol\/openid-connect\/token$/.exec(tokenUrl);
  return m?.[1];
}

/** Where flightctl keeps client.yaml: Go's os.UserConfigDir()/flightctl, then the seed's hard-coded ~/.config path. */
export function clientYamlPaths(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  const home = env.HOME || env.USERPROFILE || homedir();
  const paths: string[] = [];
  if (platform === 'win32') {
    if (env.APPDATA) paths.push(join(env.APPDATA, 'flightctl', 'client.yaml'));
  } else if (platform === 'darwin') {
    paths.push(join(home, 'Library', 'Application Support', 'flightctl', 'client.yaml'));
  } else {
    paths.push(join(env.XDG_CONFIG_HOME || join(home, '.config'), 'flightctl', 'client.yaml'));
  }
  const legacy = join(home, '.config', 'flightctl', 'client.yaml');
  if (!paths.includes(legacy)) paths.push(legacy);
  return paths;
}

async function connectionFromClientYaml(env: NodeJS.ProcessEnv, problems: string[]): Promise<Connection | null> {
  for (const path of clientYamlPaths(env)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    try {
      const parsed = parseClientYaml(text, path);
      if (parsed.ca.length === 0 && parsed.caFile) {
        const pem = await readCaFile(parsed.caFile, `${path} (certificate-authority)`, problems);
        if (pem) parsed.connection.ca.push(pem);
      } else {
        parsed.connection.ca.push(...parsed.ca);
      }
      return parsed.connection;
    } catch (err) {
      problems.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return null;
}

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);

const ServiceSchema = z.looseObject({
  server: str,
  'certificate-authority-data': str,
  'certificate-authority': str,
  insecureSkipVerify: bool,
});

const V1ProviderSchema = z.looseObject({
  metadata: z.looseObject({ name: str }).optional().catch(undefined),
  spec: z
    .looseObject({ providerType: str, issuer: str, clientId: str, scopes: z.array(z.string()).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

const ClientYamlSchema = z.looseObject({
  service: ServiceSchema.optional().catch(undefined),
  authentication: z
    .looseObject({
      // v1.x
      'access-token': str,
      'access-token-expiry': str,
      'refresh-token': str,
      'id-token': str,
      'token-to-use': str,
      // v0.x
      token: str,
      'auth-provider': z
        .looseObject({
          'auth-provider': V1ProviderSchema.optional().catch(undefined),
          'ca-file': str,
          insecureSkipVerify: bool,
          // v0.x
          name: str,
          config: z
            .looseObject({
              server: str,
              'client-id': str,
              'refresh-token': str,
              'access-token-expiry': str,
              'certificate-authority': str,
            })
            .optional()
            .catch(undefined),
        })
        .optional()
        .catch(undefined),
      'organizations-enabled': bool,
    })
    .optional()
    .catch(undefined),
  organization: str,
});

export interface ParsedClientYaml {
  connection: Connection;
  /** Inline CA data, decoded. */
  ca: string[];
  /** A CA file path to read when there was no inline data. */
  caFile: string | undefined;
}

/**
 * Reads both client.yaml layouts. v1 (v1.0+) is recognised by `authentication.refresh-token`
 * or `authentication.auth-provider.auth-provider`, as the CLI does; everything else is v0.
 */
export function parseClientYaml(text: string, path: string): ParsedClientYaml {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // First line only, and no cause attached: the parser's full error quotes the file, which may hold a token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : 'parse error'})`);
  }
  const parsed = ClientYamlSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new Error('is not a flightctl client.yaml (expected a mapping with service and authentication)');
  const y = parsed.data;
  const server = y.service?.server?.trim();
  if (!server) throw new Error('has no service.server (run `flightctl login <url>` first)');
  const apiUrl = trimUrl(/^[a-z]+:\/\//i.test(server) ? server : `https://${server}`);
  if (!isHttpUrl(apiUrl)) throw new Error('service.server is not an http(s) URL');

  const auth = y.authentication ?? {};
  const ap = auth['auth-provider'];
  const v1 = auth['refresh-token'] !== undefined || ap?.['auth-provider'] !== undefined;

  const ca: string[] = [];
  const caData = y.service?.['certificate-authority-data'];
  if (caData) {
    const pem = Buffer.from(caData, 'base64').toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('service.certificate-authority-data is not a base64 PEM certificate');
    ca.push(pem);
  }
  const caFile = y.service?.['certificate-authority'] || undefined;

  let tokens: TokenSet | null = null;
  let refresh: RefreshConfig | null = null;

  if (v1) {
    const provider = ap?.['auth-provider'];
    const providerType = provider?.spec?.providerType;
    const scopes = provider?.spec?.scopes;
    const declared = auth['token-to-use'];
    const tokenToUse = declared === 'id' || declared === 'access' ? declared : tokenToUseFor(providerType, scopes);
    const expiry = parseTime(auth['access-token-expiry']);
    const t: TokenSet = { tokenToUse };
    if (auth['access-token']) t.accessToken = auth['access-token'];
    if (auth['id-token']) t.idToken = auth['id-token'];
    if (auth['refresh-token']) t.refreshToken = auth['refresh-token'];
    const exp = expiry ?? jwtExpiry(tokenToUse === 'id' ? t.idToken : t.accessToken);
    if (exp !== undefined) t.expiresAt = exp;
    if (t.accessToken || t.idToken || t.refreshToken) tokens = t;
    const clientId = provider?.spec?.clientId;
    const providerName = provider?.metadata?.name;
    if (t.refreshToken && clientId && providerName) {
      refresh = {
        via: 'proxy',
        clientId,
        providerName,
        ...(providerType ? { providerType } : {}),
        ...(provider?.spec?.issuer ? { issuer: provider.spec.issuer } : {}),
        ...(scopes ? { scopes } : {}),
        ...(ap?.['ca-file'] ? { authCaFile: ap['ca-file'] } : {}),
        ...(ap?.insecureSkipVerify ? { authInsecureSkipVerify: true } : {}),
      };
    }
  } else {
    // v0.x: `token` is the access token; the CLI sent it as the bearer and refreshed at the IdP.
    const cfg = ap?.config;
    const t: TokenSet = { tokenToUse: 'access' };
    if (auth.token) t.accessToken = auth.token;
    if (cfg?.['refresh-token']) t.refreshToken = cfg['refresh-token'];
    const exp = parseTime(cfg?.['access-token-expiry']) ?? jwtExpiry(t.accessToken);
    if (exp !== undefined) t.expiresAt = exp;
    if (t.accessToken || t.refreshToken) tokens = t;
    const authUrl = cfg?.server ? trimUrl(cfg.server) : undefined;
    if (t.refreshToken && authUrl) {
      const tokenUrl = keycloakTokenUrl(authUrl);
      refresh = {
        via: 'idp',
        clientId: cfg?.['client-id'] || 'flightctl',
        ...(ap?.name ? { providerType: ap.name } : {}),
        // A realm URL is its own token endpoint's parent; other IdPs are discovered from the issuer.
        ...(tokenUrl !== authUrl ? { tokenUrl } : {}),
        issuer: authUrl,
        ...(cfg?.['certificate-authority'] ? { authCaFile: cfg['certificate-authority'] } : {}),
      };
    }
  }

  const insecure = Boolean(y.service?.insecureSkipVerify);
  if (refresh && insecure && refresh.authInsecureSkipVerify === undefined && refresh.via === 'proxy') {
    // The proxy lives on the API server: same trust.
    refresh.authInsecureSkipVerify = true;
  }

  const connection: Connection = {
    source: 'client.yaml',
    origin: `${path} (flightctl ${v1 ? 'v1.x' : 'v0.x'} layout)`,
    apiUrl,
    ca: [],
    caSource: caData ? `${path} (certificate-authority-data)` : caFile ? caFile : null,
    insecureSkipVerify: insecure,
    organization: y.organization || undefined,
    organizationsEnabled: auth['organizations-enabled'],
    tokens,
    refresh,
    seed: tokens?.refreshToken ? seedOf(tokens.refreshToken) : tokens?.accessToken ? seedOf(tokens.accessToken) : undefined,
    layout: v1 ? 'v1' : 'v0',
  };
  return { connection, ca, caFile };
}

async function readCaFile(path: string, what: string, problems: string[]): Promise<string | null> {
  try {
    const pem = await readFile(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`${what}: ${path} holds no PEM certificate`);
      return null;
    }
    return pem;
  } catch (err) {
    problems.push(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
}

export async function readPem(path: string): Promise<string> {
  const pem = await readFile(path, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${path} holds no PEM certificate`);
  return pem;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  // Go writes RFC 3339 with nanoseconds; Date parses up to milliseconds, so trim the rest.
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : undefined;
}

export function trimUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Same server: equal once trailing slashes are trimmed, ignoring case. */
export function sameUrl(a: string, b: string): boolean {
  return trimUrl(a).toLowerCase() === trimUrl(b).toLowerCase();
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
