/**
 * Each MCP Apps view rendered in Chromium the way a client renders it: the tool's `_meta.ui`
 * names the view (ext-apps' getToolUiResourceUri), resources/read gives its HTML and sandbox, a
 * real call (the fake flyctl, the Flight Control simulator) gives the result, and the test host
 * (ext-apps' AppBridge, a frame sandboxed to scripts under the CSP hosts build) passes it in.
 * Checked: what each view shows and how its filters narrow it, by keyboard too; the host's theme;
 * a failed and a cancelled call; no way out of the sandbox to the network; axe in light and dark.
 */
import type { Client } from '@modelcontextprotocol/client';
import { getToolUiResourceUri, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { startAppsHost, type AppsHost } from './apps-host/serve.js';
import type { RenderRequest, ViewCsp } from './apps-host/types.js';
import { e2eSuite, screenshot, seriousViolations } from './harness.js';
import { AppViewHost } from './pages/AppViewHost.js';

const suite = e2eSuite();
let sim: FlightctlSim;
let t: TestHost;
let client: Client;
let appsHost: AppsHost;
let context: BrowserContext;
let page: Page;
let host: AppViewHost;
const requested: string[] = [];
const views = new Map<string, { html: string; csp?: ViewCsp }>();
/** The first answer each view showed, for the look checks at the end. */
const shown = new Map<string, RenderRequest>();

beforeAll(async () => {
  sim = await startFlightctlSim({ devices: 40, fleets: 3 });
  t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH, HOME: '/nonexistent-tarmac-test-home' },
    settings: { flyctlPath: FAKE_FLYCTL, flightctl: { apiUrl: sim.url } },
  });
  await t.secrets.set(FLY_TOKEN_ACCOUNT, 'fm2_apps-e2e-token-0a1b2c3d');
  await signIn(sim, t.secrets);
  client = await t.connect('test', { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } } });
  // What a client does once it has listed the tools: read the view each one names.
  for (const tool of (await client.listTools()).tools) {
    const uri = getToolUiResourceUri(tool);
    if (!uri) continue;
    const [content] = (await client.readResource({ uri })).contents as Array<{ mimeType: string; text: string; _meta?: { ui?: { csp?: ViewCsp } } }>;
    expect(content?.mimeType).toBe(RESOURCE_MIME_TYPE);
    views.set(tool.name, { html: content!.text, csp: content!._meta?.ui?.csp });
  }
  appsHost = await startAppsHost();
  context = await suite.browser().newContext({ viewport: { width: 1280, height: 800 } });
  // Requests that reached a server (one a policy blocked fails before it leaves the browser).
  context.on('requestfinished', (r) => requested.push(r.url()));
  page = await context.newPage();
  host = await new AppViewHost(page).goto(appsHost.url);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await appsHost?.close();
  await t?.stop();
  await sim?.stop();
});

/** A real call of the tool, rendered in its view as a client would. */
async function show(tool: string, input: Record<string, unknown>, extra: Partial<RenderRequest> = {}): Promise<Record<string, unknown>> {
  const view = views.get(tool);
  if (!view) throw new Error(`${tool} has no view`);
  const result = (await client.callTool({ name: tool, arguments: input })) as Record<string, unknown>;
  const request: RenderRequest = { html: view.html, ...(view.csp ? { csp: view.csp } : {}), input, result, theme: 'light', ...extra };
  if (!result.isError && !shown.has(tool)) shown.set(tool, request);
  await host.render(request);
  return result;
}

