import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { clientYamlPaths, connectionFromEnv, keycloakTokenUrl, parseClientYaml, resolveConnection } from '../../src/main/host/providers/flightctl/config.js';
import { seedOf, tokenToUseFor, writeSession, readSession, ACCOUNTS, bearerOf } from '../../src/main/host/providers/flightctl/tokens.js';
import { SecretStore } from '../../src/main/host/secrets.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTEST\n-----END CERTIFICATE-----\n';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-flightctl-config-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function store(): SecretStore {
  const s = new SecretStore({ service: `tarmac-test-${randomUUID()}` });
  cleanups.push(async () => {
    for (const a of await s.list()) await s.delete(a);
  });
  return s;
}

describe('client.yaml import', () => {
  it('reads the v1.x layout: tokens, token-to-use, expiry with nanoseconds, provider, CA data, organization', () => {
    const yaml = toYaml({
      service: { server: 'https://api.flightctl.example.com/', 'certificate-authority-data': Buffer.from(CA).toString('base64'), insecureSkipVerify: false },
      authentication: {
        'access-token': 'at-1',
        'access-token-expiry': '2026-08-21T10:15:00.123456789Z',
        'refresh-token': 'rt-1',
        'id-token': 'id-1',
        'token-to-use': 'id',
        'auth-provider': {
          'auth-provider': {
            apiVersion: 'v1beta1',
            kind: 'AuthProvider',
            metadata: { name: 'pam-issuer' },
            spec: { providerType: 'oidc', issuer: 'https://flightctl.example.com:8444', clientId: 'flightctl-client', clientSecret: '[REDACTED]', enabled: true, scopes: ['openid', 'profile'] },
          },
          'ca-file': '/abs/auth-ca.crt',
        },
        'organizations-enabled': true,
      },
      organization: '3f1b6a2e-0000-4000-8000-000000000000',
    });
    const { connection: c, ca } = parseClientYaml(yaml, '/home/ana/.config/flightctl/client.yaml');
    expect(c.apiUrl).toBe('https://api.flightctl.example.com');
    expect(c.layout).toBe('v1');
    expect(ca).toEqual([CA]);
    expect(c.caSource).toContain('certificate-authority-data');
    expect(c.organization).toBe('3f1b6a2e-0000-4000-8000-000000000000');
    expect(c.organizationsEnabled).toBe(true);
    expect(c.tokens).toEqual({ accessToken: 'at-1', idToken: 'id-1', refreshToken: 'rt-1', tokenToUse: 'id', expiresAt: Date.parse('2026-08-21T10:15:00.123Z') });
    expect(c.refresh).toEqual({
      via: 'proxy',
      clientId: 'flightctl-client',
      providerName: 'pam-issuer',
      providerType: 'oidc',
      issuer: 'https://flightctl.example.com:8444',
      scopes: ['openid', 'profile'],
      authCaFile: '/abs/auth-ca.crt',
    });
    expect(c.seed).toBe(seedOf('rt-1'));
    expect(bearerOf(c.tokens!)).toBe('id-1');
  });

  it('derives token-to-use when the v1 file does not say: access for OAuth2, id for OIDC with openid', () => {
    const base = (spec: Record<string, unknown>) =>
      toYaml({ service: { server: 'api.example.com' }, authentication: { 'access-token': 'a', 'refresh-token': 'r', 'id-token': 'i', 'auth-provider': { 'auth-provider': { metadata: { name: 'p' }, spec } } } });
    expect(parseClientYaml(base({ providerType: 'oauth2', clientId: 'c' }), 'x').connection.tokens?.tokenToUse).toBe('access');
    expect(parseClientYaml(base({ providerType: 'oidc', clientId: 'c', scopes: ['openid'] }), 'x').connection.tokens?.tokenToUse).toBe('id');
    expect(parseClientYaml(base({ providerType: 'oidc', clientId: 'c', scopes: ['profile'] }), 'x').connection.tokens?.tokenToUse).toBe('access');
    // No scheme in service.server: https is assumed, as the CLI does.
    expect(parseClientYaml(base({ providerType: 'k8s' }), 'x').connection.apiUrl).toBe('https://api.example.com');
    expect(tokenToUseFor('aap', ['openid'])).toBe('access');
  });

  it('reads the v0.x layout: access token, refresh at the IdP, Keycloak realm → token endpoint', () => {
    const yaml = toYaml({
      service: { server: 'https://api.flightctl.example.com', insecureSkipVerify: true },
      authentication: {
        token: 'at-0',
        'auth-provider': {
          name: 'OIDC',
          config: {
            server: 'https://auth.example.com/realms/flightctl',
            'client-id': 'flightctl',
            'refresh-token': 'rt-0',
            'access-token-expiry': '2025-07-01T12:34:56.123456789Z',
            'certificate-authority': '/abs/auth-ca.crt',
          },
        },
        'organizations-enabled': false,
      },
    });
    const { connection: c } = parseClientYaml(yaml, 'x');
    expect(c.layout).toBe('v0');
    expect(c.insecureSkipVerify).toBe(true);
    expect(c.organizationsEnabled).toBe(false);
    expect(c.tokens).toEqual({ accessToken: 'at-0', refreshToken: 'rt-0', tokenToUse: 'access', expiresAt: Date.parse('2025-07-01T12:34:56.123Z') });
    expect(c.refresh).toEqual({
      via: 'idp',
      clientId: 'flightctl',
      providerType: 'OIDC',
      tokenUrl: 'https://auth.example.com/realms/flightctl/protocol/openid-connect/token',
      issuer: 'https://auth.example.com/realms/flightctl',
      authCaFile: '/abs/auth-ca.crt',
    });
  });

  it('rejects files it cannot use, with the reason', () => {
    expect(() => parseClientYaml('service: [', 'x')).toThrow(/not valid YAML/);
    expect(() => parseClientYaml(toYaml({ authentication: {} }), 'x')).toThrow(/no service.server/);
    expect(() => parseClientYaml(toYaml({ service: { server: 'https://a', 'certificate-authority-data': Buffer.from('nope').toString('base64') } }), 'x')).toThrow(/not a base64 PEM/);
  });

  it('looks where flightctl writes it on each OS, then the seed\'s ~/.config path', () => {
    expect(clientYamlPaths({ HOME: '/home/ana' }, 'linux')).toEqual(['/home/ana/.config/flightctl/client.yaml']);
    expect(clientYamlPaths({ HOME: '/home/ana', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toEqual(['/xdg/flightctl/client.yaml', '/home/ana/.config/flightctl/client.yaml']);
    expect(clientYamlPaths({ HOME: '/Users/ana' }, 'darwin')[0]).toBe('/Users/ana/Library/Application Support/flightctl/client.yaml');
    expect(clientYamlPaths({ USERPROFILE: 'C:\\Users\\ana', APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32')[0]).toContain('flightctl');
  });
});

describe('environment variables (seed names)', () => {
  it('reads API_BASE_URL, OIDC_TOKEN_URL (Keycloak fix), OIDC_CLIENT_ID (default flightctl), REFRESH_TOKEN, INSECURE_SKIP_VERIFY, CA_CERT_PATH', async () => {
    const dir = await tempDir();
    const caPath = join(dir, 'ca.pem');
    await writeFile(caPath, CA);
    const problems: string[] = [];
    const c = await connectionFromEnv(
      { API_BASE_URL: 'https://api.example.com/', OIDC_TOKEN_URL: 'https://kc.example.com/realms/edge', REFRESH_TOKEN: 'rt', INSECURE_SKIP_VERIFY: 'yes', CA_CERT_PATH: caPath },
      problems,
    );
    expect(problems).toEqual([]);
    expect(c).toMatchObject({ source: 'env', apiUrl: 'https://api.example.com', insecureSkipVerify: true, ca: [CA], caSource: caPath, tokens: { refreshToken: 'rt', tokenToUse: 'access' } });
    expect(c?.refresh).toEqual({
      via: 'idp',
      clientId: 'flightctl',
      tokenUrl: 'https://kc.example.com/realms/edge/protocol/openid-connect/token',
      issuer: 'https://kc.example.com/realms/edge',
      authCaFile: caPath,
      authInsecureSkipVerify: true,
    });

    const noUrl = await connectionFromEnv({ API_BASE_URL: 'https://api.example.com', REFRESH_TOKEN: 'rt', OIDC_CLIENT_ID: 'flightctl-client', INSECURE_SKIP_VERIFY: 'false' });
    expect(noUrl?.refresh).toEqual({ via: 'discover', clientId: 'flightctl-client' });
    expect(noUrl?.insecureSkipVerify).toBe(false);

    const missing: string[] = [];
    await connectionFromEnv({ API_BASE_URL: 'https://api.example.com', CA_CERT_PATH: join(dir, 'nope.pem') }, missing);
    expect(missing[0]).toContain('CA_CERT_PATH: cannot read');
    expect(await connectionFromEnv({})).toBeNull();
  });

  it('keycloakTokenUrl only changes realm URLs', () => {
    expect(keycloakTokenUrl('https://kc/realms/r/')).toBe('https://kc/realms/r/protocol/openid-connect/token');
    expect(keycloakTokenUrl('https://idp.example.com/oauth2/token')).toBe('https://idp.example.com/oauth2/token');
  });
});

describe('source order and the keychain continuation', () => {
  it('settings + keychain, then environment, then client.yaml; a rotated copy continues its source until the source changes', async () => {
    const dir = await tempDir();
    const secrets = store();
    const yamlDir = join(dir, 'xdg', 'flightctl');
    await (await import('node:fs/promises')).mkdir(yamlDir, { recursive: true });
    await writeFile(join(yamlDir, 'client.yaml'), toYaml({ service: { server: 'https://yaml.example.com' }, authentication: { token: 'yaml-at', 'auth-provider': { name: 'OIDC', config: { server: 'https://kc/realms/r', 'refresh-token': 'yaml-rt' } } } }));
    const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') };

    // Only client.yaml.
    let r = await resolveConnection({ env, settings: undefined, secrets });
    expect(r.connection?.source).toBe('client.yaml');
    expect(r.connection?.tokens?.refreshToken).toBe('yaml-rt');

    // A rotated copy in the keychain continues the client.yaml session while the file still holds the seed token.
    await writeSession(secrets, { apiUrl: 'https://yaml.example.com', origin: { source: 'client.yaml', seed: seedOf('yaml-rt') }, tokens: { refreshToken: 'rotated-rt', accessToken: 'new-at', tokenToUse: 'access' }, refresh: null });
    r = await resolveConnection({ env, settings: undefined, secrets });
    expect(r.connection?.tokens?.refreshToken).toBe('rotated-rt');
    expect(r.connection?.refresh?.via).toBe('idp');

    // The environment comes before client.yaml.
    r = await resolveConnection({ env: { ...env, API_BASE_URL: 'https://env.example.com', REFRESH_TOKEN: 'env-rt' }, settings: undefined, secrets });
    expect(r.connection?.source).toBe('env');
    expect(r.connection?.tokens?.refreshToken).toBe('env-rt');

    // Tarmac's own sign-in comes first of all.
    await writeSession(secrets, { apiUrl: 'https://tarmac.example.com', origin: { source: 'tarmac' }, tokens: { idToken: 'x', tokenToUse: 'id' }, refresh: null });
    r = await resolveConnection({ env: { ...env, API_BASE_URL: 'https://env.example.com', REFRESH_TOKEN: 'env-rt' }, settings: { apiUrl: 'https://tarmac.example.com/' }, secrets });
    expect(r.connection?.source).toBe('tarmac');
    expect(r.connection?.apiUrl).toBe('https://tarmac.example.com');
    expect((await readSession(secrets))?.origin.source).toBe('tarmac');
    expect(await secrets.list('flightctl:')).toEqual([ACCOUNTS.session]);
  });
});
