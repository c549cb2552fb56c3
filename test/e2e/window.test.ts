import { createServer, type Server } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, seriousViolations, startUi, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SettingsPage } from './pages/SettingsPage.js';

/** Every page accessible (axe, light and dark) and the Settings page doing what it says. */
const suite = e2eSuite();




async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi();
  suite.defer(() => ui.stop());
  // axe is injected as a script: only this test's context lets it past the page's CSP.
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

describe('the window', () => {
  it('has no serious or critical axe violations on any page, light or dark', async () => {
    const { page } = await open();
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of ['Overview', 'Activity', 'Tools', 'Clients', 'Accounts', 'Settings']) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
        await page.getByRole('heading', { name, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        if (name === 'Accounts') await page.getByRole('tab').first().waitFor();
        if (name === 'Tools') await page.getByRole('table').first().waitFor();
        if (name === 'Clients') await page.getByTestId('client-cursor').waitFor();
        for (const v of await seriousViolations(page)) found.push(`${name} (${scheme}): ${v}`);
        if (name === 'Clients') {
          // The change dialog with its diff, too.
          await page.getByTestId('client-cursor').getByRole('button', { name: 'Register', exact: true }).click();
          await page.getByRole('dialog').locator('.diff').waitFor();
          for (const v of await seriousViolations(page)) found.push(`Clients dialog (${scheme}): ${v}`);
          await page.keyboard.press('Escape');
          await page.getByRole('dialog').waitFor({ state: 'detached' });
        }
      }
    }
    expect(found).toEqual([]);
    // The check itself can fail: an unlabelled field is reported.
    await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<input type="text">'));
    expect((await seriousViolations(page)).join('\n')).toMatch(/^label:/m);
  });

  it('Settings: a busy port is a clear error and the endpoint keeps serving on the old one; a free port moves it', async () => {
    const { ui, page } = await open();
    const before = ui.t.host.endpoint!.url;
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    suite.defer(() => new Promise((resolve) => busy.close(resolve)));
    const busyPort = (busy.address() as { port: number }).port;

    const settings = await new SettingsPage(page).goto();
    await settings.movePort(busyPort);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Port in use.*already in use/);
    expect(ui.t.host.endpoint!.url).toBe(before);
    // Still answering there (401: this request has no token).
    expect((await fetch(before, { method: 'POST' })).status).toBe(401);

    const free = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    await settings.movePort(free);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'now listens on port' }).textContent()).toContain(String(free));
    expect(ui.t.host.endpoint!.port).toBe(free);
    expect((await ui.t.host.settings.read()).port).toBe(free);
    // The old port is closed; the overview shows the new URL without a reload.
    await expect(fetch(before, { method: 'POST' })).rejects.toThrow();
    const overview = await new OverviewPage(page).goto();
    await expect.poll(() => overview.endpointUrl().textContent()).toBe(`http://127.0.0.1:${free}/mcp`);
  });

  it('Settings: the theme applies at once and is kept', async () => {
    const { ui, page } = await open();
    const settings = await new SettingsPage(page).goto();
    await settings.theme('Dark').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect((await ui.t.host.settings.read()).theme).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(14, 16, 21)');
    await settings.theme('System').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? 'system')).toBe('system');

    // The history's limits: checked in the form, saved in settings.
    await page.getByLabel('Keep at most (calls)').fill('50');
    expect(await page.getByRole('button', { name: 'Save limits' }).isDisabled()).toBe(true);
    await page.getByLabel('Keep at most (calls)').fill('250000');
    await page.getByLabel('For at most (days)').fill('30');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(async () => (await ui.t.host.settings.read()).activity).toEqual({ maxCalls: 250_000, maxDays: 30 });
  });
});
