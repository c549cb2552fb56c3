/**
 * Clients > Access against a real host: a token created in the window (shown once, working at
 * once), listed, revoked through the confirmation and refused by the endpoint at once; a token
 * made by `tarmac token create` in another process showing up (and going) without a reload; and
 * the section and its dialogs accessible (axe), light and dark, at 1280x800 and 800x600.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { e2eSuite, seriousViolations, startUi, type Ui } from './harness.js';
import { AccessPanel } from './pages/ClientsPage.js';

const suite = e2eSuite();

async function open(options: { bypassCSP?: boolean } = {}): Promise<{ ui: Ui; page: Page; access: AccessPanel }> {
  const ui = await startUi({ sim: false });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), options);
  suite.defer(() => context.close());
  const access = await new AccessPanel(page).goto();
  return { ui, page, access };
}

const mcpStatus = async (ui: Ui, token: string) => (await rawRequest(ui.t.url, { headers: mcpHeaders(token), body: INIT_BODY })).status;
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');



/** Nothing sticks out sideways: the page does not scroll horizontally, and no dialog is wider than the window. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.querySelectorAll('.dialog, .access-row')) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 0.5 || r.left < -0.5) out.push(`${el.className} spans ${r.left}..${r.right}`);
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} scrolls ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });

describe('Clients > Access', () => {
  it('creates a token with the keyboard, shows it once, lists it; Revoke asks first and the endpoint refuses it at once', async () => {
    const { ui, page, access } = await open();
    expect(await access.tab().textContent()).toBe('Access (1)');
    expect(await access.row('test').textContent()).toMatch(/test.*Token.*Created.*Last used.*no calls.*Last connected/);
    // Before: a token Tarmac never made is refused.
    expect(await mcpStatus(ui, 'tmc_not-a-token-tarmac-made-aaaaaaaaaaaaaaaaaaaaaaa')).toBe(401);

    await access.createButton().focus();
    await page.keyboard.press('Enter');
    await access.nameField().waitFor();
    // A name that breaks the rule is refused in the form, before the host is asked.
    await page.keyboard.type('Build Agent');
    await page.keyboard.press('Enter');
    expect(await access.dialog().getByText('Not a valid name').textContent()).toBe('Not a valid name: try “build-agent”.');
    expect(await access.nameField().getAttribute('aria-invalid')).toBe('true');
    expect((await ui.t.host.clients.list()).map((c) => c.name)).toEqual(['test']);
    // A name that is taken too.
    await access.nameField().fill('test');
    await page.keyboard.press('Enter');
    expect(await access.dialog().textContent()).toContain('A client named “test” exists already');

    await access.nameField().fill('build-agent');
    await page.keyboard.press('Enter');
    const tokenField = access.tokenField('build-agent');
    await tokenField.waitFor();
    const token = await tokenField.inputValue();
    expect(token).toMatch(/^tmc_[A-Za-z0-9_-]{43}$/);
    // Focus is on the token (selected for copying), with a copy button and a warning next to it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Token for build-agent');
    expect(await access.dialog().getByRole('button', { name: 'Copy the token for build-agent' }).isVisible()).toBe(true);
    expect(await access.dialog().textContent()).toContain('Tarmac will not show it again');
    expect(await access.dialog().textContent()).toContain(ui.t.url);
    // After: the endpoint takes it.
    expect(await mcpStatus(ui, token)).toBe(200);

    await page.keyboard.press('Escape');
    await access.dialog().waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('create-token');
    await access.row('build-agent').waitFor();
    expect(await access.tab().textContent()).toBe('Access (2)');
    expect(await access.row('build-agent').textContent()).toMatch(/build-agent.*Token.*Created.*(now|second)/);
    // The token is not on the page any more (only the dialog ever showed it).
    expect(await page.content()).not.toContain(token);

    // Keep it: nothing happens.
    await access.revokeButton('build-agent').click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    expect(await confirm.getByRole('heading').textContent()).toBe('Revoke build-agent?');
    expect(await confirm.textContent()).toMatch(/build-agent's token stops working.*every config entry that uses it.*refused.*closes its open sessions at once/);
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await focusedText(page)).toBe('Revoke');
    expect(await mcpStatus(ui, token)).toBe(200);

    // Revoke, with the keyboard: Tab to the red button, Enter.
    await page.keyboard.press('Enter');
    await confirm.waitFor();
    for (let i = 0; i < 6 && (await focusedText(page)) !== 'Revoke build-agent'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    await access.row('build-agent').waitFor({ state: 'detached' });
    expect(await page.getByRole('status').filter({ hasText: 'Revoked build-agent' }).isVisible()).toBe(true);
    // Focus lands on the section, not on the button that went away.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('access-title');
    expect(await mcpStatus(ui, token)).toBe(401);
    expect(await ui.t.host.tokens.get('build-agent')).toBeNull();
  });

  it('shows a token made by `tarmac token create` in another process, and drops it when `tarmac token revoke` runs', async () => {
    const { ui, access } = await open();
    const env = { TARMAC_KEYCHAIN_SERVICE: ui.t.secrets.service };
    const created = await runCliProcess(['token', 'create', 'from-cli', '--data-dir', ui.t.dataDir], { env });
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    // The running host notices tokens.json changed (at the latest on its 5-second watch) and pushes the list.
    await access.row('from-cli').waitFor({ timeout: 15_000 });
    expect(await access.row('from-cli').textContent()).toContain('Token');
    expect(await mcpStatus(ui, token)).toBe(200);
    await expect.poll(() => access.row('from-cli').getByTestId('last-connected').textContent()).toMatch(/now|second/);

    const revoked = await runCliProcess(['token', 'revoke', 'from-cli', '--data-dir', ui.t.dataDir], { env });
    expect(revoked.code, revoked.stderr).toBe(0);
    await access.row('from-cli').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await mcpStatus(ui, token)).toBe(401);
  });

  it('the section and its dialogs have no serious axe violations, light or dark, and fit 1280x800 and 800x600', async () => {
    const { ui, page, access } = await open({ bypassCSP: true });
    // A long name and an OAuth client, so wrapping and both kinds are on the page.
    const long = `a-very-long-client-name-${'x'.repeat(40)}`;
    await ui.t.host.clients.createToken(long);
    await ui.t.host.oauth.saveClient('client-1', { client_name: 'Editor', redirect_uris: ['http://127.0.0.1:9/cb'] });
    await ui.t.host.oauth.approve('client-1', 'Editor', () => false);
    // What the serving host's 5-second watch does.
    await Promise.all([ui.t.host.tokens.refresh(), ui.t.host.oauth.refresh()]);
    await access.row('editor').waitFor({ timeout: 15_000 });
    await access.row(long).waitFor();
    expect(await access.row('editor').textContent()).toContain('OAuth');

    const found: string[] = [];
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        const at = `${width}x${height} ${scheme}`;
        await page.emulateMedia({ colorScheme: scheme });
        for (const v of await seriousViolations(page)) found.push(`Access (${at}): ${v}`);
        for (const o of await overflow(page)) found.push(`Access (${at}) overflows: ${o}`);

        await access.createButton().click();
        await access.nameField().waitFor();
        await access.nameField().fill('Not Valid');
        await page.keyboard.press('Enter');
        for (const v of await seriousViolations(page)) found.push(`Create dialog (${at}): ${v}`);
        await access.nameField().fill(`shown-${width}-${scheme}`);
        await page.keyboard.press('Enter');
        await access.tokenField(`shown-${width}-${scheme}`).waitFor();
        for (const v of await seriousViolations(page)) found.push(`Token dialog (${at}): ${v}`);
        for (const o of await overflow(page)) found.push(`Token dialog (${at}) overflows: ${o}`);
        await access.dialog().getByRole('button', { name: 'Done' }).click();
        await access.dialog().waitFor({ state: 'detached' });

        await access.revokeButton(long).click();
        await page.getByRole('alertdialog').waitFor();
        for (const v of await seriousViolations(page)) found.push(`Revoke dialog (${at}): ${v}`);
        for (const o of await overflow(page)) found.push(`Revoke dialog (${at}) overflows: ${o}`);
        await page.keyboard.press('Escape');
        await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      }
    }
    expect(found).toEqual([]);
  });
});
