import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ApprovalDialog, ToolsPage } from './pages/ToolsPage.js';

/** Approvals in the window and the Tools page, against a real host and a real SDK client. */
const suite = e2eSuite();

const ran: string[] = [];
const demolish = defineTool({
  name: 'demo-demolish',
  provider: 'demo',
  title: 'Demolish hangar',
  description: 'Demolishes a hangar and everything in it. Cannot be undone.',
  class: 'destructive',
  input: { hangar: z.string(), token: z.string().optional() },
  secretArgs: ['token'],
  run: async ({ hangar }) => (ran.push(hangar), { text: `demolished ${hangar}` }),
});
const inspect = defineTool({ name: 'demo-inspect', provider: 'demo', title: 'Inspect hangar', description: 'Reads a hangar.', class: 'read', input: {}, run: async () => ({ text: 'hangar ok' }) });

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, tools: [demolish, inspect], settings: { policies: {} } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser());
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? '';

describe('guardrails in the window', () => {
  it('the approval dialog appears while a call waits (secrets masked); Allow once runs it, Deny refuses it', async () => {
    const { ui, page } = await open();
    const client = await ui.t.connect('cursor');
    const dialog = new ApprovalDialog(page);

    const first = client.callTool({ name: 'demo-demolish', arguments: { hangar: 'H1', token: 'hunter2-secret' } });
    await expect.poll(() => ui.t.host.guardrails.approvals.size).toBe(1);
    await dialog.dialog().waitFor();
    await expect.poll(() => dialog.dialog().textContent()).toMatch(/cursor wants to run Demolish hangar/);
    const shown = (await dialog.dialog().textContent()) ?? '';
    expect(shown).toMatch(/Demolishes a hangar and everything in it\./);
    expect(shown).toMatch(/"hangar": "H1"/);
    expect(shown).not.toMatch(/hunter2-secret/);
    expect(ran).toEqual([]);
    await dialog.button('Allow once').click();
    expect(text(await first)).toBe('demolished H1');
    await dialog.dialog().waitFor({ state: 'detached' });

    const second = client.callTool({ name: 'demo-demolish', arguments: { hangar: 'H2' } });
    await dialog.dialog().waitFor();
    // Set TARMAC_SCREENSHOT_DIR to keep pictures of the dialog (light and dark).
    const shots = process.env.TARMAC_SCREENSHOT_DIR;
    if (shots) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: `${shots}/approval-destructive-${scheme}.png` });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    // A destructive call starts on Deny: Enter alone refuses it.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Deny');
    expect(await dialog.dialog().textContent()).toMatch(/may not be undone\. Deny is selected/);
    await page.keyboard.press('Enter');
    const refused = await second;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/declined/);
    expect(ran).toEqual(['H1']);
  });

  it('the Tools page changes a policy and the next call follows it; pause on the Overview refuses calls', async () => {
    const { ui, page } = await open();
    const client = await ui.t.connect('cursor');
    expect(text(await client.callTool({ name: 'demo-inspect', arguments: {} }))).toBe('hangar ok');

    const tools = await new ToolsPage(page).goto();
    await expect.poll(() => tools.row('demo-inspect').textContent()).toMatch(/default for read tools/);
    await tools.policy('demo-inspect').selectOption('deny');
    await expect.poll(() => tools.row('demo-inspect').textContent()).toMatch(/tool rule demo-inspect/);
    const denied = await client.callTool({ name: 'demo-inspect', arguments: {} });
    expect(text(denied)).toMatch(/policy does not allow "demo-inspect"/);

    await tools.search().fill('demolish');
    await expect.poll(() => tools.row('demo-inspect').count()).toBe(0);
    await tools.search().fill('');

    await tools.policy('demo-inspect').selectOption('');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('switch', { name: 'Pause Tarmac' }).click();
    await expect.poll(async () => text(await client.callTool({ name: 'demo-inspect', arguments: {} }))).toMatch(/Tarmac is paused/);
    await page.getByRole('switch', { name: 'Pause Tarmac' }).click();
    await expect.poll(async () => text(await client.callTool({ name: 'demo-inspect', arguments: {} }))).toBe('hangar ok');
  });

  it('a call can never run when the policy cannot be read (fail closed), and the window says the settings file is broken', async () => {
    const { ui } = await open();
    const client = await ui.t.connect('cursor');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(ui.t.host.settings.path, '{ "paused": ');
    const r = await client.callTool({ name: 'demo-inspect', arguments: {} });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/could not read its policy/);
    expect(await ui.mode.api.call('getGuardrails', [])).toMatchObject({ ok: false, error: { code: 'settings-corrupt' } });
  });
});
