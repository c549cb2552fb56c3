/**
 * Screenshots of every page in light and dark, for looking at (npm run screenshots): first as a
 * new user finds them (signed out), then signed in to both providers with a client connected.
 * In daily use every page is also shot at 1280x800 and 800x600 (the narrowest the window
 * supports), as are Clients > Access and its dialogs.
 * Written to test-results/screenshots (git-ignored); `--docs` also refreshes docs/: the two the
 * README shows (docs/overview.png, docs/accounts.png) and docs/screenshots/ (every page in light
 * and dark at 1280 and 800 px wide, the approval dialog, a call's details, Settings' telemetry).
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { launchChromium, startUi } from './harness.js';

const out = 'test-results/screenshots';
const docs = process.argv.includes('--docs');
await mkdir(out, { recursive: true });
const ui = await startUi({ settings: { policies: {} }, sim: { orgs: [{ id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', displayName: 'Edge fleet (EU)' }, { id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', displayName: 'Lab' }], organizationsEnabled: true } });
const browser = await launchChromium();

const PAGES = [['overview', 'Overview'], ['activity', 'Activity'], ['tools', 'Tools'], ['clients', 'Clients'], ['accounts', 'Accounts'], ['settings', 'Settings']] as const;

/** Every page at the window's sizes, light and dark, for docs/screenshots (not full-page: what a person sees). */
async function shootSizes(page: Page) {
  for (const [width, height] of [
    [1280, 800],
    [800, 600],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, link] of PAGES) {
        await openPage(page, link);
        if (name === 'tools') await page.getByRole('table').first().waitFor();
        if (name === 'clients') await page.getByTestId('client-cursor').waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(150);
        await page.screenshot({ path: join(out, `sized-${name}-${scheme}-${width}.png`) });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1200, height: 860 });
}

/** Open a page from the sidebar; below 1024 px the sidebar is a rail whose links keep their names. */
async function openPage(page: Page, link: string) {
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: link, level: 1 }).waitFor();
}

async function shoot(page: Page, prefix: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, link] of PAGES) {
      await openPage(page, link);
      await page.waitForLoadState('networkidle');
      if (name === 'accounts' && prefix === 'new') await page.getByRole('tab').first().waitFor();
      if (name === 'tools') await page.getByRole('table').first().waitFor();
      if (name === 'activity' && prefix === 'daily') await page.getByTestId('calls-rows').locator('[role=row]').filter({ hasText: 'fly-apps-list' }).first().waitFor();
      if (name === 'clients') await page.getByTestId('client-cursor').waitFor();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `${prefix}-${name}-${scheme}.png`), fullPage: true });
    }
  }
}

/** The Clients page's change dialog: the diff before anything is written. */
async function shootDialog(page: Page, client: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByTestId(`client-${client}`).getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('dialog').locator('.diff').first().waitFor();
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(out, `daily-clients-dialog-${scheme}.png`) });
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }
}

/** Clients > Access, its Create token dialog (with the token shown once) and Revoke's confirmation, at 1280x800 and 800x600. */
async function shootAccess(page: Page) {
  for (const [width, height] of [
    [1280, 800],
    [800, 600],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      const at = `${width}x${height}-${scheme}`;
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
      await page.getByRole('tab', { name: /^Access/ }).click();
      await page.getByTestId('credential-claude-code').waitFor();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `daily-access-${at}.png`) });
      await page.getByRole('button', { name: 'Create token' }).click();
      // The form, with the rule it checks before asking the host.
      await page.getByLabel('Client name').fill('CI Runner');
      await page.keyboard.press('Enter');
      await page.getByText('Not a valid name').waitFor();
      await page.screenshot({ path: join(out, `daily-access-create-${at}.png`) });
      await page.getByLabel('Client name').fill(`ci-${width}-${scheme}`);
      await page.keyboard.press('Enter');
      await page.getByRole('textbox', { name: `Token for ci-${width}-${scheme}` }).waitFor();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `daily-access-token-${at}.png`) });
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.getByTestId('credential-cursor').getByRole('button', { name: 'Revoke cursor' }).click();
      await page.getByRole('alertdialog').waitFor();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `daily-access-revoke-${at}.png`) });
      await page.keyboard.press('Escape');
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      await ui.mode.api.api.revokeCredential(`ci-${width}-${scheme}`);
    }
  }
  await page.setViewportSize({ width: 1200, height: 860 });
}

