import { readFile } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testTools } from '../fixtures/test-tools.js';
import { e2eSuite, startUi, type Ui, type UiOptions } from './harness.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { ApprovalDialog } from './pages/ToolsPage.js';

/** The Activity page against a real host: calls made by the MCP SDK client show up live. */
const suite = e2eSuite();

const CANARY = 'canary-secret-7f3a9c1e5b';

async function open(options: { settings?: UiOptions['settings'] } = {}): Promise<{ ui: Ui; page: Page; client: Client; activity: ActivityPage }> {
  const ui = await startUi({ sim: false, tools: testTools(), ...(options.settings ? { settings: options.settings } : {}) });
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
    expect(await activity.rows().first().textContent()).toMatch(/echo.*OK.*cursor/);
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
    await expect.poll(() => activity.fact('Cancelled by')).toBe('You, in the Tarmac window');
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

/** Call something and wait until the window shows it (the feed applies events once a frame). */
async function shown(activity: ActivityPage, count: number): Promise<void> {
  await expect.poll(() => activity.rows().count()).toBe(count);
}

describe('the Activity page, item by item (issue 22)', () => {
  it('at 800 px the grid scrolls sideways as a whole: the header moves with the rows and every column can be reached', async () => {
    const { page, client, activity } = await open();
    await client.callTool({ name: 'echo', arguments: { text: 'narrow' } });
    await shown(activity, 1);
    await page.setViewportSize({ width: 800, height: 600 });
    const grid = activity.grid();
    const widths = await grid.evaluate((g) => ({ scroll: g.scrollWidth, client: g.clientWidth }));
    expect(widths.scroll).toBeGreaterThan(widths.client);
    const size = activity.columnHeader('Size');
    const sizeCell = activity.rows().first().getByRole('gridcell').nth(7);
    const before = { head: (await size.boundingBox())!.x, cell: (await sizeCell.boundingBox())!.x };
    await grid.evaluate((g) => g.scrollTo({ left: g.scrollWidth }));
    const after = { head: (await size.boundingBox())!, cell: (await sizeCell.boundingBox())!, grid: (await grid.boundingBox())! };
    // Header and rows moved by the same amount, and the last column is now inside the grid's box.
    expect(before.head - after.head.x).toBeGreaterThan(100);
    expect(Math.round(before.head - after.head.x)).toBe(Math.round(before.cell - after.cell.x));
    expect(after.head.x + after.head.width).toBeLessThanOrEqual(after.grid.x + after.grid.width);
    // Nothing outside the grid scrolls sideways: the page itself fits.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('details say who or what decided, where, and how long it waited; refusals of each kind look different', async () => {
    const { ui, page, client, activity } = await open({ settings: { policies: {}, approvals: { timeoutSeconds: 5 } } });
    const approval = new ApprovalDialog(page);
    // A person declines in the window's approval dialog.
    const declined = client.callTool({ name: 'write-thing', arguments: {} });
    await approval.button('Deny').waitFor();
    // While it waits, the row says so.
    await expect.poll(() => activity.row(/write-thing/).getAttribute('data-outcome')).toBe('waiting');
    await approval.button('Deny').click();
    await declined;
    // Nobody answers: the timeout denies it (5 s, the shortest the settings allow); the dialog
    // then says the request expired until the person has read it.
    await client.callTool({ name: 'destroy-thing', arguments: { name: 'web' } });
    await approval.notice().getByRole('button', { name: 'OK' }).click();
    await ui.t.host.guardrails.setPaused(true, 'person');
    await client.callTool({ name: 'echo', arguments: { text: 'while paused' } });
    await ui.t.host.guardrails.setPaused(false, 'person');
    await ui.t.host.guardrails.setReadOnly(true, 'person');
    await client.callTool({ name: 'write-thing', arguments: {} });
    await ui.t.host.guardrails.setReadOnly(false, 'person');
    await shown(activity, 4);
    // Four refusals, four looks: each its own words (and icon), none of them a bare "Denied".
    const outcomes = await activity.rows().evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-outcome'), r.querySelector('.badge')?.textContent]));
    expect(outcomes).toEqual([
      ['read-only', 'Read-only'],
      ['paused', 'Paused'],
      ['no-answer', 'No answer'],
      ['declined', 'Declined'],
    ]);

    await activity.row(/destroy-thing/).click();
    await expect.poll(() => activity.fact('Decided by')).toBe('Nobody: no one answered in time');
    const waited = (await activity.fact('Waited'))!;
    expect(waited).toMatch(/^5\.\d\d s$/);
    // Not "Denied, 0 ms": its time on record is the wait.
    expect(await activity.fact('Waited in all')).toMatch(/^5\.\d\d s$/);
    expect(await activity.details().getByTestId('call-outcome').textContent()).toMatch(/nobody answered within 5\.\d\d s/);
    await page.keyboard.press('Escape');

    await activity.row(/write-thing/).last().click();
    await expect.poll(() => activity.fact('Decided by')).toBe('A person');
    expect(await activity.fact('Where')).toBe('The Tarmac window');
    expect(await activity.fact('Answer')).toBe('Not allowed');
    expect(await activity.fact('Policy')).toBe('ask a person (default for write tools)');
    await page.keyboard.press('Escape');

    await activity.row(/echo/).click();
    await expect.poll(() => activity.fact('Decided by')).toBe('Pause: Tarmac was paused');
    expect(await activity.fact('Waited in all')).toBe('It did not run');
    await page.keyboard.press('Escape');
  });

  it('records a call refused for invalid arguments, with the message, redacted', async () => {
    const { client, activity, page } = await open();
    const result = (await client.callTool({ name: 'echo', arguments: { text: 7, api_key: CANARY } })) as { isError?: boolean };
    expect(result.isError).toBe(true);
    await shown(activity, 1);
    expect(await activity.rows().first().getAttribute('data-outcome')).toBe('invalid');
    await activity.rows().first().click();
    await expect.poll(() => activity.details().textContent()).toMatch(/Invalid arguments for tool echo/);
    expect(await activity.details().textContent()).not.toContain(CANARY);
    await page.keyboard.press('Escape');
    await activity.filter('Status', 'invalid');
    await shown(activity, 1);
  });

  it('filters tools by part of the name in any case; marks revoked clients; names providers', async () => {
    const { ui, client, activity } = await open();
    await client.callTool({ name: 'echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'slow', arguments: { ms: 0 } });
    const gone = await ui.t.connect('old-agent');
    await gone.callTool({ name: 'echo', arguments: { text: 'before revoke' } });
    await gone.close();
    // A call to a Fly.io tool (it fails here, signed out, but it is on record as Fly.io's).
    await client.callTool({ name: 'fly-apps-list', arguments: {} }).catch(() => undefined);
    await ui.mode.api.api.revokeCredential('old-agent');
    await shown(activity, 4);

    await activity.filter('Tool', 'ECH');
    await shown(activity, 2);
    expect(new Set(await activity.tools())).toEqual(new Set(['echo']));
    await activity.filter('Tool', '');
    await shown(activity, 4);

    await expect.poll(() => activity.options('Client')).toEqual([
      { label: 'All clients', group: '' },
      { label: 'claude-code', group: '' },
      // The harness's own client, which has a token and made no call.
      { label: 'test', group: '' },
      { label: 'old-agent (revoked)', group: 'Revoked (in the history only)' },
    ]);
    await expect.poll(async () => (await activity.options('Provider')).map((o) => o.label)).toEqual(expect.arrayContaining(['Fly.io', 'Flight Control']));
    expect((await activity.row(/fly-apps-list/).textContent()) ?? '').toContain('Fly.io');
    expect((await activity.row(/fly-apps-list/).textContent()) ?? '').not.toMatch(/\bfly\b(?!-)/);
  });

  it('sorts by time, tool, duration and status (the host sorts; the URL keeps it)', async () => {
    const { page, client, activity } = await open();
    for (const [name, args] of [
      ['slow', { ms: 120 }],
      ['echo', { text: 'b' }],
      ['fail', { message: 'x' }],
      ['slow', { ms: 40 }],
    ] as const)
      await client.callTool({ name, arguments: args });
    await shown(activity, 4);
    expect(await activity.tools()).toEqual(['slow', 'fail', 'echo', 'slow']);
    await activity.sortBy('Tool');
    await expect.poll(() => activity.tools()).toEqual(['echo', 'fail', 'slow', 'slow']);
    expect(page.url()).toMatch(/sort=tool&dir=asc/);
    expect(await activity.columnHeader('Tool').getAttribute('aria-sort')).toBe('ascending');
    await activity.sortBy('Tool');
    await expect.poll(() => activity.tools()).toEqual(['slow', 'slow', 'fail', 'echo']);
    await activity.sortBy('Duration');
    // Longest first: the 120 ms call, then the 40 ms one.
    await expect.poll(() => activity.tools()).toEqual(['slow', 'slow', expect.any(String), expect.any(String)]);
    const ms = (text: string) => (text.endsWith(' ms') ? Number(text.slice(0, -3)) : Number(text.slice(0, -2)) * 1000);
    const durations = (await activity.rows().evaluateAll((rows) => rows.map((r) => r.querySelectorAll('[role=gridcell]')[3]?.textContent ?? ''))).map(ms);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    expect(durations[0]).toBeGreaterThanOrEqual(120);
    await activity.sortBy('Status');
    await expect.poll(async () => (await activity.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))).toEqual(['error', 'ok', 'ok', 'ok']);
    // A reload keeps the order; Time goes back to newest first.
    await page.reload();
    await expect.poll(async () => (await activity.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))).toEqual(['error', 'ok', 'ok', 'ok']);
    await activity.sortBy('Time');
    await expect.poll(() => activity.tools()).toEqual(['slow', 'fail', 'echo', 'slow']);
    expect(page.url()).not.toMatch(/sort=/);
  });

  it('has a real empty state, a different one for filters that match nothing, and charts that say there is no data', async () => {
    const { page, client, activity } = await open();
    await activity.emptyState().waitFor();
    expect(await activity.emptyState().textContent()).toMatch(/No tool calls yet.*Clients/);
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await shown(activity, 1);
    await activity.filter('Search', 'nothing like this');
    await activity.noMatch().waitFor();
    expect(await activity.emptyState().count()).toBe(0);
    await activity.noMatch().getByRole('button', { name: 'Clear filters' }).click();
    await shown(activity, 1);
    expect(await activity.filters().getByLabel('Search').inputValue()).toBe('');

    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear history' }).click();
    await activity.emptyState().waitFor();
    expect(await activity.noMatch().count()).toBe(0);

    // Charts: periods up to the 90 days the history keeps; an empty period says so, no bare axes.
    await activity.tab('Charts').click();
    await activity.period('1 hour').waitFor();
    expect(await page.getByRole('radiogroup', { name: 'Chart period' }).getByRole('radio').allTextContents()).toEqual(['1 hour', '24 hours', '7 days', '30 days', '90 days']);
    await page.getByTestId('chart-empty').waitFor();
    expect(await page.getByTestId('chart-empty').textContent()).toMatch(/No calls in the last hour/);
    expect(await page.locator('.recharts-surface').count()).toBe(0);
    await client.callTool({ name: 'echo', arguments: { text: 'two' } });
    await activity.period('90 days').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Calls per day' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('img', { name: /Calls per day by status over the last 90 days: 1 calls/ }).count()).toBe(1);
  });
});

describe('the Activity page while a person reads further down', () => {
  it('keeps the rows in view still: new calls wait above ("N new calls above") and join at the top', async () => {
    const { page, client, activity } = await open();
    for (let i = 0; i < 40; i++) await client.callTool({ name: 'echo', arguments: { text: `old ${i}` } });
    await expect.poll(() => page.getByRole('status').filter({ hasText: /calls? shown/ }).textContent()).toMatch(/^40 calls/);
    // Scrolled, and a few frames for the page to know it (the scroll event, then its render).
    const scrollTo = async (top: number) => {
      await activity.grid().evaluate((g, t) => g.scrollTo({ top: t }), top);
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r))))');
    };
    await scrollTo(600);
    const firstInView = () => activity.grid().evaluate((g) => {
      const top = g.getBoundingClientRect().top + 36;
      const row = [...g.querySelectorAll('[data-testid=calls-rows] [role=row]')].find((r) => r.getBoundingClientRect().bottom > top + 1);
      return row?.textContent ?? '';
    });
    const before = await firstInView();
    await client.callTool({ name: 'echo', arguments: { text: 'new one' } });
    await client.callTool({ name: 'echo', arguments: { text: 'new two' } });
    const pill = page.getByRole('button', { name: '2 new calls above' });
    await pill.waitFor();
    // What the person reads did not move.
    expect(await firstInView()).toBe(before);
    expect(await page.getByRole('status').filter({ hasText: /calls? shown/ }).textContent()).toMatch(/^40 calls/);
    await pill.click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /calls? shown/ }).textContent()).toMatch(/^42 calls/);
    expect(await activity.grid().evaluate((g) => g.scrollTop)).toBe(0);
    expect(await pill.count()).toBe(0);
    // Scrolled away and back by hand: the calls that waited join without a click.
    await scrollTo(600);
    await client.callTool({ name: 'echo', arguments: { text: 'new three' } });
    await page.getByRole('button', { name: '1 new call above' }).waitFor();
    await scrollTo(0);
    await expect.poll(() => page.getByRole('status').filter({ hasText: /calls? shown/ }).textContent()).toMatch(/^43 calls/);
  });
});
