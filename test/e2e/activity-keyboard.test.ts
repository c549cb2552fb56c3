import type { Client } from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testTools } from '../fixtures/test-tools.js';
import { e2eSuite, seriousViolations, startUi, type Ui } from './harness.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { ToolsPage } from './pages/ToolsPage.js';

/** The Activity page and the skip link by keyboard, and axe on Activity, its details and a tool turned off. */
const suite = e2eSuite();

async function open(options: { calls?: number } = {}): Promise<{ ui: Ui; page: Page; client: Client; activity: ActivityPage }> {
  const ui = await startUi({ sim: false, tools: testTools() });
  suite.defer(() => ui.stop());
  // axe is injected as a script: only a context that bypasses the page's CSP lets it in.
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await page.getByTestId('endpoint-url').waitFor();
  const client = await ui.t.connect('claude-code');
  for (let i = 0; i < (options.calls ?? 0); i++) await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
  const activity = await new ActivityPage(page).goto();
  if (options.calls) await expect.poll(() => activity.page.getByRole('status').filter({ hasText: /calls? shown/ }).textContent()).toMatch(new RegExp(`^${options.calls} call`));
  return { ui, page, client, activity };
}

/** What has the focus, in a few words: its role or tag and its name. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '';
    return `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${name.trim().replace(/\s+/g, ' ')}`;
  });
}

describe('keyboard', () => {
  it('"Skip to content" moves the focus to the page\'s main content and stays on the page', async () => {
    const { page } = await open();
    for (const name of ['Activity', 'Tools']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      const url = page.url();
      await page.getByRole('link', { name: 'Skip to content' }).focus();
      await page.keyboard.press('Enter');
      expect(page.url()).toBe(url);
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    }
  });

  it('the calls are one Tab stop after the filters and the export buttons; arrows, Home, End and Page keys move between rows', async () => {
    const { page, activity } = await open({ calls: 60 });
    // Tab from the first filter to the grid: every filter, then pause and export, then the grid.
    await activity.filters().getByLabel('Search').focus();
    const order: string[] = [await focused(page)];
    for (let i = 0; i < 15 && !order.at(-1)!.startsWith('grid'); i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    const at = (pattern: RegExp) => order.findIndex((o) => pattern.test(o));
    expect(at(/^grid:Tool calls/)).toBeGreaterThan(0);
    expect(at(/JSONL/)).toBeGreaterThan(at(/^input:Tool/));
    expect(at(/CSV/)).toBeGreaterThan(at(/^select:Status/));
    expect(at(/JSONL/)).toBeLessThan(at(/^grid/));
    // One Tab stop: no row takes the focus, and Tab leaves the grid at once.
    expect(await page.locator('[data-testid=calls-rows] [tabindex]').count()).toBe(0);

    // Focused, the grid's active row is the newest call; the keys move it.
    expect(await activity.activeText()).toMatch(/echo/);
    const rowIndex = () => activity.grid().evaluate((g) => document.getElementById(g.getAttribute('aria-activedescendant') ?? '')?.getAttribute('aria-rowindex'));
    expect(await rowIndex()).toBe('2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await rowIndex()).toBe('4');
    await page.keyboard.press('ArrowUp');
    expect(await rowIndex()).toBe('3');
    await page.keyboard.press('End');
    expect(await rowIndex()).toBe('61');
    // The last row is rendered and scrolled into view (the grid is virtualized).
    const inView = () =>
      activity.grid().evaluate((g) => {
        const row = document.getElementById(g.getAttribute('aria-activedescendant') ?? '');
        if (!row) return false;
        const r = row.getBoundingClientRect();
        const b = g.getBoundingClientRect();
        return r.top >= b.top && r.bottom <= b.bottom + 1;
      });
    expect(await inView()).toBe(true);
    await page.keyboard.press('Home');
    expect(await rowIndex()).toBe('2');
    await page.keyboard.press('PageDown');
    expect(Number(await rowIndex())).toBeGreaterThan(5);
    expect(await inView()).toBe(true);
    await page.keyboard.press('PageUp');
    expect(await rowIndex()).toBe('2');

    // Up from the first row reaches the column headers; Left and Right pick one; Enter sorts by it.
    await page.keyboard.press('ArrowUp');
    expect(await activity.activeText()).toMatch(/^Time/);
    await page.keyboard.press('ArrowRight');
    expect(await activity.activeText()).toMatch(/^Tool/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/sort=tool&dir=asc/);
    expect(await focused(page)).toMatch(/^grid/);

    // Tab leaves the grid in one press.
    await page.keyboard.press('Tab');
    expect(await focused(page)).not.toMatch(/^grid|^row/);
  });

  it('Enter opens the active row; closing the details gives the focus back to that row', async () => {
    const { page, activity } = await open({ calls: 3 });
    await activity.grid().focus();
    await page.keyboard.press('ArrowDown');
    const active = await activity.activeId();
    const text = await activity.activeText();
    await page.keyboard.press('Enter');
    await activity.details().waitFor();
    expect(await activity.details().getByRole('heading', { level: 2 }).first().textContent()).toBe('echo');
    expect(text).toMatch(/echo/);
    await page.keyboard.press('Escape');
    await activity.details().waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^grid:Tool calls/);
    expect(await activity.activeId()).toBe(active);

    // Opened with the mouse, the same.
    await activity.rows().nth(2).click();
    await activity.details().waitFor();
    await activity.details().getByRole('button', { name: 'Close' }).click();
    await activity.details().waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^grid:Tool calls/);
    expect(await activity.activeText()).toBe(await activity.rows().nth(2).textContent());
  });
});

describe('axe', () => {
  it('finds nothing serious on Activity, a call\'s details and the charts, light and dark', async () => {
    const { ui, page, client, activity } = await open();
    await client.callTool({ name: 'echo', arguments: { text: 'ok' } });
    await client.callTool({ name: 'fail', arguments: { message: 'no' } });
    await client.callTool({ name: 'echo', arguments: { wrong: 1 } });
    await ui.t.host.guardrails.setPaused(true, 'person');
    await client.callTool({ name: 'echo', arguments: { text: 'paused' } });
    await ui.t.host.guardrails.setPaused(false, 'person');
    await expect.poll(() => activity.rows().count()).toBe(4);
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await activity.tab('Calls').click();
      await activity.grid().focus();
      await page.keyboard.press('ArrowDown');
      for (const v of await seriousViolations(page)) found.push(`Activity (${scheme}): ${v}`);
      await activity.rows().first().click();
      await activity.details().waitFor();
      for (const v of await seriousViolations(page)) found.push(`Details (${scheme}): ${v}`);
      await page.keyboard.press('Escape');
      await activity.details().waitFor({ state: 'detached' });
      await activity.tab('Charts').click();
      await page.getByRole('heading', { name: 'Calls per minute' }).waitFor();
      for (const v of await seriousViolations(page)) found.push(`Charts (${scheme}): ${v}`);
    }
    expect(found).toEqual([]);
  });

  it('a switched-off tool\'s row keeps its text readable (color-contrast), light and dark', async () => {
    const { page } = await open();
    const tools = await new ToolsPage(page).goto();
    await tools.row('echo').getByRole('switch').click();
    await expect.poll(() => tools.row('echo').getAttribute('class')).toBe('tool-off');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await seriousViolations(page)).filter((v) => v.startsWith('color-contrast')), scheme).toEqual([]);
    }
  });
});