try {
  // Some AI clients "installed" in the temporary HOME, with files of their own.
  for (const dir of ['.cursor', '.gemini', '.codex', '.claude']) await mkdir(join(ui.home, dir), { recursive: true });
  await writeFile(join(ui.home, '.codex', 'config.toml'), '# Codex settings\nmodel = "gpt-5-codex"\n\n[mcp_servers.docs]\nurl = "https://docs.example.com/mcp"\n');
  const { context, page } = await ui.open(browser);
  await page.getByTestId('endpoint-url').waitFor();
  await shoot(page, 'new');

  // Signed in to both, one client connected: what the window looks like in daily use.
  await ui.mode.api.api.signIn('fly', 'token', { token: 'FlyV1 fm2_screenshot-token' });
  const { idToken } = await ui.sim!.mintSession();
  await ui.mode.api.api.signIn('flightctl', 'token', { apiUrl: ui.sim!.url, token: idToken });
  // Registered: Cursor and Claude Code; stale: Gemini CLI (its entry points at an old port).
  await ui.mode.api.api.changeClients('register', { clients: ['cursor', 'claude-code', 'gemini-cli'] });
  const gemini = join(ui.home, '.gemini', 'settings.json');
  await writeFile(gemini, (await readFile(gemini, 'utf8')).replace(ui.t.url, 'http://127.0.0.1:8276/mcp'));
  // Connected with the tokens registration made (a new token would make their files stale).
  const connectAs = async (id: string) => {
    const c = new Client({ name: id, version: '1.0.0' });
    await c.connect(new StreamableHTTPClientTransport(new URL(ui.t.url), { requestInit: { headers: { Authorization: `Bearer ${await ui.t.host.tokens.get(id)}` } } }));
    return c;
  };
  const client = await connectAs('claude-code');
  const cursor = await connectAs('cursor');
  // A few calls, so Activity has something to show: reads, a failure, another client.
  for (const name of ['fly-apps-list', 'fly-orgs-list', 'query_devices', 'query_fleets', 'fly-apps-list']) await client.callTool({ name, arguments: {} }).catch(() => undefined);
  await client.callTool({ name: 'fly-status', arguments: { app: 'no-such-app' } }).catch(() => undefined);
  await cursor.callTool({ name: 'get_devices_summary', arguments: {} }).catch(() => undefined);
  await cursor.callTool({ name: 'fly-apps-list', arguments: { org: 'personal' } }).catch(() => undefined);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByText('claude-code').waitFor();
  await shoot(page, 'daily');
  await shootSizes(page);

  // A call waiting for a person: the approval dialog, over whatever page is open.
  const waiting = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'shop-staging' } }).catch(() => undefined);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(out, `daily-approval-${scheme}.png`) });
  }
  await page.getByRole('button', { name: 'Deny' }).click();
  await waiting;
  await shootDialog(page, 'codex');
  // Clients > Access with both kinds: an OAuth client, and a token with a long name made by hand.
  await ui.t.host.oauth.saveClient('vscode-client', { client_name: 'Visual Studio Code', redirect_uris: ['http://127.0.0.1:33418/callback'] });
  await ui.t.host.oauth.approve('vscode-client', 'Visual Studio Code', (n) => ui.t.host.clients.hasStaticName(n));
  await ui.t.host.clients.createToken('nightly-deploy-agent-for-the-edge-fleet-staging-environment');
  await Promise.all([ui.t.host.tokens.refresh(), ui.t.host.oauth.refresh()]);
  await shootAccess(page);
  // The charts and one call's details, in both schemes.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('tab', { name: 'Charts' }).click();
    await page.getByRole('heading', { name: 'Calls per minute' }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `daily-charts-${scheme}.png`), fullPage: true });
    await page.getByRole('tab', { name: 'Calls' }).click();
    await page.getByTestId('calls-rows').locator('[role=row]').filter({ hasText: 'fly-status' }).first().click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: join(out, `daily-call-${scheme}.png`) });
    await page.keyboard.press('Escape');
  }
  await client.close();
  await cursor.close();
  await context.close();
  if (docs) {
    await mkdir('docs/screenshots', { recursive: true });
    await copyFile(join(out, 'daily-overview-light.png'), 'docs/overview.png');
    await copyFile(join(out, 'new-accounts-light.png'), 'docs/accounts.png');
    for (const file of await readdir(out)) {
      if (/^sized-|^daily-(approval|call|charts|clients-dialog)-|^daily-access(-[a-z]+)?-800x600-|^new-(overview|accounts)-/.test(file)) await copyFile(join(out, file), join('docs/screenshots', file.replace(/^sized-/, '')));
    }
  }
  console.log(`screenshots in ${out}${docs ? ' (and docs/)' : ''}`);
} finally {
  await browser.close();
  await ui.stop();
}
