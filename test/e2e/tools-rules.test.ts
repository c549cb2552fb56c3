import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { e2eSuite, startUi, violationsInBothThemes, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ApprovalDialog, ToolsPage } from './pages/ToolsPage.js';

/** Issue 22, item 3: rules of single clients are on the Tools page and can go; a reset asks first. */
const suite = e2eSuite();

const paint = defineTool({ name: 'demo-paint', provider: 'demo', title: 'Paint hangar', description: 'Paints a hangar.', class: 'write', input: { colour: z.string() }, run: async ({ colour }) => ({ text: `painted ${colour}` }) });
const inspect = defineTool({ name: 'demo-inspect', provider: 'demo', title: 'Inspect hangar', description: 'Reads a hangar.', class: 'read', input: {}, run: async () => ({ text: 'hangar ok' }) });

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, tools: [paint, inspect], settings: { policies: {} } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? '';

describe('rules of single clients on the Tools page', () => {
  it('"Allow this tool for cursor" shows on the tool’s row, and removing it makes the next call ask again', async () => {
    const { ui, page } = await open();
    const client = await ui.t.connect('cursor');
    const dialog = new ApprovalDialog(page);
    const tools = await new ToolsPage(page).goto();
    expect(await tools.clientRules('demo-paint').count()).toBe(0);

    const first = client.callTool({ name: 'demo-paint', arguments: { colour: 'red' } });
    await dialog.dialog().waitFor();
    await dialog.button(/Allow this tool for cursor/).click();
    expect(text(await first)).toBe('painted red');
    await tools.clientRules('demo-paint').waitFor();
    expect(await tools.clientRules('demo-paint').textContent()).toMatch(/cursor’s own rule:\s*allow/);
    // The rule every client gets is still "ask": the row says both.
    expect(await tools.row('demo-paint').textContent()).toMatch(/default for write tools/);
    expect(text(await client.callTool({ name: 'demo-paint', arguments: { colour: 'blue' } }))).toBe('painted blue');
    expect(await violationsInBothThemes(page, 'tools-client-rule', tools.row('demo-paint'))).toEqual([]);

    await tools.removeClientRule('cursor', 'demo-paint').click();
    await tools.clientRules('demo-paint').waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.view()).clients).toEqual({});
    const again = client.callTool({ name: 'demo-paint', arguments: { colour: 'green' } });
    await dialog.dialog().waitFor();
    await dialog.button('Deny').click();
    expect(text(await again)).toMatch(/declined/);
  });

  it('client rules for a whole class are listed too; "Reset every rule" asks first, and Cancel keeps them', async () => {
    const { ui, page } = await open();
    await ui.t.host.guardrails.setPolicy({ kind: 'class', name: 'read' }, 'deny', 'cursor');
    await ui.t.host.guardrails.setPolicy({ kind: 'tool', name: 'demo-paint' }, 'allow', 'cursor');
    await ui.t.host.guardrails.setPolicy({ kind: 'tool', name: 'demo-inspect' }, 'deny');
    const tools = await new ToolsPage(page).goto();
    const other = page.getByTestId('other-client-rules');
    await other.waitFor();
    expect(await other.textContent()).toMatch(/read tools.*cursor’s own rule:\s*deny/);

    await tools.resetRules().click();
    const question = tools.resetDialog();
    await question.waitFor();
    expect(await question.getByRole('heading').textContent()).toBe('Reset all 3 rules?');
    expect(await question.getByRole('list', { name: 'Rules that go' }).textContent()).toMatch(/1 tool rule.*2 rules of cursor alone/);
    expect(await violationsInBothThemes(page, 'reset-rules')).toEqual([]);
    // The safe answer has the focus: Enter keeps the rules.
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached' });
    expect(Object.keys((await ui.t.host.guardrails.view()).clients)).toEqual(['cursor']);

    await tools.resetRules().click();
    await question.getByRole('button', { name: 'Reset 3 rules' }).click();
    await question.waitFor({ state: 'detached' });
    const after = await ui.t.host.guardrails.view();
    expect(after.clients).toEqual({});
    expect(after.tools.every((t) => t.own === null)).toBe(true);
    await other.waitFor({ state: 'detached' });
    expect(await tools.resetRules().isDisabled()).toBe(true);
  });
});
