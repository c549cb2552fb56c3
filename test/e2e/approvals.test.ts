import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { e2eSuite, startUi, violationsEverywhere, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ApprovalDialog } from './pages/ToolsPage.js';

/**
 * Issue 22, item 2: a destructive call's question cannot be mistaken for a write's, it counts
 * down, it says what happened when it stops waiting, and it shows no secret.
 */
const suite = e2eSuite();

const ran: string[] = [];
const demolish = defineTool({
  name: 'demo-demolish',
  provider: 'demo',
  title: 'Demolish hangar',
  description: 'Demolishes a hangar and everything in it. Cannot be undone.',
  class: 'destructive',
  input: { hangar: z.string() },
  run: async ({ hangar }) => (ran.push(hangar), { text: `demolished ${hangar}` }),
});
const paint = defineTool({ name: 'demo-paint', provider: 'demo', title: 'Paint hangar', description: 'Paints a hangar.', class: 'write', input: { colour: z.string() }, run: async ({ colour }) => (ran.push(colour), { text: `painted ${colour}` }) });

async function open(timeoutSeconds?: number): Promise<{ ui: Ui; page: Page; dialog: ApprovalDialog }> {
  const ui = await startUi({ sim: false, tools: [demolish, paint], settings: { policies: {}, ...(timeoutSeconds ? { approvals: { timeoutSeconds } } : {}) } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page, dialog: new ApprovalDialog(page) };
}

const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? '';
const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? null);
const COUNTDOWN = /^(\d+ min( \d+ s)?|\d+ s)$/;

const shoot = (page: Page, name: string) => violationsEverywhere(page, name);

