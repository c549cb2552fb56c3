import { readFile } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testTools } from '../fixtures/test-tools.js';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { ActivityPage } from './pages/ActivityPage.js';

/** The Activity page against a real host: calls made by the MCP SDK client show up live. */
const suite = e2eSuite();

const CANARY = 'canary-secret-7f3a9c1e5b';

async function open(): Promise<{ ui: Ui; page: Page; client: Client; activity: ActivityPage }> {
  const ui = await startUi({ sim: false, tools: testTools() });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { acceptDownloads: true });
  suite.defer(() => context.close());
  await page.getByTestId('endpoint-url').waitFor();
  const client = await ui.t.connect('claude-code');
  const activity = await new ActivityPage(page).goto();
  return { ui, page, client, activity };
}

describe('the Activity page', () => {
  it('shows calls live, filters them (kept in the URL), opens their details, and never shows a secret', async () => {
    const { ui, page, client, activity } = await open();
    await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    await client.callTool({ name: 'configure', arguments: { name: 'db', api_key: CANARY } });
    await client.callTool({ name: 'fail', arguments: { message: 'the back end said no' } });
    const cursor = await ui.t.connect('cursor');
    await cursor.callTool({ name: 'echo', arguments: { text: 'from cursor' } });

    // Live: four calls, newest first, without a reload.
    await expect.poll(() => activity.rows().count()).toBe(4);
    expect(await activity.rows().first().getAttribute('aria-label')).toMatch(/^echo by cursor, OK/);
    await expect.poll(() => activity.row(/fail/).getAttribute('data-status')).toBe('error');

    await activity.filter('Status', 'error');
    await expect.poll(() => activity.rows().count()).toBe(1);
    expect(page.url()).toContain('status=error');
    await activity.filter('Status', '');
    await activity.filter('Search', 'from cursor');
    await expect.poll(() => activity.rows().count()).toBe(1);
    // A reload keeps the filter (it lives in the URL).
    await page.reload();
    await expect.poll(() => activity.rows().count()).toBe(1);
    expect(await activity.filters().getByLabel('Search').inputValue()).toBe('from cursor');
    await activity.filter('Search', '');
    await expect.poll(() => activity.rows().count()).toBe(4);

    await activity.row(/configure/).click();
    await expect.poll(() => activity.details().textContent()).toMatch(/configure.*claude-code/s);
    expect(await activity.details().textContent()).not.toContain(CANARY);
    expect(await page.content()).not.toContain(CANARY);
    await page.keyboard.press('Escape');
    await expect.poll(() => activity.details().count()).toBe(0);
  });

  it('a running call shows, can be cancelled from its details, and the client gets a cancelled result', async () => {
    const { ui, client, activity } = await open();
    // A call that waits a minute unless cancelled.
    const pending = client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, { timeout: 90_000 }).then(
      (r) => r,
      (e: unknown) => e,
    );
    await expect.poll(() => activity.row(/slow/).getAttribute('data-status')).toBe('running');
    await activity.row(/slow/).click();
    await activity.details().getByRole('button', { name: 'Cancel the call' }).click();
    const result = (await pending) as { isError?: boolean; content?: Array<{ text?: string }> };
    expect(JSON.stringify(result)).toMatch(/cancel/i);
    await expect.poll(() => activity.details().textContent()).toMatch(/Cancelled byuser/);
    const stored = ui.t.host.activityApi.query({ tool: 'slow' }).calls[0];
    expect(stored).toMatchObject({ status: 'cancelled', cancelledBy: 'user' });
  });

  it('pause holds new calls as "N new"; export downloads the filtered set; clear asks first and empties the list', async () => {
    const { page, client, activity } = await open();
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await expect.poll(() => activity.rows().count()).toBe(1);
    await page.getByRole('button', { name: 'Pause live' }).click();
    await client.callTool({ name: 'echo', arguments: { text: 'two' } });
    await client.callTool({ name: 'fail', arguments: { message: 'the back end said no' } });
    await expect.poll(() => page.getByText('2 new calls while paused').count()).toBe(1);
    expect(await activity.rows().count()).toBe(1);
    await page.getByRole('button', { name: 'Show them' }).click();
    await expect.poll(() => activity.rows().count()).toBe(3);

    await activity.filter('Status', 'error');
    await expect.poll(() => activity.rows().count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSONL' }).click()]);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { tool: string; status: string });
    expect(lines).toEqual([expect.objectContaining({ tool: 'fail', status: 'error' })]);
    await activity.filter('Status', '');

    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Keep it' }).click();
    expect(await activity.rows().count()).toBe(3);
    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear history' }).click();
    await expect.poll(() => activity.rows().count()).toBe(0);
  });
});
