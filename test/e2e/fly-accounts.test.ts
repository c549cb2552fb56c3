import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';

/**
 * The Fly.io account in suite.browser() mode: a real host, the fake flyctl, Debian's Chromium. Every
 * change shows on the Overview without a reload (host events), and failures show inline.
 */
const suite = e2eSuite();

async function open(env: NodeJS.ProcessEnv = {}): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, env });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser());
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

describe('Fly.io sign-in in the window', () => {
  it('a pasted token: a bad one is refused inline and nothing is stored; a good one signs in; the overview follows; sign out', async () => {
    const { ui, page } = await open();
    const overview = new OverviewPage(page);
    await expect.poll(() => overview.summary('fly').textContent()).toMatch(/not signed in/);
    await overview.provider('fly').getByRole('link', { name: 'Sign in to Fly.io' }).click();

    const accounts = new AccountsPage(page);
    const form = await accounts.method('fly', 'Paste a token');
    await form.getByLabel('Fly.io token').fill('invalid-token-0000');
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await expect.poll(() => accounts.alert('fly').textContent()).toMatch(/Not accepted.*Fly\.io did not accept the token/);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
    // The secret left the form; it is never shown back.
    expect(await form.getByLabel('Fly.io token').inputValue()).toBe('');
    expect(await page.content()).not.toContain('invalid-token-0000');

    await form.getByLabel('Fly.io token').fill('FlyV1 fm2_good-token-1234');
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await expect.poll(() => accounts.summary('fly').textContent()).toMatch(/signed in as alice@example\.com \(token in the keychain\)/);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe('FlyV1 fm2_good-token-1234');
    await expect.poll(() => accounts.card('fly').textContent()).toMatch(/Token fromkeychain/);
    // The account's organizations, as flyctl lists them.
    await expect.poll(() => accounts.organizations('fly').locator('li').allTextContents()).toEqual(['Acme Corp acme-corp', 'Alice Example personal']);

    await overview.goto();
    await expect.poll(() => overview.summary('fly').textContent()).toMatch(/signed in as alice@example\.com/);
    expect(await overview.provider('fly').getByText('Ready').count()).toBe(1);

    await accounts.goto();
    await accounts.signOut('fly');
    await expect.poll(() => accounts.summary('fly').textContent()).toMatch(/not signed in/);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
  });

  it('suite.browser() sign-in shows progress and the URL flyctl opened, and Cancel stops it with nothing saved', async () => {
    const { ui, page } = await open({ FAKE_FLYCTL_LOGIN_WAIT_MS: '60000' });
    const accounts = await new AccountsPage(page).goto();
    const form = await accounts.method('fly', 'Sign in with the browser');
    await form.getByRole('button', { name: 'Sign in with browser' }).click();
    await accounts.progress('fly').waitFor();
    await expect.poll(() => accounts.progress('fly').getByTestId('sign-in-url').textContent()).toBe('https://fly.io/app/auth/cli/0123456789abcdef');
    await accounts.progress('fly').getByRole('button', { name: 'Cancel sign-in' }).click();
    await expect.poll(() => accounts.card('fly').getByRole('status').filter({ hasText: 'Cancelled' }).textContent()).toMatch(/Cancelled.*nothing was saved/);
    expect(await accounts.progress('fly').count()).toBe(0);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
  });

  it('suite.browser() sign-in that the person finishes: the token flyctl saved lands in the keychain', async () => {
    const { ui, page } = await open({ FAKE_FLYCTL_LOGIN_WAIT_MS: '300' });
    const accounts = await new AccountsPage(page).goto();
    const form = await accounts.method('fly', 'Sign in with the browser');
    await form.getByRole('button', { name: 'Sign in with browser' }).click();
    await expect.poll(() => accounts.summary('fly').textContent(), { timeout: 15_000 }).toMatch(/signed in as alice@example\.com/);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe('FlyV1 fm2_fake-browser-login-token');
  });

  it('keyboard only: the token form is reached, filled and sent without a mouse', async () => {
    const { ui, page } = await open();
    const accounts = await new AccountsPage(page).goto();
    await accounts.signIn('fly').getByRole('tab').first().waitFor();
    // Into the tab list, over to "Paste a token", into its panel, to the field.
    await accounts.signIn('fly').getByRole('tab', { name: 'Sign in with the browser' }).focus();
    await page.keyboard.press('ArrowRight');
    await accounts.signIn('fly').getByRole('form', { name: 'Paste a token' }).waitFor();
    await page.keyboard.press('Tab'); // the tab panel
    await page.keyboard.press('Tab'); // the token field
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
    await page.keyboard.type('FlyV1 fm2_keyboard-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => accounts.summary('fly').textContent()).toMatch(/signed in as alice@example\.com/);
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe('FlyV1 fm2_keyboard-token');
  });

  it('a client connecting shows on the overview as it happens', async () => {
    const { ui, page } = await open();
    const overview = new OverviewPage(page);
    expect(await overview.noClients().count()).toBe(1);
    const client = await ui.t.connect('cursor');
    await expect.poll(() => overview.clients().textContent()).toMatch(/cursor\s*Active now.*1 session/);
    await client.close();
  });

  it('flyctl missing: the overview says how to install it; setting its path in Settings makes Fly.io usable at once', async () => {
    // Only node's own folder on PATH: the fake flyctl still runs once named, but nothing finds it.
    const ui = await startUi({ sim: false, env: { PATH: dirname(process.execPath) }, settings: { flyctlPath: '/nonexistent/flyctl' } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    const overview = new OverviewPage(page);
    await expect.poll(() => overview.summary('fly').textContent()).toBe('flyctl not found');
    expect(await overview.provider('fly').getByRole('link', { name: 'Install flyctl' }).getAttribute('href')).toBe('https://fly.io/docs/flyctl/install/');
    await overview.provider('fly').getByRole('link', { name: /Set flyctl.s path/ }).click();

    const settings = new SettingsPage(page);
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('flyctl');
    await settings.flyctlPath().fill('relative/flyctl');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not a full path/);
    await settings.flyctlPath().fill(FAKE_FLYCTL);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await overview.goto();
    await expect.poll(() => overview.summary('fly').textContent()).toMatch(/flyctl v0\.4\.87 found, not signed in/);
  });
});
