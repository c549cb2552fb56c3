import { access, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import type { SignInEvent } from '../../src/shared/api.js';
import { runCli } from '../../src/main/cli.js';
import { FlightctlAccounts, type FlightctlAccountsOptions } from '../../src/main/host/accounts/flightctl.js';
import { SignInError } from '../../src/main/host/accounts/errors.js';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { ACCOUNTS, readSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { SecretStore } from '../../src/main/host/secrets.js';
import { startFlightctlSim, type FlightctlSim, type SimOptions } from '../fixtures/flightctl-sim/index.js';
import { callTool, makeContext, type TestContext } from '../fixtures/flightctl-sim/harness.js';
import { USER_PASSWORD } from '../fixtures/flightctl-sim/idp.js';
import { runCliProcess } from '../helpers/cli.js';
import { testKeychainService } from '../helpers/host.js';

/**
 * Flight Control sign-in against the simulator, whose /auth/config and token proxy front a
 * real OpenID provider (oidc-provider: PKCE required, loopback redirects registered). A real
 * headless Chromium fills the provider's login and consent pages. Tokens land in the real
 * GNOME keyring (run under scripts/with-keyring.sh), each test under its own service name.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
});

async function sim(options: SimOptions = {}): Promise<FlightctlSim> {
  const s = await startFlightctlSim({ devices: 3, fleets: 2, events: 5, ...options });
  cleanups.push(() => s.stop());
  return s;
}

interface Setup {
  tc: TestContext;
  provider: FlightctlProvider;
  accounts: FlightctlAccounts;
  events: SignInEvent[];
  /** What the platform "open URL" hook does in this test. */
  onBrowser(fn: (url: string) => void): void;
  /** The port the last sign-in listened on (they ask for port 0: any free one), from the URL the browser was sent to. */
  callbackPort(): number;
}

async function setup(options: Partial<FlightctlAccountsOptions> = {}): Promise<Setup> {
  const tc = await makeContext();
  cleanups.push(() => tc.cleanup());
  const provider = new FlightctlProvider(tc.ctx);
  cleanups.push(() => provider.close());
  const events: SignInEvent[] = [];
  let hook: (url: string) => void = () => undefined;
  let opened = '';
  const accounts = new FlightctlAccounts({
    ctx: tc.ctx,
    provider,
    openBrowser: async (url) => {
      opened = url;
      hook(url);
    },
    onEvent: (e) => events.push(e),
    ...options,
  });
  const callbackPort = () => Number(new URL(new URL(opened).searchParams.get('redirect_uri')!).port);
  return { tc, provider, accounts, events, onBrowser: (fn) => (hook = fn), callbackPort };
}

/**
 * True while this process listens on the port (the callback listener is still open). Read from the
 * kernel's socket table (Linux), not by binding the port: once the listener closed, the port is
 * free for anyone, and another test's server may have it by the time we look.
 */
async function listensOn(port: number): Promise<boolean> {
  if (process.platform !== 'linux') return !(await canBind(port));
  const ours = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) ours.add(inode);
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the socket's inode.
      if (f.length > 9 && parseInt(f[1]!.split(':')[1]!, 16) === port && f[3] === '0A' && ours.has(f[9]!)) return true;
    }
  }
  return false;
}

/** Elsewhere: whether the port can be bound, the best a test can do without the socket table. */
async function canBind(port: number): Promise<boolean> {
  const srv = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    await new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()));
  }
}

/** Fills the IdP's real login page and then allows (or cancels) on its consent page; returns the heading of the page the browser ends on. */
async function driveLogin(url: string, consent: 'allow' | 'cancel' = 'allow'): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('input[name=username]', 'ana');
    await page.fill('input[name=password]', USER_PASSWORD);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('h1:has-text("Allow access")');
    await page.click(consent === 'allow' ? 'button:has-text("Allow")' : 'button:has-text("Cancel")');
    await page.waitForURL(/^http:\/\/localhost:\d+\/callback\?/);
    return (await page.textContent('h1')) ?? '';
  } finally {
    await context.close();
  }
}

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Nothing was saved: no keychain entry (read through a fresh store), no settings file. */
async function expectNothingSaved(tc: TestContext): Promise<void> {
  expect(await new SecretStore({ service: tc.secrets.service }).get(ACCOUNTS.session)).toBeNull();
  expect(await fileExists(tc.settings.path)).toBe(false);
}