/** axe in the view, in the host's light and dark themes, with screenshots at both widths when asked for. */
async function checkLook(name: string): Promise<string[]> {
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await host.setTheme(theme);
    await expect.poll(async () => (await host.frame()).evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    found.push(...(await seriousViolations(await host.frame())).map((v) => `${name} ${theme}: ${v}`));
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 600 });
      await screenshot(host.iframe(), `app-${name}-${theme}-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  return found;
}

describe('MCP Apps views in a client', () => {
  it('the views are served for exactly the four tools', () => {
    expect([...views.keys()].sort()).toEqual(['fly-logs', 'fly-machine-list', 'get_fleet', 'query_devices']);
  });

  it("devices: a table of query_devices' answer, narrowed by status, fleet and text, by keyboard too", async () => {
    const result = await show('query_devices', {});
    const count = (result.structuredContent as { count: number }).count;
    await expect.poll(() => host.heading().textContent()).toBe('Flight Control devices');
    await expect.poll(() => host.rows().count()).toBe(count);
    await expect.poll(() => host.shown().textContent()).toBe(`Showing all ${count}`);
    const online = await host.view().locator('tbody tr', { hasText: 'Online' }).count();
    // A status chip, reached with Tab and pressed with Enter, shows only its devices.
    await host.chip('Online').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => host.rows().count()).toBe(online);
    await expect(host.chip('Online').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => host.rows().count()).toBe(count);
    // A label typed in the search box.
    await host.field('Name, alias or label').fill('env=staging');
    await expect.poll(() => host.rows().count()).toBeLessThan(count);
    expect(await host.rows().count()).toBeGreaterThan(0);
    for (const text of await host.rows().allTextContents()) expect(text).toContain('env=staging');
    await host.field('Name, alias or label').fill('');
    // One fleet.
    const fleet = await host.field('Fleet').locator('option').nth(1).getAttribute('value');
    await host.field('Fleet').selectOption(fleet!);
    await expect.poll(() => host.rows().locator('td.fleet').allTextContents()).toEqual(expect.arrayContaining([fleet]));
    expect(new Set(await host.rows().locator('td.fleet').allTextContents())).toEqual(new Set([fleet]));
    // Sorting by a column header button.
    await host.view().getByRole('button', { name: /^Device/ }).click();
    await expect(host.view().getByRole('columnheader', { name: /^Device/ }).getAttribute('aria-sort')).resolves.toBe('descending');
    await host.field('Fleet').selectOption('');
    // The raw objects (detail=full) fill the same table.
    const names = (await host.rows().locator('th').allTextContents()).sort();
    await show('query_devices', { detail: 'full' });
    await expect.poll(async () => (await host.rows().locator('th').allTextContents()).sort()).toEqual(names);
  });

  it("fleet: get_fleet's rollout, its batch and how many devices are up to date", async () => {
    const fleets = (await client.callTool({ name: 'query_fleets', arguments: {} })).structuredContent as { columns: string[]; rows: unknown[][] };
    const rollout = fleets.columns.indexOf('rollout');
    const rolling = fleets.rows.find((r) => String(r[rollout]).startsWith('in progress'));
    expect(rolling, JSON.stringify(fleets.rows)).toBeDefined();
    const name = String(rolling![0]);
    const result = await show('get_fleet', { name });
    const devices = (result.structuredContent as { fleet: { devices: Record<string, number> } }).fleet.devices;
    await expect.poll(() => host.heading().textContent()).toBe(`Fleet ${name}`);
    await expect(host.view().getByText('Rollout in progress (Active)').count()).resolves.toBe(1);
    await expect(host.view().locator('dt', { hasText: 'Current batch' }).locator('xpath=following-sibling::dd[1]').textContent()).resolves.toBe('1 of 2');
    const upToDate = devices['update.UpToDate'] ?? 0;
    await expect(host.view().getByRole('heading', { level: 2, name: `Devices up to date: ${upToDate} of ${devices.total} (${Math.round((upToDate / devices.total!) * 100)}%)` }).count()).resolves.toBe(1);
    await expect(host.view().getByRole('img', { name: /^Update state: UpToDate \d+/ }).count()).resolves.toBe(1);
    // The raw object (detail=full) shows the same rollout.
    const summary = await host.view().getByRole('heading', { level: 2 }).first().textContent();
    await show('get_fleet', { name, detail: 'full' });
    await expect.poll(() => host.view().getByRole('heading', { level: 2 }).first().textContent()).toBe(summary);
    await expect(host.view().locator('dt', { hasText: 'Current batch' }).locator('xpath=following-sibling::dd[1]').textContent()).resolves.toBe('1 of 2');
  });

  it("machines: fly-machine-list's machines by region and state, filtered by both", async () => {
    await show('fly-machine-list', { app: 'my-app' });
    await expect.poll(() => host.heading().textContent()).toBe('Machines of my-app');
    await expect(host.view().getByText('2 machines in 2 regions').count()).resolves.toBe(1);
    const regions = host.view().getByRole('list', { name: 'By region and state' }).getByRole('listitem').filter({ has: host.view().locator('strong') });
    await expect(regions.allTextContents()).resolves.toEqual(['ams1 machinestopped 1', 'iad1 machinestarted 1']);
    await expect.poll(() => host.rows().count()).toBe(2);
    await host.chip('stopped').click();
    await expect.poll(() => host.rows().count()).toBe(1);
    await expect(host.rows().first().textContent()).resolves.toContain('e2865013b43698');
    await host.chip('stopped').click();
    await host.field('Region').selectOption('iad');
    await expect.poll(() => host.rows().count()).toBe(1);
    await expect(host.rows().first().textContent()).resolves.toContain('148ed599b12289');
    await host.field('Region').selectOption('');
  });

  it("logs: fly-logs' lines, filtered by level and text", async () => {
    await show('fly-logs', { app: 'my-app' });
    await expect.poll(() => host.heading().textContent()).toBe('Logs of my-app');
    await expect.poll(() => host.rows().count()).toBe(3);
    // flyctl's colour codes are gone; the fields are in their columns.
    await expect(host.rows().first().textContent()).resolves.toBe('2025-06-01T12:00:01Zinfoapp[148ed599b12289]iadListening on 0.0.0.0:8080');
    await host.chip('warn').click();
    await expect.poll(() => host.rows().count()).toBe(1);
    await expect(host.rows().first().textContent()).resolves.toContain('slow query (1.2s)');
    await host.chip('warn').click();
    await host.field('Message contains').fill('response.status=200');
    await expect.poll(() => host.rows().count()).toBe(1);
    await host.field('Message contains').fill('');
  });

  it.each([
    ['devices', 'query_devices'],
    ['fleet', 'get_fleet'],
    ['machines', 'fly-machine-list'],
    ['logs', 'fly-logs'],
  ])('the %s view is axe-clean in the host\'s light and dark themes', async (name, tool) => {
    const request = shown.get(tool);
    expect(request, `the ${tool} test above shows it first`).toBeDefined();
    await host.render(request!);
    await expect.poll(() => host.heading().count()).toBe(1);
    expect(await checkLook(name)).toEqual([]);
  });

  it('a failed call shows its message, which says what to do next; a cancelled one says so', async () => {
    const result = await show('query_devices', { field_selector: 'no such field!!' });
    expect(result.isError).toBe(true);
    await expect.poll(() => host.alert().textContent()).toContain('Check the arguments');
    expect(await seriousViolations(await host.frame())).toEqual([]);
    const view = views.get('fly-logs')!;
    await host.render({ html: view.html, input: { app: 'my-app' }, theme: 'dark' });
    await expect.poll(() => host.view().getByRole('status').textContent()).toBe('The call was cancelled (stopped by the test). Ask again to see its answer here.');
  });

  it('follows the host theme, or the system when the host gives none', async () => {
    await show('fly-machine-list', { app: 'my-app' }, { theme: 'dark' });
    const background = async () => (await host.frame()).evaluate(() => getComputedStyle(document.body).backgroundColor);
    await expect.poll(background).toBe('rgb(22, 26, 34)');
    await host.setTheme('light');
    await expect.poll(background).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await show('fly-machine-list', { app: 'my-app' }, { theme: undefined });
    await expect.poll(background).toBe('rgb(22, 26, 34)');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('a view reaches nothing: not the network, not the page that hosts it', async () => {
    await show('query_devices', {});
    const frame = await host.frame();
    const attempts = await frame.evaluate(async (probe) => {
      const tries: string[] = [];
      for (const url of [`${probe}probe-fetch`, 'https://example.com/probe']) {
        try {
          await fetch(url, { mode: 'no-cors' });
          tries.push(`fetched ${url}`);
        } catch {
          tries.push('blocked');
        }
      }
      const img = new Image();
      const loaded = await new Promise<string>((resolve) => {
        img.onload = () => resolve('image loaded');
        img.onerror = () => resolve('blocked');
        img.src = `${probe}probe-image`;
      });
      tries.push(loaded);
      let parent = 'blocked';
      try {
        parent = String((window.parent as unknown as { document: { title: string } }).document.title);
      } catch {
        /* a cross-origin frame: the host page is out of reach */
      }
      tries.push(parent);
      return tries;
    }, appsHost.url);
    expect(attempts).toEqual(['blocked', 'blocked', 'blocked', 'blocked']);
    expect(appsHost.strayRequests).toEqual([]);
    // Over the whole file, the browser asked for the host page and nothing else.
    expect(new Set(requested)).toEqual(new Set([appsHost.url]));
  });
});
