/**
 * Every page and the dialogs that open on them, in light and dark, at 800x600 and 1280x800:
 * axe finds nothing serious or critical, and at 800 px nothing overflows sideways (the
 * document, the main region, an open dialog). At 800 px the sidebar is a rail of icons whose
 * links keep their names, and its toggle opens the labels by keyboard.
 * TARMAC_SHOTS=<folder> also saves a screenshot of each view there.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testTools } from '../fixtures/test-tools.js';
import { e2eSuite, seriousViolations, startUi } from './harness.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { AccessPanel, ClientsPage } from './pages/ClientsPage.js';
import { AppShell } from './pages/AppShell.js';
import { SettingsPage } from './pages/SettingsPage.js';

const suite = e2eSuite();
const SHOTS = process.env.TARMAC_SHOTS;
const PAGES = ['Overview', 'Activity', 'Tools', 'Clients', 'Accounts', 'Settings'] as const;
type PageName = (typeof PAGES)[number];

/** What overflows sideways now: the document, the main region, an open dialog. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    const main = document.getElementById('main')!;
    if (main.scrollWidth > main.clientWidth) out.push(`main ${main.scrollWidth} > ${main.clientWidth}`);
    for (const d of document.querySelectorAll<HTMLElement>('[role="dialog"], [role="alertdialog"]')) {
      const r = d.getBoundingClientRect();
      if (r.left < 0 || r.right > window.innerWidth || d.scrollWidth > d.clientWidth) out.push(`dialog ${d.getAttribute('aria-labelledby') ?? ''} ${Math.round(r.left)}..${Math.round(r.right)} / ${window.innerWidth}`);
    }
    return out;
  });
}

/** Waits for what each page shows once loaded. */
async function ready(page: Page, name: PageName): Promise<void> {
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  if (name === 'Overview') await page.getByTestId('endpoint-url').waitFor();
  if (name === 'Activity') await new ActivityPage(page).rows().first().waitFor();
  if (name === 'Tools') await page.getByRole('table').first().waitFor();
  if (name === 'Clients') await page.getByTestId('client-cursor').waitFor();
  if (name === 'Accounts') await page.getByTestId('sign-in-flightctl').getByLabel('Server URL').waitFor();
  if (name === 'Settings') await new SettingsPage(page).port().waitFor();
  await page.waitForLoadState('networkidle');
}

/** The dialogs a person can open on a page: opens each, hands it to `check`, closes it. */
async function dialogs(page: Page, name: PageName, check: (label: string) => Promise<void>): Promise<void> {
  if (name === 'Activity') {
    await new ActivityPage(page).rows().first().click();
    await page.getByRole('dialog').waitFor();
    await check('call details');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }
  if (name === 'Clients') {
    const clients = new ClientsPage(page);
    await clients.button('cursor', 'Register').click();
    await clients.dialog().locator('.diff').waitFor();
    await check('change');
    await page.keyboard.press('Escape');
    await clients.dialog().waitFor({ state: 'detached' });
    const access = new AccessPanel(page);
    await access.tab().click();
    await access.heading().waitFor();
    await check('access tab');
    await access.createButton().click();
    await access.nameField().waitFor();
    await check('create token');
    await page.keyboard.press('Escape');
    await access.dialog().waitFor({ state: 'detached' });
    await access.revokeButton('zed').click();
    await access.dialog().waitFor();
    await check('revoke');
    await page.keyboard.press('Escape');
    await access.dialog().waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'AI apps' }).click();
  }
}

describe('every page, narrow and wide, light and dark', () => {
  it('is axe-clean and nothing overflows sideways at 800 px; the sidebar rail keeps names and opens by keyboard', async () => {
    const ui = await startUi({ tools: testTools() });
    suite.defer(() => ui.stop());
    await mkdir(join(ui.home, '.cursor'), { recursive: true });
    await ui.t.host.clients.createToken('zed');
    const client = await ui.t.connect('claude-code');
    for (const text of ['one', 'two']) await client.callTool({ name: 'echo', arguments: { text } });
    const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
    suite.defer(() => context.close());
    const shell = new AppShell(page);
    if (SHOTS) await mkdir(SHOTS, { recursive: true });

    const found: string[] = [];
    for (const [width, height] of [[800, 600], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const name of PAGES) {
          await shell.go(name);
          await ready(page, name);
          const at = `${name} ${width}x${height} ${scheme}`;
          const look = async (what: string) => {
            for (const v of await seriousViolations(page)) found.push(`${at} ${what}: ${v}`);
            if (width === 800) for (const o of await overflow(page)) found.push(`${at} ${what}: overflows: ${o}`);
            if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${what.replace(/\W+/g, '-')}-${width}-${scheme}.png`.toLowerCase()) });
          };
          await look('page');
          await dialogs(page, name, (label) => look(label));
        }
      }
    }
    expect(found).toEqual([]);

    // At 800 px: a rail of icons, each link still named; the toggle opens the labels and Escape closes them.
    await page.setViewportSize({ width: 800, height: 600 });
    expect(await shell.navToggle().isVisible()).toBe(true);
    expect(await shell.navToggle().getAttribute('aria-expanded')).toBe('false');
    const label = shell.nav().getByText('Activity', { exact: true });
    expect(await label.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
    for (const name of PAGES) expect(await shell.nav().getByRole('link', { name }).isVisible()).toBe(true);
    await shell.navToggle().focus();
    await page.keyboard.press('Enter');
    expect(await shell.navToggle().getAttribute('aria-expanded')).toBe('true');
    expect(await label.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(20);
    // The page stays where it was, under the open menu.
    expect(await page.locator('#main').evaluate((el) => el.getBoundingClientRect().left)).toBeGreaterThanOrEqual(60);
    expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await shell.navToggle().getAttribute('aria-expanded')).toBe('false');
    // Wide, the labels show and there is nothing to toggle.
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await shell.navToggle().isVisible()).toBe(false);
    expect(await label.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(20);
  }, 300_000);
});
