import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { e2eSuite, startUi, violationsEverywhere, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { StateBar } from './pages/StateBar.js';

/** Issue 22, item 1: pause and read-only are in view on every page, with the way back. */
const suite = e2eSuite();

const write = defineTool({ name: 'demo-paint', provider: 'demo', title: 'Paint hangar', description: 'Paints a hangar.', class: 'write', input: { colour: z.string() }, run: async () => ({ text: 'painted' }) });
const read = defineTool({ name: 'demo-inspect', provider: 'demo', title: 'Inspect hangar', description: 'Reads a hangar.', class: 'read', input: {}, run: async () => ({ text: 'hangar ok' }) });

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, tools: [write, read], settings: { policies: { classes: { write: 'allow' } } } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? '';
const PAGES = ['Overview', 'Activity', 'Accounts', 'Tools', 'Clients', 'Settings'];

describe('the state bar', () => {
  it('a pause and read-only set from the terminal show on every page at once, and the bar switches them back', async () => {
    const { ui, page } = await open();
    const bar = new StateBar(page);
    const client = await ui.t.connect('cursor');
    expect(await bar.paused().count()).toBe(0);

    // From the terminal (`tarmac pause`, `tarmac policy read-only on`): tightening works from anywhere.
    await ui.t.host.guardrails.setPaused(true, 'terminal');
    await ui.t.host.guardrails.setReadOnly(true, 'terminal');
    for (const name of PAGES) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await bar.paused().waitFor();
      expect(await bar.paused().textContent()).toMatch(/Tarmac is paused\. Every tool call is refused until you resume\./);
      expect(await bar.readOnly().textContent()).toMatch(/Read-only mode\. Calls that write or destroy are refused/);
    }
    expect(await violationsEverywhere(page, 'state-bar')).toEqual([]);
    expect(text(await client.callTool({ name: 'demo-inspect', arguments: {} }))).toMatch(/Tarmac is paused/);

    // On the Settings page, with no switch in sight: Resume from the bar.
    await bar.resume().click();
    await bar.paused().waitFor({ state: 'detached' });
    expect(text(await client.callTool({ name: 'demo-inspect', arguments: {} }))).toBe('hangar ok');
    expect(text(await client.callTool({ name: 'demo-paint', arguments: { colour: 'red' } }))).toMatch(/read-only mode/);
    await bar.readOnlyOff().click();
    await bar.readOnly().waitFor({ state: 'detached' });
    expect(text(await client.callTool({ name: 'demo-paint', arguments: { colour: 'red' } }))).toBe('painted');
    expect(await ui.t.host.guardrails.state()).toMatchObject({ paused: false, readOnly: false });
  });

  it('guardrails that cannot be read say on every page that every call is refused', async () => {
    const { writeFile } = await import('node:fs/promises');
    const ui = await startUi({ sim: false, tools: [read] });
    suite.defer(() => ui.stop());
    await writeFile(ui.t.host.settings.path, '{ "paused": ');
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    const bar = new StateBar(page);
    await bar.unreadable().waitFor();
    expect(await bar.unreadable().textContent()).toMatch(/Every tool call is refused\. Tarmac cannot read its guardrails/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    expect(await bar.unreadable().count()).toBe(1);
  });
});
