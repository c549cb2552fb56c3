import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, startUi, violationsEverywhere, violationsInBothThemes, type Ui } from './harness.js';
import { ClientsPage } from './pages/ClientsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SettingsPage } from './pages/SettingsPage.js';

/** Issue 22, item 7: Settings says what a field accepts, what went wrong, and what a port move breaks. */
const suite = e2eSuite();

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('the Settings form', () => {
  it('a bad port or limit says next to the field what is allowed; a bad flyctl says what is wrong in its title', async () => {
    const { ui, page } = await open();
    const settings = await new SettingsPage(page).goto();
    expect(await settings.fieldError(settings.port())).toBeNull();

    await settings.port().fill('70000');
    expect(await settings.fieldError(settings.port())).toBe('70,000 is too large: enter a whole number from 1 to 65,535.');
    expect(await settings.port().getAttribute('aria-invalid')).toBe('true');
    expect(await settings.moveButton().isDisabled()).toBe(true);
    await settings.port().fill('80a');
    expect(await settings.fieldError(settings.port())).toBe('“80a” is not a whole number: enter a whole number from 1 to 65,535.');
    await settings.port().fill('');
    expect(await settings.fieldError(settings.port())).toBe('Enter a whole number from 1 to 65,535.');

    const calls = page.getByLabel('Keep at most (calls)');
    const days = page.getByLabel('For at most (days)');
    await calls.fill('50');
    await days.fill('0');
    expect(await settings.fieldError(calls)).toBe('50 is too small: enter a whole number from 100 to 10,000,000.');
    expect(await settings.fieldError(days)).toBe('0 is too small: enter a whole number from 1 to 3,650.');
    expect(await violationsEverywhere(page, 'settings-errors', undefined, { fullPage: true })).toEqual([]);
    // Group separators are fine.
    await calls.fill('25,000');
    await days.fill('30');
    expect(await settings.fieldError(calls)).toBeNull();
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(async () => (await ui.t.host.settings.read()).activity).toEqual({ maxCalls: 25_000, maxDays: 30 });

    await settings.flyctlPath().fill('bin/flyctl');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Tarmac cannot use this program as flyctl"bin\/flyctl" is not a full path/);
    expect(await alert.textContent()).not.toMatch(/Check the form/);
  });

  it('after a port move, it lists the registered clients that now need repair and links to them', async () => {
    const { ui, page } = await open();
    await mkdir(join(ui.home, '.cursor'), { recursive: true });
    expect(await ui.mode.api.call('changeClients', ['register', { clients: ['cursor'] }])).toMatchObject({ ok: true });
    const settings = await new SettingsPage(page).goto();
    await settings.movePort(await freePort());
    await settings.clientsToRepair().waitFor();
    expect(await settings.clientsToRepair().textContent()).toMatch(/This client still points at the old port.*Cursor.*Repair it on the Clients page/);
    expect(await violationsInBothThemes(page, 'settings-port-moved', page.locator('.card').first())).toEqual([]);
    await settings.clientsToRepair().getByRole('link', { name: 'Repair it on the Clients page' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    const clients = new ClientsPage(page);
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Needs repair');
  });
});