describe('the approval dialog', () => {
  it('a destructive call has danger styling and starts on Deny; a write call does not; both count down live', async () => {
    const { ui, page, dialog } = await open();
    const client = await ui.t.connect('cursor');
    const found: string[] = [];

    const write = client.callTool({ name: 'demo-paint', arguments: { colour: 'red' } });
    await dialog.request().waitFor();
    expect(await dialog.request().getAttribute('data-class')).toBe('write');
    expect(await dialog.destructiveBand().count()).toBe(0);
    expect(await focused(page)).toBe('Allow once');
    // Seconds left, not a clock time; it moves on screen, but is not a live region itself.
    const first = (await dialog.countdown().textContent()) ?? '';
    expect(first).toMatch(COUNTDOWN);
    await expect.poll(() => dialog.countdown().textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(await dialog.countdown().getAttribute('aria-live')).toBeNull();
    found.push(...(await shoot(page, 'approval-write')));
    await dialog.button('Deny').click();
    expect(text(await write)).toMatch(/declined/);
    await dialog.dialog().waitFor({ state: 'detached' });

    const destroy = client.callTool({ name: 'demo-demolish', arguments: { hangar: 'H1' } });
    await dialog.request().waitFor();
    expect(await dialog.request().getAttribute('data-class')).toBe('destructive');
    expect((await dialog.destructiveBand().textContent())?.trim()).toBe('Destructive: this may not be undone');
    expect(await focused(page)).toBe('Deny');
    // Allow is the red button here; the frame is red too.
    expect(await dialog.button('Allow once').getAttribute('class')).toMatch(/btn-danger-solid/);
    const [frame, danger] = await dialog.request().evaluate((el) => [getComputedStyle(el).borderTopColor, getComputedStyle(document.querySelector('.approval-band')!).backgroundColor]);
    expect(frame).toBe(danger);
    found.push(...(await shoot(page, 'approval-destructive')));
    expect(found).toEqual([]);
    await page.keyboard.press('Enter');
    expect(text(await destroy)).toMatch(/declined/);
    expect(ran).toEqual([]);
  });

  it('a request that expires while shown leaves a notice that says so, until the person has read it', async () => {
    const { ui, page, dialog } = await open(5);
    const client = await ui.t.connect('cursor');
    const call = client.callTool({ name: 'demo-paint', arguments: { colour: 'blue' } });
    await dialog.request().waitFor();
    expect(text(await call)).toMatch(/did not approve "demo-paint" within 5 seconds/);
    await dialog.notice().waitFor();
    expect(await dialog.notice().textContent()).toMatch(/The request expired.*The request to run demo-paint expired after 5 s and was denied; nothing ran\. cursor was told to ask you again/);
    expect(await dialog.notice().getAttribute('role')).toBe('alertdialog');
    expect(await focused(page)).toBe('OK');
    expect(await shoot(page, 'approval-expired')).toEqual([]);
    await page.keyboard.press('Enter');
    await dialog.dialog().waitFor({ state: 'detached' });
  });

  it('a request the client withdraws, or that is denied from the terminal, is not silently dropped; one answered here is', async () => {
    const { ui, page, dialog } = await open();
    const client = await ui.t.connect('cursor');

    const controller = new AbortController();
    const withdrawn = client.callTool({ name: 'demo-paint', arguments: { colour: 'green' } }, { signal: controller.signal });
    await dialog.request().waitFor();
    controller.abort();
    await expect(withdrawn).rejects.toThrow();
    await dialog.notice().waitFor();
    expect(await dialog.notice().textContent()).toMatch(/The request was withdrawn.*cursor withdrew its request to run demo-paint \(it cancelled the call or disconnected\); nothing ran\./);
    await dialog.notice().getByRole('button', { name: 'OK' }).click();
    await dialog.dialog().waitFor({ state: 'detached' });

    // `tarmac approvals deny ID`: another channel answered.
    const denied = client.callTool({ name: 'demo-demolish', arguments: { hangar: 'H2' } });
    await dialog.request().waitFor();
    const [waiting] = ui.t.host.guardrails.approvals.list();
    ui.t.host.guardrails.approvals.decide(waiting!.id, 'deny', 'cli');
    expect(text(await denied)).toMatch(/declined/);
    await dialog.notice().waitFor();
    expect(await dialog.notice().textContent()).toMatch(/Answered from the terminal.*The request to run demo-demolish was denied from the terminal/);
    await page.keyboard.press('Enter');
    await dialog.dialog().waitFor({ state: 'detached' });

    // Answered in this window: no notice, the dialog just closes.
    const allowed = client.callTool({ name: 'demo-paint', arguments: { colour: 'white' } });
    await dialog.button('Allow once').click();
    expect(text(await allowed)).toBe('painted white');
    await dialog.dialog().waitFor({ state: 'detached' });
    expect(await dialog.notice().count()).toBe(0);
  });

  it('shows secret names but never secret values: fly-secrets-set names, env passwords masked', async () => {
    const { ui, dialog } = await open();
    const client = await ui.t.connect('cursor');
    const secrets = client.callTool({ name: 'fly-secrets-set', arguments: { app: 'web', keyvalues: ['DATABASE_PASSWORD=hunter2-very-secret', 'STRIPE_KEY=sk_live_abcdef123456'] } });
    await dialog.request().waitFor();
    const shown = (await dialog.arguments().textContent()) ?? '';
    expect(shown).toContain('DATABASE_PASSWORD=[redacted]');
    expect(shown).toContain('STRIPE_KEY=[redacted]');
    expect(shown).not.toMatch(/hunter2|sk_live_abcdef/);
    await dialog.button('Deny').click();
    await secrets;
    await dialog.dialog().waitFor({ state: 'detached' });

    const run = client.callTool({
      name: 'fly-machine-run',
      arguments: { app: 'web', image: 'postgres:17', env: ['POSTGRES_PASSWORD=pg-pass-98765', 'PGDATA=/data/pg'], command: 'psql postgres://admin:s3cr3t-pw@db:5432/app' },
    });
    await dialog.request().waitFor();
    const args = (await dialog.arguments().textContent()) ?? '';
    expect(args).toContain('POSTGRES_PASSWORD=[redacted]');
    expect(args).toContain('postgres://admin:[redacted]@db:5432/app');
    expect(args).not.toMatch(/pg-pass-98765|s3cr3t-pw/);
    await dialog.button('Deny').click();
    await run;
  });
});
