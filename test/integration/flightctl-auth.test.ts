import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { FlightctlAccounts } from '../../src/main/host/accounts/flightctl.js';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { ACCOUNTS, readSession, writeSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { SecretStore } from '../../src/main/host/secrets.js';
import { startFlightctlSim, type FlightctlSim, type SimOptions } from '../fixtures/flightctl-sim/index.js';
import { callTool, makeContext, toolError, type TestContext } from '../fixtures/flightctl-sim/harness.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function sim(options: SimOptions = {}): Promise<FlightctlSim> {
  const s = await startFlightctlSim({ devices: 5, ...options });
  cleanups.push(() => s.stop());
  return s;
}

async function context(options: Parameters<typeof makeContext>[0] = {}): Promise<TestContext> {
  const tc = await makeContext(options);
  cleanups.push(() => tc.cleanup());
  return tc;
}

function provider(tc: TestContext, opts: ConstructorParameters<typeof FlightctlProvider>[1] = {}): FlightctlProvider {
  const p = new FlightctlProvider(tc.ctx, opts);
  cleanups.push(() => p.close());
  return p;
}

const tokenRequests = (s: FlightctlSim) => s.requests.filter((r) => r.path === `/api/v1/auth/${s.providerName}/token`);

/** A pino logger that keeps every line, to prove no token is ever logged. */
function capturingLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: pino({ level: 'trace' }, stream), lines };
}

describe('tokens', () => {
  it('refreshes through the token proxy before expiry, rotates the refresh token into the keychain and logs no secret', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    const { log, lines } = capturingLog();
    tc.ctx.log = log;
    const first = await signIn(s, tc.secrets, { expiresAt: Date.now() + 10_000 });
    const p = provider(tc);

    const out = await callTool(p, 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect(tokenRequests(s)).toHaveLength(1);

    const stored = await readSession(tc.secrets);
    expect(stored?.origin.source).toBe('tarmac');
    expect(stored?.tokens.refreshToken).toBeTruthy();
    expect(stored?.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(stored?.tokens.accessToken).not.toBe(first.accessToken);
    expect(stored!.tokens.expiresAt!).toBeGreaterThan(Date.now() + 60_000);

    // A fresh provider (a restart) uses the saved tokens without refreshing again.
    const again = provider(tc);
    await callTool(again, 'query_fleets', {});
    expect(tokenRequests(s)).toHaveLength(1);

    const status = await again.status();
    expect(status.state).toBe('ready');
    expect(status.details.refresh).toBe('API token proxy (sim-oidc)');
    expect(status.details.account).toBe('sim-user');
    const all = lines.join('\n') + JSON.stringify(status);
    for (const secret of [first.refreshToken, first.idToken, stored!.tokens.refreshToken!, stored!.tokens.idToken!]) expect(all).not.toContain(secret);
    // Every token value is known to the redactor, so activity and logs scrub it.
    expect(tc.redactor.text(`x ${stored!.tokens.refreshToken} y`)).toBe('x [redacted] y');

    // The old refresh token is spent at the IdP: we really rotated.
    expect((await s.idp.refresh(first.refreshToken)).status).toBe(400);
  });

  it('refreshes once and retries when the API rejects a bearer that looked valid', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    const session = await s.mintSession();
    await writeSession(tc.secrets, {
      apiUrl: s.url,
      origin: { source: 'tarmac' },
      tokens: { idToken: 'not.a.jwt', accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: Date.now() + 3_600_000, tokenToUse: 'id' },
      refresh: { via: 'proxy', clientId: s.clientId, providerName: s.providerName, providerType: 'oidc', issuer: s.idp.issuer },
    });
    const out = await callTool(provider(tc), 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect(tokenRequests(s)).toHaveLength(1);
    expect(s.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  });

  it('an expired refresh token gives "session expired, sign in again" from status and from every tool', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    const rt = await s.mintRefreshToken({ expiresIn: 1 });
    const session = await s.mintSession();
    await signIn(s, tc.secrets, { refreshToken: rt, idToken: session.idToken, expiresAt: Date.now() - 1_000 });
    await new Promise((r) => setTimeout(r, 1_300));
    const p = provider(tc);

    const messages = [
      await toolError(p, 'query_devices', {}),
      await toolError(p, 'get_devices_summary', {}),
      await toolError(p, 'run_command_on_device', { device_name: 'x', command: 'true' }),
      await toolError(p, 'list_organizations', {}),
    ];
    for (const m of messages) expect(m).toContain('session expired, sign in again');
    // The dead token is tried once, not on every call.
    expect(tokenRequests(s)).toHaveLength(1);
    const status = await p.status();
    expect(status.state).toBe('signed-out');
    expect(status.summary).toBe('session expired, sign in again');

    // A new sign-in (the later sign-in flow writes the keychain, then reloads) brings the tools back.
    await signIn(s, tc.secrets);
    p.reload();
    expect((await callTool(p, 'query_devices', {})).text).toMatch(/^5 devices/);
    expect((await p.status()).state).toBe('ready');
  });

  it('a token login without a refresh token that has lapsed reads as an expired session', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    const session = await s.mintSession();
    await writeSession(tc.secrets, { apiUrl: s.url, origin: { source: 'tarmac' }, tokens: { idToken: session.idToken, expiresAt: Date.now() - 5_000, tokenToUse: 'id' }, refresh: null });
    expect(await toolError(provider(tc), 'query_devices', {})).toContain('session expired, sign in again');
  });
});

