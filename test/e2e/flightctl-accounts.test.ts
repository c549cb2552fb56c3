import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { ACCOUNTS, readSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { USER_PASSWORD } from '../fixtures/flightctl-sim/idp.js';
import type { SimOptions } from '../fixtures/flightctl-sim/index.js';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';

/**
 * Flight Control sign-in in the window, against the simulator and its real OpenID provider:
 * suite.browser() (the IdP's own login page driven in a second Chromium page), password, token,
 * client.yaml import, cancel, a bad token, an unreachable server, organizations and sign-out.
 */
const suite = e2eSuite();

const ORGS = [
  { id: '11111111-1111-4111-8111-111111111111', displayName: 'Alpha' },
  { id: '22222222-2222-4222-8222-222222222222', displayName: 'Beta' },
];

async function open(sim: SimOptions = {}): Promise<{ ui: Ui; page: Page; accounts: AccountsPage }> {
  const ui = await startUi({ sim });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser());
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  const accounts = await new AccountsPage(page).goto();
  return { ui, page, accounts };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * A server nobody can reach: it resets every connection. Held by the test until the suite ends,
 * not a port it freed (another test's server could take that one before the sign-in tries it).
 */
async function resettingServer(): Promise<string> {
  const srv = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  suite.defer(() => new Promise<void>((resolve) => srv.close(() => resolve())));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

describe('Flight Control sign-in in the window', () => {
  it('an unreachable server is a clear inline error with Retry and Back, the typed URL kept, and nothing is saved', async () => {
    const { ui, page, accounts } = await open();
    const url = await resettingServer();
    await accounts.connect('flightctl', url);
    await expect.poll(() => accounts.alert('flightctl').textContent()).toMatch(/Cannot reach the server/);
    expect(await ui.t.secrets.get(ACCOUNTS.session)).toBeNull();
    const field = accounts.signIn('flightctl').getByLabel('Server URL');
    expect(await field.inputValue()).toBe(url);
    const failed = accounts.signIn('flightctl').getByTestId('sign-in-check-failed');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => accounts.alert('flightctl').textContent()).toMatch(/Cannot reach the server/);
    expect(await field.inputValue()).toBe(url);
    // Back: to the server form as typed, focused to correct it; the error goes.
    await failed.getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => accounts.alert('flightctl').count()).toBe(0);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(url);
    await field.fill(ui.sim!.url);
    await accounts.signIn('flightctl').getByRole('button', { name: 'Continue' }).click();
    await accounts.signIn('flightctl').getByRole('tab', { name: 'Paste a token' }).waitFor();
  });

  it('not set up: plain words and actions, and importing flightctl\'s login is an option of the form, not a lone tab', async () => {
    const { page, accounts } = await open();
    await expect.poll(() => accounts.summary('flightctl').textContent()).toBe('Not set up yet: sign in to your Flight Control server, or import the flightctl command line tool’s login');
    expect(await accounts.card('flightctl').textContent()).not.toMatch(/API_BASE_URL|REFRESH_TOKEN|`/);
    expect(await accounts.signIn('flightctl').getByRole('tab').count()).toBe(0);
    const toggle = accounts.secondaryToggle('flightctl', 'Import flightctl\u2019s login');
    expect(await toggle.textContent()).toBe('Or import flightctl\u2019s login');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    const form = await accounts.method('flightctl', 'Import flightctl\u2019s login');
    await expect.poll(() => form.textContent()).toMatch(/No flightctl client\.yaml was found/);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // The Overview's card says the same and leads here.
    const overview = await new OverviewPage(page).goto();
    await overview.provider('flightctl').getByRole('link', { name: 'Sign in to Flight Control' }).click();
    await accounts.signIn('flightctl').waitFor();
  });

  it('token: a bad one is refused; a good one signs in; organizations can be switched; the overview follows; sign out', async () => {
    const { ui, page, accounts } = await open({ orgs: ORGS, organizationsEnabled: true });
    const sim = ui.sim!;
    await accounts.connect('flightctl', sim.url);
    const form = await accounts.method('flightctl', 'Paste a token');
    await form.getByLabel('Token').fill('not-a-valid-token');
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await expect.poll(() => accounts.alert('flightctl').textContent()).toMatch(/Not accepted.*nothing was saved/);
    expect(await page.content()).not.toContain('not-a-valid-token');
    expect(await ui.t.secrets.get(ACCOUNTS.session)).toBeNull();

    const { idToken } = await sim.mintSession();
    await form.getByLabel('Token').fill(idToken);
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await expect.poll(() => accounts.summary('flightctl').textContent()).toMatch(new RegExp(`signed in .*to ${sim.url.replace(/[.]/g, '\\.')}`));
    await expect.poll(() => accounts.card('flightctl').textContent()).toContain(`Organization${ORGS[0]!.id}`);

    const picker = accounts.card('flightctl').getByLabel('Organization');
    await picker.selectOption(ORGS[1]!.id);
    await accounts.card('flightctl').getByRole('button', { name: 'Use this organization' }).click();
    await expect.poll(() => accounts.card('flightctl').textContent()).toContain(`Organization${ORGS[1]!.id}`);
    expect(JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(ui.t.host.settings.path, 'utf8'))).flightctl.organization).toBe(ORGS[1]!.id);

    const overview = await new OverviewPage(page).goto();
    await expect.poll(() => overview.provider('flightctl').getByText('Ready').count()).toBe(1);

    await accounts.goto();
    await accounts.signOut('flightctl');
    await expect.poll(() => accounts.summary('flightctl').textContent()).toMatch(/not signed in|not set up/);
    expect(await ui.t.secrets.get(ACCOUNTS.session)).toBeNull();
  });

  it('browser: the identity provider opens, the person signs in there, the window follows; Cancel while waiting saves nothing', async () => {
    const { ui, page, accounts } = await open();
    const sim = ui.sim!;
    await accounts.connect('flightctl', sim.url);
    let form = await accounts.method('flightctl', 'Sign in with the browser');

    // First the person gives up: Cancel closes the callback listener.
    ui.onBrowser(() => undefined);
    const port = await freePort();
    await form.getByLabel(/Callback port/).fill(String(port));
    await form.getByRole('button', { name: 'Sign in with browser' }).click();
    await expect.poll(() => accounts.progress('flightctl').getByTestId('sign-in-url').getAttribute('href')).toMatch(new RegExp(`^${sim.idp.issuer}`));
    await accounts.progress('flightctl').getByRole('button', { name: 'Cancel sign-in' }).click();
    await expect.poll(() => accounts.card('flightctl').getByRole('status').filter({ hasText: 'Cancelled' }).count()).toBe(1);
    expect(await ui.t.secrets.get(ACCOUNTS.session)).toBeNull();

    // Then for real: the identity provider's login and consent pages in another tab.
    ui.onBrowser((url) => {
      void (async () => {
        const idp = await page.context().newPage();
        await idp.goto(url);
        await idp.fill('input[name=username]', 'ana');
        await idp.fill('input[name=password]', USER_PASSWORD);
        await idp.click('button:has-text("Sign in")');
        await idp.waitForSelector('h1:has-text("Allow access")');
        await idp.click('button:has-text("Allow")');
        await idp.waitForURL(/\/callback\?/);
        await idp.close();
      })();
    });
    form = await accounts.method('flightctl', 'Sign in with the browser');
    await form.getByLabel(/Callback port/).fill(String(await freePort()));
    await form.getByRole('button', { name: 'Sign in with browser' }).click();
    await expect.poll(() => accounts.summary('flightctl').textContent(), { timeout: 30_000 }).toMatch(/signed in as sim-user/);
    expect((await readSession(ui.t.secrets))?.apiUrl).toBe(sim.url);
  });

  it('imports flightctl\u2019s client.yaml, showing the file it found', async () => {
    const ui = await startUi({});
    suite.defer(() => ui.stop());
    const sim = ui.sim!;
    const session = await sim.mintSession();
    const dir = join(ui.home, '.config', 'flightctl');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'client.yaml'),
      toYaml({
        service: { server: sim.url },
        authentication: {
          'access-token': session.accessToken,
          'access-token-expiry': new Date(Date.now() + 3_600_000).toISOString(),
          'refresh-token': session.refreshToken,
          'id-token': session.idToken,
          'token-to-use': 'id',
          'auth-provider': {
            'auth-provider': {
              apiVersion: 'v1beta1',
              kind: 'AuthProvider',
              metadata: { name: sim.providerName },
              spec: { providerType: 'oidc', issuer: sim.idp.issuer, clientId: sim.clientId, enabled: true, scopes: ['openid', 'profile', 'email', 'offline_access'] },
            },
          },
        },
      }),
      { mode: 0o600 },
    );
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    const accounts = await new AccountsPage(page).goto();
    // Tarmac already uses flightctl's login as it is; importing makes it Tarmac's own. The window's
    // status look waits out one already under way (started before client.yaml existed), then makes
    // its own (flyctl and the simulator each time). In one full-suite run the card had not changed
    // after the default 15 s (it passes alone): this waits as long as the sign-in above.
    await expect.poll(() => accounts.card('flightctl').textContent(), { timeout: 30_000 }).toMatch(/Sign-in from.*client\.yaml/);
    await accounts.card('flightctl').getByRole('button', { name: 'Sign in with another account' }).click();
    const form = await accounts.method('flightctl', 'Import flightctl\u2019s login');
    await expect.poll(() => form.textContent()).toContain(join(dir, 'client.yaml'));
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => accounts.card('flightctl').textContent()).toContain('Sign-in fromTarmac settings + keychain');
    expect((await readSession(ui.t.secrets))?.apiUrl).toBe(sim.url);
  }, 60_000);

  it('password (a v0.x server), keyboard only: a wrong password is refused, the right one signs in', async () => {
    const { ui, page, accounts } = await open({ auth: 'v0' });
    const sim = ui.sim!;
    // Server URL field, then Enter: no mouse anywhere.
    await accounts.signIn('flightctl').getByLabel('Server URL').focus();
    await page.keyboard.type(sim.url);
    await page.keyboard.press('Enter');
    const tab = accounts.signIn('flightctl').getByRole('tab', { name: 'Username and password' });
    await tab.waitFor();
    await accounts.signIn('flightctl').getByRole('tab').first().focus();
    while ((await page.evaluate(() => document.activeElement?.textContent)) !== 'Username and password') await page.keyboard.press('ArrowRight');
    // The arrow keys move through the tabs faster than a busy machine shows each panel: wait for
    // this one, or the Tabs below land in the token panel and "ana" is sent as a token.
    await accounts.signIn('flightctl').getByRole('form', { name: 'Username and password' }).waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('autocomplete'));
    await page.keyboard.press('Tab'); // panel
    await page.keyboard.press('Tab'); // username
    await expect.poll(focused).toBe('username');
    await page.keyboard.type('ana');
    await page.keyboard.press('Tab');
    await expect.poll(focused).toBe('current-password');
    await page.keyboard.type('nope-wrong');
    await page.keyboard.press('Enter');
    await expect.poll(() => accounts.alert('flightctl').textContent()).toMatch(/did not accept the username or password/);
    expect(await ui.t.secrets.get(ACCOUNTS.session)).toBeNull();

    const form = accounts.signIn('flightctl').getByRole('form', { name: 'Username and password' });
    await form.getByLabel('Password').focus();
    await page.keyboard.type(USER_PASSWORD);
    await page.keyboard.press('Enter');
    await expect.poll(() => accounts.summary('flightctl').textContent()).toMatch(/signed in/);
    expect(await page.content()).not.toContain(USER_PASSWORD);
  });
});