const proxyPosts = (s: FlightctlSim) => s.requests.filter((r) => r.method === 'POST' && r.path === `/api/v1/auth/${s.providerName}/token`);

describe('browser sign-in (authorization code + PKCE, loopback redirect)', () => {
  it('v1.x: real login and consent pages, code exchanged at the token proxy, tokens in the keyring, tools use the id token, rotation, revocation, sign-out', async () => {
    const s = await sim();
    const { tc, provider, accounts, events, onBrowser, callbackPort } = await setup();
    let driving: Promise<string> | undefined;
    onBrowser((url) => {
      driving = driveLogin(url);
    });

    const status = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 });
    const port = callbackPort();
    expect(port).toBeGreaterThan(0);
    expect(await driving).toBe('Signed in to Flight Control');
    expect(status.state).toBe('ready');
    expect(status.details).toMatchObject({ server: s.url, organization: s.orgs[0]!.id, account: 'sim-user', bearer: 'id token', refresh: 'API token proxy (sim-oidc)' });
    expect(Date.parse(status.details.expires!)).toBeGreaterThan(Date.now());

    // The authorization request: PKCE S256, state, nonce, the loopback redirect, the provider's client and scopes.
    const opened = events.find((e): e is Extract<SignInEvent, { kind: 'browser-opened' }> => e.kind === 'browser-opened');
    const auth = new URL(opened!.url);
    expect(auth.origin).toBe(s.idp.issuer);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      client_id: s.clientId,
      response_type: 'code',
      redirect_uri: `http://localhost:${port}/callback`,
      code_challenge_method: 'S256',
      scope: 'openid profile email offline_access',
    });
    for (const k of ['code_challenge', 'state', 'nonce']) expect(auth.searchParams.get(k)).toMatch(/^[\w-]{20,}$/);
    expect(events.some((e) => e.kind === 'waiting')).toBe(true);

    // The code went through the API's token proxy (the client secret stays on the server), then validate and organizations.
    expect(proxyPosts(s).map((r) => r.status)).toEqual([200]);
    expect(s.requests.some((r) => r.path === '/api/v1/auth/validate' && r.status === 200)).toBe(true);
    expect(s.requests.some((r) => r.path === '/api/v1/organizations' && r.status === 200)).toBe(true);
    expect(await listensOn(port)).toBe(false);

    // In the real keyring: read back through a fresh store, not a cache.
    const stored = await readSession(new SecretStore({ service: tc.secrets.service }));
    expect(stored).toMatchObject({ apiUrl: s.url, origin: { source: 'tarmac' }, tokens: { tokenToUse: 'id' }, refresh: { via: 'proxy', providerName: s.providerName, clientId: s.clientId } });
    expect(stored!.tokens.idToken).toMatch(/^ey/);
    expect(stored!.tokens.refreshToken).toBeTruthy();
    // Settings hold only the non-secret part.
    const settingsText = await readFile(tc.settings.path, 'utf8');
    expect(JSON.parse(settingsText)).toEqual({ flightctl: { apiUrl: s.url, organization: s.orgs[0]!.id } });
    for (const t of [stored!.tokens.idToken!, stored!.tokens.accessToken!, stored!.tokens.refreshToken!]) {
      expect(settingsText).not.toContain(t);
      expect(tc.redactor.text(`a ${t} b`)).toBe('a [redacted] b');
    }

    // A tool call with the saved id token as the bearer (the console records the header), no refresh needed.
    const online = s.data().devices.find((d) => ((d.status as { summary: { status: string } }).summary.status === 'Online'))!;
    const out = await callTool(provider, 'run_command_on_device', { device_name: (online.metadata as { name: string }).name, command: 'true' });
    expect(out.structured).toMatchObject({ exitCode: 0 });
    expect(s.consoles.at(-1)!.authorization).toBe(`Bearer ${stored!.tokens.idToken}`);
    expect((await callTool(provider, 'query_devices', {})).structured).toMatchObject({ count: 3 });
    expect(proxyPosts(s)).toHaveLength(1);

    // Refresh rotation: new tokens in the keyring (through the token proxy).
    const live = await provider.live();
    await live.tokens.refresh();
    const rotated = await readSession(new SecretStore({ service: tc.secrets.service }));
    expect(rotated!.tokens.refreshToken).not.toBe(stored!.tokens.refreshToken);
    expect(rotated!.tokens.accessToken).not.toBe(stored!.tokens.accessToken);
    expect(proxyPosts(s).map((r) => r.status)).toEqual([200, 200]);
    expect((await callTool(provider, 'query_fleets', {})).isError).toBeUndefined();

    // Revoked at the IdP: the next refresh fails and status says to sign in again.
    expect(await s.idp.revokeRefreshToken(rotated!.tokens.refreshToken!)).toBe(true);
    await expect(live.tokens.refresh()).rejects.toThrow(/sign in again/);
    // (Checked only now: reusing a rotated refresh token makes oidc-provider revoke the whole grant.)
    expect((await s.idp.refresh(stored!.tokens.refreshToken!)).status).toBe(400);
    const expired = await provider.status();
    expect(expired.state).toBe('signed-out');
    expect(expired.summary).toMatch(/sign in again/);

    // Sign-out deletes the tokens; the server stays in settings for the next sign-in.
    const out2 = await accounts.signOut();
    expect(out2.state).toBe('signed-out');
    expect(out2.summary).toBe(`not signed in to ${s.url}`);
    expect(await new SecretStore({ service: tc.secrets.service }).get(ACCOUNTS.session)).toBeNull();
    expect(JSON.parse(await readFile(tc.settings.path, 'utf8'))).toEqual({ flightctl: { apiUrl: s.url } });
  });

  it('v0.x: public client, code exchanged at the identity provider, the access token is the bearer', async () => {
    const s = await sim({ auth: 'v0' });
    const { tc, provider, accounts, onBrowser } = await setup();
    let driving: Promise<string> | undefined;
    onBrowser((url) => {
      expect(new URL(url).searchParams.get('client_id')).toBe(s.publicClientId);
      driving = driveLogin(url);
    });
    const status = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 });
    expect(await driving).toBe('Signed in to Flight Control');
    expect(status).toMatchObject({ state: 'ready', details: { bearer: 'access token' } });
    const stored = await readSession(tc.secrets);
    expect(stored!.refresh).toMatchObject({ via: 'idp', clientId: s.publicClientId, tokenUrl: s.idp.tokenEndpoint, issuer: s.idp.issuer });
    expect(stored!.tokens.tokenToUse).toBe('access');
    expect(proxyPosts(s)).toHaveLength(0);
    expect((await callTool(provider, 'query_devices', {})).structured).toMatchObject({ count: 3 });
    // Refresh at the IdP works with what was saved.
    await (await provider.live()).tokens.refresh();
    expect((await readSession(tc.secrets))!.tokens.refreshToken).not.toBe(stored!.tokens.refreshToken);
  });

  it('Cancel on the consent page ends with a clear message, the listener closed and nothing saved', async () => {
    const s = await sim();
    const { tc, accounts, onBrowser, callbackPort } = await setup();
    let driving: Promise<string> | undefined;
    onBrowser((url) => {
      driving = driveLogin(url, 'cancel');
    });
    const err = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect((err as SignInError).code).toBe('denied');
    expect((err as Error).message).toMatch(/cancelled at the identity provider \(access_denied.*nothing was saved/);
    expect(await driving).toBe('Sign-in failed');
    expect(await listensOn(callbackPort())).toBe(false);
    expect(proxyPosts(s)).toHaveLength(0);
    await expectNothingSaved(tc);
  });

  it('a callback with the wrong state is refused: state mismatch, listener closed, no code exchange, nothing saved', async () => {
    const s = await sim();
    const { tc, accounts, onBrowser, callbackPort } = await setup();
    let forged: Promise<{ status: number; text: string }> | undefined;
    onBrowser((url) => {
      const redirect = new URL(url).searchParams.get('redirect_uri')!;
      // An answer for some other request arrives first (a forged or stale redirect).
      forged = fetch(`${redirect}?code=forged-code&state=not-the-state`).then(async (r) => ({ status: r.status, text: await r.text() }));
    });
    const err = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 }).catch((e: unknown) => e);
    expect((err as SignInError).code).toBe('state-mismatch');
    expect((err as Error).message).toMatch(/state mismatch.*saved nothing/);
    const page = await forged!;
    expect(page.status).toBe(400);
    expect(page.text).toContain('state mismatch');
    expect(await listensOn(callbackPort())).toBe(false);
    expect(proxyPosts(s)).toHaveLength(0);
    await expectNothingSaved(tc);
  });

  it('an error answer without this sign-in\'s state (a forged redirect) is refused with 400 and ignored: the real answer still signs in', async () => {
    const s = await sim();
    const { tc, accounts, onBrowser, callbackPort } = await setup();
    const forged: Array<{ status: number; text: string }> = [];
    let driving: Promise<string> | undefined;
    onBrowser((url) => {
      const redirect = new URL(url).searchParams.get('redirect_uri')!;
      driving = (async () => {
        // Any web page can send the browser here; neither answer carries this sign-in's state.
        for (const query of ['error=access_denied', 'error=access_denied&state=not-the-state&error_description=forged']) {
          const r = await fetch(`${redirect}?${query}`);
          forged.push({ status: r.status, text: await r.text() });
        }
        return driveLogin(url);
      })();
    });
    const status = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 });
    expect(await driving).toBe('Signed in to Flight Control');
    expect(status.state).toBe('ready');
    expect(forged.map((f) => f.status)).toEqual([400, 400]);
    for (const f of forged) expect(f.text).toContain('state mismatch');
    expect(await listensOn(callbackPort())).toBe(false);
    expect(await readSession(new SecretStore({ service: tc.secrets.service }))).toMatchObject({ apiUrl: s.url, origin: { source: 'tarmac' } });
  });

  it('gives up after the (injectable) timeout with a clear message and the listener closed', async () => {
    const s = await sim();
    const { tc, accounts, callbackPort } = await setup({ browserTimeoutMs: 300 });
    const err = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 }).catch((e: unknown) => e);
    expect((err as SignInError).code).toBe('timeout');
    expect((err as Error).message).toBe('The sign-in was not finished in the browser within 0.3 seconds; Tarmac stopped waiting and saved nothing. Start the sign-in again.');
    expect(await listensOn(callbackPort())).toBe(false);
    await expectNothingSaved(tc);
  });

  it('the default wait is five minutes', async () => {
    const { BROWSER_SIGN_IN_TIMEOUT_MS } = await import('../../src/main/host/accounts/flightctl.js');
    expect(BROWSER_SIGN_IN_TIMEOUT_MS).toBe(300_000);
  });

  it('an AbortSignal (the UI Cancel button) and cancelSignIn() stop the wait and close the listener', async () => {
    const s = await sim();
    const { tc, accounts, onBrowser, callbackPort } = await setup();
    const controller = new AbortController();
    // While the sign-in waits, its listener shows in the socket table (the check below can see one).
    let listening: Promise<boolean> | undefined;
    onBrowser(() => (listening = listensOn(callbackPort()).finally(() => controller.abort())));
    const err = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(await listening).toBe(true);
    expect((err as SignInError).code).toBe('cancelled');
    expect((err as Error).message).toBe('The sign-in was cancelled; nothing was saved.');
    expect(await listensOn(callbackPort())).toBe(false);

    onBrowser(() => void accounts.cancelSignIn());
    const err2 = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: 0 }).catch((e: unknown) => e);
    expect((err2 as SignInError).code).toBe('cancelled');
    expect(await listensOn(callbackPort())).toBe(false);
    await expectNothingSaved(tc);
  });

  it('a busy callback port is a clear error before any browser opens', async () => {
    const s = await sim();
    const { tc, accounts, events } = await setup();
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => busy.close(resolve)));
    const port = (busy.address() as AddressInfo).port;
    const err = await accounts.signInFlightctlBrowser({ apiUrl: s.url, callbackPort: port }).catch((e: unknown) => e);
    expect((err as SignInError).code).toBe('port');
    expect((err as Error).message).toMatch(new RegExp(`Port ${port} on localhost is already in use.*--callback-port`));
    expect(events).toEqual([]);
    await expectNothingSaved(tc);
  });
});