/** A saved sign-in whose bearer the API rejects (401) although it looks valid: the next call refreshes. */
async function signInWithRejectedBearer(s: FlightctlSim, tc: TestContext): Promise<void> {
  const session = await s.mintSession();
  await writeSession(tc.secrets, {
    apiUrl: s.url,
    origin: { source: 'tarmac' },
    tokens: { idToken: 'not.a.jwt', accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: Date.now() + 3_600_000, tokenToUse: 'id' },
    refresh: { via: 'proxy', clientId: s.clientId, providerName: s.providerName, providerType: 'oidc', issuer: s.idp.issuer },
  });
}

function accountsFor(tc: TestContext, p: FlightctlProvider): FlightctlAccounts {
  return new FlightctlAccounts({ ctx: tc.ctx, provider: p, openBrowser: async () => undefined });
}

/** The session entry as the keychain holds it now (a fresh store: no cache). */
const keychainEntry = (tc: TestContext) => new SecretStore({ service: tc.secrets.service }).get(ACCOUNTS.session);

describe('keychain writes and the shared refresh', () => {
  it('a sign-out while a running call refreshes stays signed out: the refresh does not write the session back', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    await signInWithRejectedBearer(s, tc);
    const p = provider(tc);
    const hold = s.holdTokenProxy();
    const running = callTool(p, 'query_devices', {});
    await hold.reached;

    expect((await accountsFor(tc, p).signOut()).state).toBe('signed-out');
    hold.release();
    await running.catch(() => undefined);

    expect(await keychainEntry(tc)).toBeNull();
    expect((await provider(tc).status()).state).toBe('signed-out');
  });

  it('a sign-in to another server while a refresh for the old one runs keeps the new session', async () => {
    const a = await sim();
    const b = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: a.url } } });
    await signInWithRejectedBearer(a, tc);
    const p = provider(tc);
    const hold = a.holdTokenProxy();
    const running = callTool(p, 'query_devices', {});
    await hold.reached;

    const { idToken } = await b.mintSession();
    expect((await accountsFor(tc, p).signInFlightctlToken({ apiUrl: b.url, token: idToken })).details.server).toBe(b.url);
    hold.release();
    await running.catch(() => undefined);

    expect(await readSession(new SecretStore({ service: tc.secrets.service }))).toMatchObject({ apiUrl: b.url, tokens: { accessToken: idToken } });
    const restarted = provider(tc);
    expect((await restarted.status()).details.server).toBe(b.url);
  });

  it('a closed token manager writes nothing, even for a refresh that was already running', async () => {
    const s = await sim();
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    const first = await signIn(s, tc.secrets);
    const live = await provider(tc).live();
    const before = await keychainEntry(tc);
    const hold = s.holdTokenProxy();
    const refreshing = live.tokens.refresh();
    await hold.reached;
    live.tokens.close();
    hold.release();
    await refreshing;

    // Refreshed in memory, for the calls still running on it; the keychain is untouched.
    expect(live.tokens.tokens?.refreshToken).not.toBe(first.refreshToken);
    expect(await keychainEntry(tc)).toBe(before);
  });

  it('a cancelled caller does not cancel the shared refresh: the others get the tokens and the rotated refresh token is kept', async () => {
    const s = await sim();
    // The organization comes from settings, so the refresh starts inside the cancelled call itself.
    const tc = await context({ settings: { flightctl: { apiUrl: s.url, organization: s.orgs[0]!.id } } });
    const first = await signIn(s, tc.secrets, { expiresAt: Date.now() + 10_000 });
    const p = provider(tc);
    const live = await p.live();
    const hold = s.holdTokenProxy();
    const controller = new AbortController();
    const cancelled = callTool(p, 'query_devices', {}, controller.signal);
    // The IdP has answered (and rotated the refresh token); the answer is held back.
    await hold.reached;
    const waiting = live.tokens.refresh();
    controller.abort();
    await expect(cancelled).rejects.toThrow();
    hold.release();
    await waiting;

    const stored = await readSession(new SecretStore({ service: tc.secrets.service }));
    expect(stored!.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(stored!.tokens.refreshToken).toBe(live.tokens.tokens?.refreshToken);
    // The rotated token works: the next refresh is no "session expired".
    await live.tokens.refresh();
    expect(tokenRequests(s).map((r) => r.status)).toEqual([200, 200]);
    expect((await callTool(p, 'query_fleets', {})).isError).toBeUndefined();
  });
});

