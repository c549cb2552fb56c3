import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, seriousViolations, startUi, type Ui } from './harness.js';

/**
 * What the window shows of the trust rules: the banner for changes made outside Tarmac (on every
 * page, confirmed or discarded only here), the warning before a client may approve its own calls,
 * and the standing --trust-terminal banner. Keyboard-driven, axe-checked, light and dark.
 */
const suite = e2eSuite();
const shots = process.env.TARMAC_SCREENSHOT_DIR;

async function open(options: { trustTerminal?: boolean } = {}): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, settings: { policies: {} }, ...(options.trustTerminal ? { hostOptions: { trustTerminal: true } } : {}) });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return { ui, page };
}


async function shoot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(100);
    await page.screenshot({ path: `${shots}/${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('trust in the window', () => {
  it('a loosening edit of settings.json shows a banner on every page; Confirm (after the dialog) brings it into force', async () => {
    const { ui, page } = await open();
    const path = ui.t.host.settings.path;
    const settings = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...settings, policies: { classes: { destructive: 'allow' } } }));
    const banner = page.getByTestId('unconfirmed-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/A change made outside Tarmac waits for you.*not in force until you confirm it.*\d+ tools \(fly-apps-destroy, .*\): ask -> allow/s);
    for (const link of ['Activity', 'Clients', 'Settings']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: link }).waitFor();
      expect(await banner.isVisible()).toBe(true);
    }
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'trust-banner');
    // Keyboard: focus "Review and confirm…", Enter; the dialog says what confirming means.
    await page.getByRole('button', { name: 'Review and confirm…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('confirm-changes-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Only if you made them yourself/);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'trust-confirm-dialog');
    // The safe choice has the focus: Escape or Enter on it keeps things as they are.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.view()).unconfirmed).toHaveLength(1);
    await page.getByRole('button', { name: 'Review and confirm…' }).click();
    await page.getByRole('button', { name: 'Confirm the change' }).click();
    await banner.waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.view()).unconfirmed).toEqual([]);
  });

  it('turning on approvals in the client warns first and names the client; Cancel leaves it off', async () => {
    const { ui, page } = await open();
    await ui.t.tokenFor('cursor');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tools' }).waitFor();
    const toggle = page.getByRole('switch', { name: 'cursor' });
    await toggle.waitFor();
    await toggle.focus();
    await page.keyboard.press('Space');
    const warning = page.getByTestId('client-approvals-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/Let cursor approve its own calls\?.*an agent that answers its own prompts would approve itself.*one call only/s);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'trust-client-approvals-warning');
    await page.getByRole('button', { name: 'Keep approvals in Tarmac' }).click();
    await warning.waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.view()).clientApprovals).toEqual([]);
    await toggle.click();
    await page.getByRole('button', { name: 'Let cursor approve' }).click();
    await warning.waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.view()).clientApprovals).toEqual(['cursor']);
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
  });

  it('--trust-terminal shows a standing warning', async () => {
    const { page } = await open({ trustTerminal: true });
    const text = await page.locator('.guard-banners').textContent();
    expect(text).toMatch(/Trust terminal is on.*any program running as you.*can loosen protection/s);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'trust-terminal-banner');
  });
});

describe('guardrails set by a Tarmac trusting the terminal', () => {
  it('a window of a Tarmac without the flag says so until its person has checked', async () => {
    const { ui, page } = await open();
    await ui.t.secrets.set('guardrails:trusted-write', '2026-12-06T23:00:00.000Z');
    await ui.t.host.guardrails.setReadOnly(true); // any change pushes the view again
    const banner = page.getByTestId('trusted-write-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/started with --trust-terminal set the guardrails.*check the rules on the Tools page/s);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'trust-trusted-write-banner');
    await page.getByRole('button', { name: 'I have checked them' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(await ui.t.secrets.get('guardrails:trusted-write')).toBeNull();
  });
});