describe('other sign-in paths', () => {
  it('password grant: v0.x signs in at the IdP; a wrong password and a client without the grant are clear errors', async () => {
    const s = await sim({ auth: 'v0' });
    const { tc, provider, accounts } = await setup();
    const wrong = await accounts.signInFlightctlPassword({ apiUrl: s.url, username: 'ana', password: 'nope-wrong' }).catch((e: unknown) => e);
    expect((wrong as Error).message).toBe('The identity provider did not accept the username or password; nothing was saved.');
    await expectNothingSaved(tc);

    const status = await accounts.signInFlightctlPassword({ apiUrl: s.url, username: 'ana', password: USER_PASSWORD });
    expect(status.state).toBe('ready');
    expect((await callTool(provider, 'query_devices', {})).structured).toMatchObject({ count: 3 });
    expect(JSON.stringify(await readdirText(tc.dataDir))).not.toContain(USER_PASSWORD);

    // v1.x: the provider's client is confidential (its secret lives in the API), so the IdP refuses the grant.
    const v1 = await sim();
    const refused = await accounts.signInFlightctlPassword({ apiUrl: v1.url, username: 'ana', password: USER_PASSWORD }).catch((e: unknown) => e);
    expect((refused as SignInError).code).toBe('unsupported');
    expect((refused as Error).message).toMatch(/does not allow password sign-in for the client flightctl-client \(invalid_client\); sign in with the browser/);
    // The earlier sign-in is untouched.
    expect((await readSession(tc.secrets))!.apiUrl).toBe(s.url);
  });

  it('token paste: checked with /auth/validate, sent as the bearer; a bad token saves nothing', async () => {
    const s = await sim();
    const { tc, provider, accounts } = await setup();
    const bad = await accounts.signInFlightctlToken({ apiUrl: s.url, token: 'not-a-valid-token' }).catch((e: unknown) => e);
    expect((bad as SignInError).code).toBe('rejected');
    expect((bad as Error).message).toMatch(/did not accept the token from this sign-in \(HTTP 401, Unauthorized\); nothing was saved/);
    expect((bad as Error).message).not.toContain('not-a-valid-token');
    await expectNothingSaved(tc);

    const { idToken } = await s.mintSession();
    const status = await accounts.signInFlightctlToken({ apiUrl: `${s.url}/api/v1/`, token: `${idToken}\n` });
    expect(status).toMatchObject({ state: 'ready', details: { server: s.url, bearer: 'access token', refresh: null } });
    expect((await readSession(tc.secrets))!.tokens).toMatchObject({ accessToken: idToken, tokenToUse: 'access' });
    expect((await callTool(provider, 'query_devices', {})).structured).toMatchObject({ count: 3 });
  });

  it('imports a v1.x client.yaml (inline CA, HTTPS, expired access token refreshed, its organization kept)', async () => {
    const org = { id: '33333333-3333-4333-8333-333333333333', displayName: 'Imported' };
    const other = { id: '44444444-4444-4444-8444-444444444444', displayName: 'Other' };
    const s = await sim({ tls: true, orgs: [other, org] });
    const session = await s.mintSession();
    const { tc, provider, accounts } = await setup();
    const yamlPath = join(tc.ctx.env.XDG_CONFIG_HOME!, 'flightctl', 'client.yaml');
    await mkdir(join(tc.ctx.env.XDG_CONFIG_HOME!, 'flightctl'), { recursive: true });
    await writeFile(
      yamlPath,
      toYaml({
        service: { server: s.url, 'certificate-authority-data': Buffer.from(s.caPem).toString('base64') },
        authentication: {
          'access-token': session.accessToken,
          'access-token-expiry': new Date(Date.now() - 1_000).toISOString(),
          'refresh-token': session.refreshToken,
          'id-token': session.idToken,
          'token-to-use': 'id',
          'auth-provider': {
            'auth-provider': {
              apiVersion: 'v1beta1',
              kind: 'AuthProvider',
              metadata: { name: s.providerName },
              spec: { providerType: 'oidc', issuer: s.idp.issuer, clientId: s.clientId, enabled: true, scopes: ['openid', 'profile', 'email', 'offline_access'] },
            },
          },
          'organizations-enabled': true,
        },
        organization: org.id,
      }),
      { mode: 0o600 },
    );
    const before = await readFile(yamlPath, 'utf8');

    // No path: the OS location ($XDG_CONFIG_HOME/flightctl/client.yaml).
    const status = await accounts.importFlightctlConfig();
    expect(status).toMatchObject({ state: 'ready', details: { server: s.url, organization: org.id, source: 'Tarmac settings + keychain' } });
    expect(proxyPosts(s)).toHaveLength(1);
    const stored = await readSession(tc.secrets);
    expect(stored!.origin.source).toBe('tarmac');
    expect(stored!.tokens.refreshToken).not.toBe(session.refreshToken);
    const caPath = join(tc.dataDir, 'flightctl-ca.pem');
    expect(JSON.parse(await readFile(tc.settings.path, 'utf8'))).toEqual({ flightctl: { apiUrl: s.url, organization: org.id, caCertPath: caPath } });
    expect(await readFile(caPath, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(await readFile(yamlPath, 'utf8')).toBe(before);
    expect((await callTool(provider, 'query_devices', {})).structured).toMatchObject({ count: 3 });
    expect(s.requests.filter((r) => r.path === '/api/v1/devices').every((r) => r.query.org_id === org.id)).toBe(true);

    const missing = await accounts.importFlightctlConfig(join(tc.dataDir, 'nope.yaml')).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/There is no .*nope\.yaml\. Run `flightctl login` first/);
  });

  it('organizations: chosen at sign-in by name, listed, changed; an unknown one is refused with the list', async () => {
    const orgs = [
      { id: '11111111-1111-4111-8111-111111111111', displayName: 'Alpha' },
      { id: '22222222-2222-4222-8222-222222222222', displayName: 'Beta' },
    ];
    const s = await sim({ orgs });
    const { tc, accounts } = await setup();
    const { idToken } = await s.mintSession();
    const unknown = await accounts.signInFlightctlToken({ apiUrl: s.url, token: idToken }, { organization: 'Gamma' }).catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(/not a member of an organization "Gamma"; yours are Alpha \(1111.*\), Beta \(2222.*\)/);
    await expectNothingSaved(tc);

    const first = await accounts.signInFlightctlToken({ apiUrl: s.url, token: idToken });
    expect(first.details.organization).toBe(orgs[0]!.id);
    const beta = await accounts.signInFlightctlToken({ apiUrl: s.url, token: idToken }, { organization: 'beta' });
    expect(beta.details.organization).toBe(orgs[1]!.id);
    expect(await accounts.listFlightctlOrganizations()).toEqual([
      { id: orgs[0]!.id, displayName: 'Alpha' },
      { id: orgs[1]!.id, displayName: 'Beta' },
    ]);
    expect((await accounts.chooseFlightctlOrganization(orgs[0]!.id)).details.organization).toBe(orgs[0]!.id);
    expect((await tc.settings.read()).flightctl?.organization).toBe(orgs[0]!.id);
  });

  it('auth config: v1.x and v0.x shapes; 418 means no sign-in is needed and no browser opens', async () => {
    const v1 = await sim();
    const { tc, accounts, events } = await setup();
    expect(await accounts.flightctlAuthInfo({ apiUrl: v1.url })).toEqual({
      apiUrl: v1.url,
      authEnabled: true,
      providers: [{ name: 'sim-oidc', type: 'oidc', displayName: 'Simulated IdP', methods: ['browser', 'password', 'token'] }],
      defaultProvider: 'sim-oidc',
      organizationsEnabled: true,
    });
    const v0 = await sim({ auth: 'v0', organizationsEnabled: false });
    expect(await accounts.flightctlAuthInfo({ apiUrl: v0.url })).toMatchObject({ authEnabled: true, providers: [{ name: 'OIDC', type: 'OIDC', methods: ['browser', 'password', 'token'] }], organizationsEnabled: false });
    const unknown = await accounts.signInFlightctlBrowser({ apiUrl: v1.url, provider: 'nope', callbackPort: 0 }).catch((e: unknown) => e);
    expect((unknown as Error).message).toBe('The server has no auth provider named "nope"; it offers sim-oidc (oidc).');

    const off = await sim({ auth: 'none' });
    expect((await accounts.flightctlAuthInfo({ apiUrl: off.url })).authEnabled).toBe(false);
    await accounts.signInFlightctlBrowser({ apiUrl: off.url, callbackPort: 0 });
    expect(events).toEqual([]);
    expect(await tc.secrets.get(ACCOUNTS.session)).toBeNull();
    expect((await tc.settings.read()).flightctl).toEqual({ apiUrl: off.url });
    // Nothing to sign in to: the provider is ready and its tools run without a bearer.
    const provider = new FlightctlProvider(tc.ctx);
    cleanups.push(() => provider.close());
    expect(await provider.status()).toMatchObject({ state: 'ready', summary: `connected to ${off.url} (authentication is off on this server)` });
    expect((await callTool(provider, 'query_devices')).text).toMatch(/device/i);

    const notFc = await accounts.flightctlAuthInfo({ apiUrl: `${v1.idp.issuer}/` }).catch((e: unknown) => e);
    expect((notFc as Error).message).toMatch(/does not look like a Flight Control API: GET \/api\/v1\/auth\/config answered HTTP 404/);
  });
});

describe('CLI', () => {
  it('login flightctl in the browser (URL printed on stderr), status, logout', async () => {
    const s = await sim();
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-signin-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const service = testKeychainService();
    cleanups.push(async () => {
      const store = new SecretStore({ service });
      for (const a of await store.list()) await store.delete(a);
    });
    const out: string[] = [];
    const err: string[] = [];
    let driving: Promise<string> | undefined;
    const io = {
      out: (l: string) => void out.push(l),
      err: (l: string) => {
        err.push(l);
        const m = /^Open this URL to sign in: (\S+)$/.exec(l);
        if (m) driving = driveLogin(m[1]!);
      },
      readStdin: async () => '',
    };
    const overrides = { keychainService: service, env: { HOME: dataDir, XDG_CONFIG_HOME: join(dataDir, 'xdg') } };
    // --callback-port 0: any free port (the identity provider takes any loopback port).
    expect(await runCli(['login', 'flightctl', s.url, '--callback-port', '0', '--data-dir', dataDir], io, overrides)).toBe(0);
    expect(await driving).toBe('Signed in to Flight Control');
    expect(out.join('\n')).toMatch(new RegExp(`Flight Control: ready: signed in as sim-user to ${s.url}`));
    expect(out.join('\n')).toContain(`organization: ${s.orgs[0]!.id}`);

    out.length = 0;
    expect(await runCli(['status', '--data-dir', dataDir], io, overrides)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Flight Control: ready/);
    for (const key of ['server', 'account', 'organization', 'expires']) expect(text).toMatch(new RegExp(`^  ${key}: \\S`, 'm'));

    // The log has the sign-in, never a token.
    const session = await readSession(new SecretStore({ service }));
    const logs = Object.values(await readdirText(join(dataDir, 'logs'))).join('\n');
    expect(logs).toContain('flightctl sign-in complete');
    for (const t of [session!.tokens.idToken!, session!.tokens.accessToken!, session!.tokens.refreshToken!]) expect(logs).not.toContain(t);

    expect(await runCli(['logout', 'flightctl', '--data-dir', dataDir], io, overrides)).toBe(0);
    expect(err.join('\n')).toMatch(/Signed out of Flight Control/);
    expect(await new SecretStore({ service }).get(ACCOUNTS.session)).toBeNull();
  });

  it('login flightctl --token-stdin --ca-cert against a server with a private CA: the token from stdin, the CA path in settings', async () => {
    const s = await sim({ tls: true });
    const { idToken } = await s.mintSession();
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-signin-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const service = testKeychainService();
    cleanups.push(async () => {
      const store = new SecretStore({ service });
      for (const a of await store.list()) await store.delete(a);
    });
    const caPath = join(dataDir, 'ca.crt');
    await writeFile(caPath, s.caPem);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), readStdin: async () => `${idToken}\n` };
    const overrides = { keychainService: service, env: { HOME: dataDir } };
    const dir = join(dataDir, 'tarmac');

    // Without the CA: a certificate problem, said plainly, and nothing saved.
    expect(await runCli(['login', 'flightctl', s.url, '--token-stdin', '--data-dir', dir], io, overrides)).toBe(1);
    expect(err.join('\n')).toMatch(/Certificate problem talking to https:\/\/127\.0\.0\.1:\d+/);
    expect(await fileExists(join(dir, 'settings.json'))).toBe(false);

    expect(await runCli(['login', 'flightctl', s.url, '--token-stdin', '--ca-cert', caPath, '--data-dir', dir], io, overrides)).toBe(0);
    expect(out.join('\n')).toMatch(/Flight Control: ready/);
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ flightctl: { apiUrl: s.url, organization: s.orgs[0]!.id, caCertPath: caPath } });
    expect(await readSession(new SecretStore({ service }))).toMatchObject({ tokens: { accessToken: idToken, tokenToUse: 'access' }, refresh: null });
    expect(Object.values(await readdirText(dir)).join('\n')).not.toContain(idToken);
  });

  it('usage errors exit 2 without touching anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-signin-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => void err.push(l), readStdin: async () => '' };
    const overrides = { keychainService: testKeychainService(), env: { HOME: dataDir } };
    expect(await runCli(['login', 'flightctl', '--data-dir', dataDir], io, overrides)).toBe(2);
    expect(await runCli(['login', 'flightctl', 'https://x', '--password', '--token-stdin', '--data-dir', dataDir], io, overrides)).toBe(2);
    expect(await runCli(['login', 'flightctl', 'https://x', '--password', '--data-dir', dataDir], io, overrides)).toBe(2);
    expect(await runCli(['login', 'flightctl', 'https://x', '--callback-port', 'http', '--data-dir', dataDir], io, overrides)).toBe(2);
    expect(err.join('\n')).toMatch(/--callback-port must be a number/);
    expect(await fileExists(join(dataDir, 'settings.json'))).toBe(false);
  });

  it('with no Secret Service every sign-in path fails with the keychain message and writes nothing', async () => {
    const s = await sim();
    const { idToken } = await s.mintSession();
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-nokeyring-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const yaml = join(dataDir, 'client.yaml');
    await writeFile(yaml, toYaml({ service: { server: s.url }, authentication: { 'access-token': idToken, 'token-to-use': 'access', 'refresh-token': 'rt-not-real-123456' } }));
    const service = testKeychainService();
    const env = {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      DISPLAY: '',
      TARMAC_KEYCHAIN_SERVICE: service,
      HOME: dataDir,
      XDG_CONFIG_HOME: join(dataDir, 'xdg'),
    };
    const base = ['login', 'flightctl', '--data-dir', join(dataDir, 'tarmac')];
    const runs = [
      { args: [...base, s.url, '--callback-port', '0'], input: '' },
      { args: [...base, s.url, '--password', '--username', 'ana'], input: `${USER_PASSWORD}\n` },
      { args: [...base, s.url, '--token-stdin'], input: `${idToken}\n` },
      { args: [...base, '--import', yaml], input: '' },
    ];
    for (const run of runs) {
      const r = await runCliProcess(run.args, { env, input: run.input });
      expect(r.code, `${run.args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/No Secret Service keychain is available .*On a desktop: start GNOME Keyring, or KeePassXC/);
      expect(r.stderr).not.toContain('Open this URL');
      expect(r.stdout).toBe('');
      for (const secret of [USER_PASSWORD, idToken]) expect(r.stderr).not.toContain(secret);
    }
    // Nothing written: no settings, no CA copy, no secret in any file, no keyring entry, no IdP round trip.
    // (The host's own log and empty activity journal are all there is.)
    const files = await readdirText(join(dataDir, 'tarmac'));
    expect(Object.keys(files).filter((f) => !f.startsWith('logs/') && f !== 'activity/activity.jsonl')).toEqual([]);
    expect(files['activity/activity.jsonl'] ?? '').toBe('');
    for (const secret of [USER_PASSWORD, idToken]) expect(JSON.stringify(files)).not.toContain(secret);
    expect(await new SecretStore({ service }).list()).toEqual([]);
    expect(s.requests.filter((r) => r.path.startsWith('/api/v1/auth/'))).toEqual([]);
  });
});

/** Every file under a directory (relative path → text), to prove what was (not) written. */
async function readdirText(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const text = await readFile(join(dir, e), 'utf8').catch(() => null);
    if (text !== null) out[e] = text;
  }
  return out;
}