describe('organizations across servers', () => {
  it('an organization chosen in settings for another server is never sent to the server in use', async () => {
    const s = await sim();
    const rt = await s.mintRefreshToken();
    const tc = await context({
      env: { API_BASE_URL: s.url, REFRESH_TOKEN: rt, OIDC_CLIENT_ID: s.clientId },
      settings: { flightctl: { apiUrl: 'https://other-server.example.invalid', organization: '99999999-9999-4999-8999-999999999999' } },
    });
    const p = provider(tc);
    expect((await callTool(p, 'query_devices', {})).structured).toMatchObject({ count: 5 });
    const sent = s.requests.filter((r) => r.path === '/api/v1/devices').map((r) => r.query.org_id);
    expect(sent).toEqual([s.orgs[0]!.id]);
    expect((await p.status()).details.organization).toBe(s.orgs[0]!.id);
  });

  it('select_organization on an environment connection saves the server with the organization, so the choice applies', async () => {
    const orgs = [
      { id: '11111111-1111-4111-8111-111111111111', displayName: 'Alpha' },
      { id: '22222222-2222-4222-8222-222222222222', displayName: 'Beta' },
    ];
    const s = await sim({ orgs });
    const rt = await s.mintRefreshToken();
    const tc = await context({ env: { API_BASE_URL: s.url, REFRESH_TOKEN: rt, OIDC_CLIENT_ID: s.clientId } });
    const p = provider(tc);
    expect(await toolError(p, 'query_devices', {})).toContain('none is chosen');
    await callTool(p, 'select_organization', { organization: 'Beta' });
    expect((await tc.settings.read()).flightctl).toEqual({ apiUrl: s.url, organization: orgs[1]!.id });
    expect((await callTool(p, 'query_devices', {})).structured).toMatchObject({ count: 5 });
    expect(s.requests.filter((r) => r.path === '/api/v1/devices').at(-1)!.query.org_id).toBe(orgs[1]!.id);
  });
});

