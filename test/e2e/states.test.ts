/**
 * Loading and empty states: while the host has not answered, each page says what it is waiting
 * for (the sidebar stays, also while a page's code loads); with nothing to show, it says why and
 * what to do.
 */
import type { BrowserContext, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { AppShell } from './pages/AppShell.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { ToolsPage } from './pages/ToolsPage.js';

const suite = e2eSuite();

/** Requests matching `pattern` wait until release() is called. */
async function hold(context: BrowserContext, pattern: string | RegExp): Promise<{ release(): void; seen: Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let seenResolve!: () => void;
  const seen = new Promise<void>((r) => (seenResolve = r));
  await context.route(pattern, async (route: Route) => {
    seenResolve();
    await released;
    await route.continue();
  });
  return { release, seen };
}

async function start(pattern: string | RegExp): Promise<{ ui: Ui; page: Page; gate: Awaited<ReturnType<typeof hold>> }> {
  const ui = await startUi({ sim: false });
  suite.defer(() => ui.stop());
  const context = await suite.browser().newContext({ viewport: { width: 800, height: 600 } });
  suite.defer(() => context.close());
  const gate = await hold(context, pattern);
  suite.defer(async () => gate.release());
  const page = await context.newPage();
  await page.goto(ui.mode.url);
  return { ui, page, gate };
}

const status = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

describe('loading and empty states', () => {
  it('Clients: says it is looking while it looks; with no AI client on the computer, says so and what to do', async () => {
    const { page, gate } = await start('**/api/listClients');
    await page.getByTestId('endpoint-url').waitFor();
    await new AppShell(page).go('Clients');
    await gate.seen;
    await status(page, 'Looking for AI clients on this computer…').waitFor();
    expect(await new AppShell(page).nav().isVisible()).toBe(true);
    gate.release();
    const empty = page.getByText('No AI client found on this computer');
    await empty.waitFor();
    expect(await page.getByTestId('client-cursor').isVisible()).toBe(true);
  });

  it('Tools: says it is loading; a search that finds nothing says how to search and clears', async () => {
    const { page, gate } = await start('**/api/getGuardrails');
    await page.getByTestId('endpoint-url').waitFor();
    await new AppShell(page).go('Tools');
    await gate.seen;
    await status(page, 'Loading tools…').waitFor();
    gate.release();
    const tools = new ToolsPage(page);
    await tools.search().fill('zzz-no-such-tool');
    await page.getByText('No tool matches “zzz-no-such-tool”: search by name, title or class').waitFor();
    await page.getByRole('button', { name: 'Clear the search' }).click();
    expect(await tools.search().inputValue()).toBe('');
    await page.getByRole('table').first().waitFor();
  });

  it('Accounts and Settings: say what they wait for', async () => {
    // The event stream waits too: the host pushes its status as an event whenever it changes (a
    // provider's check finishing just after start), which would answer the page before the request.
    const { page, gate } = await start(/\/api\/(getStatus|events)(\?|$)/);
    await new AppShell(page).go('Accounts');
    await gate.seen;
    await status(page, 'Asking Fly.io and Flight Control who is signed in…').waitFor();
    gate.release();
    await page.getByTestId('account-fly').waitFor();

    const settings = await start(/\/api\/(getSettings|events)(\?|$)/);
    await settings.gate.seen;
    await new AppShell(settings.page).go('Settings');
    await status(settings.page, 'Loading settings…').waitFor();
    settings.gate.release();
    await new SettingsPage(settings.page).port().waitFor();
  });

  it('a page whose code is still loading keeps the sidebar and says so', async () => {
    const { page, gate } = await start('**/assets/ActivityPage-*.js');
    await page.getByTestId('endpoint-url').waitFor();
    // Opened straight on the page (a reload there): nothing older to keep showing meanwhile.
    await page.evaluate(() => {
      location.hash = '#/activity';
      location.reload();
    });
    await gate.seen;
    await status(page, 'Opening the page…').waitFor();
    expect(await new AppShell(page).nav().getByRole('link', { name: 'Overview' }).isVisible()).toBe(true);
    gate.release();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  });
});
