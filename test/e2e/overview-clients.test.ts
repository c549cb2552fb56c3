import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, startUi, violationsEverywhere, type Ui } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';

/**
 * Issue 22, item 10: the Overview says which clients are active now and when each last called,
 * not how many idle sessions they left open; with nothing connected it says what to do.
 */
const suite = e2eSuite();

async function open(): Promise<{ ui: Ui; page: Page; overview: OverviewPage }> {
  const ui = await startUi({ sim: false, hostOptions: { clientActivityNotifyMs: 100 } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  const overview = new OverviewPage(page);
  await overview.endpointUrl().waitFor();
  return { ui, page, overview };
}

const shoot = (page: Page, name: string) => violationsEverywhere(page, name, page.getByTestId('endpoint-card'));

describe('the Overview’s clients', () => {
  it('before any client: says so and where to register one; then each client shows as active now with its last request, sessions or not', async () => {
    const { ui, page, overview } = await open();
    await overview.noClients().waitFor();
    expect(await overview.noClients().textContent()).toMatch(/No AI client has called Tarmac since it started\.Register a client/);
    expect(await overview.noClients().getByRole('link', { name: 'Register a client' }).getAttribute('href')).toBe('#/clients');
    const found = await shoot(page, 'overview-empty');

    // A 2025-era client keeps a session; a 2026-07-28 one has none at all, and is shown all the same.
    const cursor = await ui.t.connect('cursor');
    const codex = await ui.t.connect('codex', { era: 'modern' });
    await codex.listTools();
    await expect.poll(() => overview.client('codex').textContent()).toMatch(/^codex\s*Active nowlast request (now|\d+ seconds? ago)$/);
    await expect.poll(() => overview.client('cursor').textContent()).toMatch(/^cursor\s*Active nowlast request .* · 1 session$/);
    expect(await overview.activeClients().textContent()).toBe('2');
    found.push(...(await shoot(page, 'overview-active')));
    expect(found).toEqual([]);
    await cursor.close();
    await codex.close();
  });

  it('a client that asked for nothing in over 5 minutes is idle, with when it last called; the list follows the clock, not a refresh', async () => {
    const { ui, page, overview } = await open();
    const codex = await ui.t.connect('codex', { era: 'modern' });
    await codex.listTools();
    await expect.poll(() => overview.client('codex').textContent()).toMatch(/Active now/);
    // Six minutes later, as the window's clock sees it.
    await page.clock.install({ time: Date.now() });
    await page.reload();
    await expect.poll(() => overview.client('codex').textContent()).toMatch(/Active now/);
    await page.clock.fastForward(6 * 60_000);
    await expect.poll(() => overview.client('codex').textContent()).toMatch(/^codex\s*Idlelast request 6 minutes ago$/);
    expect(await overview.activeClients().textContent()).toBe('0');

    // A client that only holds a stream open (legacy SSE) is listening: connected, asking for nothing.
    const listen = new AbortController();
    const stream = await fetch(ui.t.url.replace(/\/mcp$/, '/sse'), { headers: { Authorization: `Bearer ${await ui.t.tokenFor('vscode')}` }, signal: listen.signal });
    expect(stream.status).toBe(200);
    await expect.poll(() => overview.client('vscode').textContent()).toMatch(/^vscode\s*Listeningno request yet · 1 session$/);
    expect(await overview.activeClients().textContent()).toBe('0');
    expect(await shoot(page, 'overview-idle')).toEqual([]);
    listen.abort();
    await codex.close();
  });
});