describe('connection sources', () => {
  it('environment variables (seed names) against a v1 server: discovers the token proxy and uses the id token', async () => {
    const s = await sim();
    const rt = await s.mintRefreshToken();
    const env = { API_BASE_URL: `${s.url}/`, REFRESH_TOKEN: rt, OIDC_CLIENT_ID: s.clientId };
    const tc = await context({ env });
    const p = provider(tc);
    const out = await callTool(p, 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect(tokenRequests(s)).toHaveLength(1);
    const stored = await readSession(tc.secrets);
    expect(stored?.origin.source).toBe('env');
    expect(stored?.tokens.tokenToUse).toBe('id');
    expect((await p.status()).details.source).toBe('environment (API_BASE_URL)');

    // Restart with the same environment: the rotated copy in the keychain continues the session.
    const p2 = provider(tc);
    await callTool(p2, 'query_fleets', {});
    expect(tokenRequests(s)).toHaveLength(1);

    // A new REFRESH_TOKEN in the environment wins over the old continuation.
    const rt2 = await s.mintRefreshToken();
    const tc2ctx = { ...tc.ctx, env: { ...tc.ctx.env, REFRESH_TOKEN: rt2 } };
    const p3 = new FlightctlProvider(tc2ctx);
    cleanups.push(() => p3.close());
    await callTool(p3, 'query_fleets', {});
    expect(tokenRequests(s)).toHaveLength(2);
  });

  it('environment with OIDC_TOKEN_URL against a v0.x server: refreshes at the IdP and sends the access token', async () => {
    const s = await sim({ auth: 'v0' });
    const rt = await s.mintRefreshToken({ clientId: s.publicClientId });
    const tc = await context({ env: { API_BASE_URL: s.url, REFRESH_TOKEN: rt, OIDC_TOKEN_URL: s.idp.tokenEndpoint, OIDC_CLIENT_ID: s.publicClientId } });
    const p = provider(tc);
    const out = await callTool(p, 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect(tokenRequests(s)).toHaveLength(0);
    const stored = await readSession(tc.secrets);
    expect(stored?.tokens.tokenToUse).toBe('access');
    expect(stored?.refresh?.via).toBe('idp');
    expect((await p.status()).details.refresh).toBe(`identity provider ${s.idp.tokenEndpoint}`);
  });

  it('imports a v1.x client.yaml over HTTPS with certificate-authority-data and its organization', async () => {
    const org = { id: '33333333-3333-4333-8333-333333333333', displayName: 'Imported' };
    const other = { id: '44444444-4444-4444-8444-444444444444', displayName: 'Other' };
    const s = await sim({ tls: true, orgs: [org, other] });
    const session = await s.mintSession();
    const tc = await context();
    const yaml = {
      service: { server: s.url, 'certificate-authority-data': Buffer.from(s.caPem).toString('base64'), insecureSkipVerify: false },
      authentication: {
        'access-token': session.accessToken,
        'access-token-expiry': new Date(Date.now() - 1_000).toISOString().replace('Z', '123456Z'),
        'refresh-token': session.refreshToken,
        'id-token': session.idToken,
        'token-to-use': 'id',
        'auth-provider': {
          'auth-provider': {
            apiVersion: 'v1beta1',
            kind: 'AuthProvider',
            metadata: { name: s.providerName },
            spec: { providerType: 'oidc', issuer: s.idp.issuer, clientId: s.clientId, clientSecret: '[REDACTED]', enabled: true, scopes: ['openid', 'profile', 'email', 'offline_access'] },
          },
        },
        'organizations-enabled': true,
      },
      organization: org.id,
    };
    const dir = join(tc.ctx.env.XDG_CONFIG_HOME!, 'flightctl');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'client.yaml'), toYaml(yaml), { mode: 0o600 });

    const p = provider(tc);
    const out = await callTool(p, 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect(s.requests.filter((r) => r.path === '/api/v1/devices').every((r) => r.query.org_id === org.id)).toBe(true);
    expect(tokenRequests(s)).toHaveLength(1);
    const status = await p.status();
    expect(status.details.source).toContain('flightctl v1.x layout');
    expect(status.details.ca).toContain('certificate-authority-data');
    expect(status.warnings).toEqual([]);
    expect((await readSession(tc.secrets))?.origin.source).toBe('client.yaml');
  });

  it('imports a v0.x client.yaml and refreshes at the IdP discovered from its authURL', async () => {
    const s = await sim({ auth: 'v0' });
    const rt = await s.mintRefreshToken({ clientId: s.publicClientId });
    const tc = await context();
    const yaml = {
      service: { server: s.url },
      authentication: {
        token: 'expired-access-token',
        'auth-provider': { name: 'OIDC', config: { server: s.idp.issuer, 'client-id': s.publicClientId, 'refresh-token': rt, 'access-token-expiry': '2025-07-01T12:34:56.123456789Z' } },
      },
    };
    const dir = join(tc.ctx.env.HOME!, '.config', 'flightctl');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'client.yaml'), toYaml(yaml));
    // XDG_CONFIG_HOME points elsewhere: the seed's ~/.config path is the fallback.
    const p = provider(tc);
    const out = await callTool(p, 'query_devices', {});
    expect((out.structured as { count: number }).count).toBe(5);
    expect((await p.status()).details.source).toContain('flightctl v0.x layout');
  });

  it('settings + keychain come before the environment', async () => {
    const s = await sim();
    const tc = await context({ env: { API_BASE_URL: 'https://unused.example.invalid', REFRESH_TOKEN: 'unused' }, settings: { flightctl: { apiUrl: s.url } } });
    await signIn(s, tc.secrets);
    const p = provider(tc);
    await callTool(p, 'query_devices', {});
    expect((await p.status()).details.source).toBe('Tarmac settings + keychain');
  });

  it('reports nothing set up, and signed out when only a server is named', async () => {
    const tc = await context();
    const p = provider(tc);
    expect((await p.status()).state).toBe('unconfigured');
    expect(await toolError(p, 'query_devices', {})).toContain('Flight Control is not set up');

    const s = await sim();
    await tc.settings.update((x) => ({ ...x, flightctl: { apiUrl: s.url } }));
    const status = await p.status();
    expect(status.state).toBe('signed-out');
    expect(await toolError(p, 'query_devices', {})).toContain('Flight Control is not signed in');
  });
});

describe('TLS, timeouts', () => {
  it('says a self-signed server is a certificate problem and how to fix it; the CA file or skip-verify (with a warning) fix it', async () => {
    const s = await sim({ tls: true });
    const tc = await context({ settings: { flightctl: { apiUrl: s.url } } });
    await signIn(s, tc.secrets);
    const p = provider(tc);
    const message = await toolError(p, 'query_devices', {});
    expect(message).toContain(`Certificate problem talking to ${s.url}`);
    expect(message).toContain('CA certificate');

    const caPath = join(tc.dataDir, 'ca.crt');
    await writeFile(caPath, s.caPem);
    await tc.settings.update((x) => ({ ...x, flightctl: { ...x.flightctl, caCertPath: caPath } }));
    expect((await callTool(p, 'query_devices', {})).text).toMatch(/^5 devices/);
    expect((await p.status()).warnings).toEqual([]);

    await tc.settings.update((x) => ({ ...x, flightctl: { apiUrl: s.url, insecureSkipVerify: true } }));
    expect((await callTool(p, 'query_devices', {})).text).toMatch(/^5 devices/);
    const status = await p.status();
    expect(status.warnings.join(' ')).toContain('insecure skip-verify');
  });

  it('says when the server does not answer in time', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const sock of sockets) sock.destroy();
          silent.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const tc = await context({ settings: { flightctl: { apiUrl: url, organization: 'org-1' } } });
    await writeSession(tc.secrets, { apiUrl: url, origin: { source: 'tarmac' }, tokens: { accessToken: 'opaque-token-value', expiresAt: Date.now() + 3_600_000, tokenToUse: 'access' }, refresh: null });
    const message = await toolError(provider(tc, { requestTimeoutMs: 300 }), 'query_devices', {});
    expect(message).toContain('Flight Control did not answer listing devices within 0.3 s');
  });
});
