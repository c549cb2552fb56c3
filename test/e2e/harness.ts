/**
 * Browser mode against a real host for Playwright: the fake flyctl, the Flight Control
 * simulator (with its real oidc-provider), the real keyring, and the built renderer in
 * out/renderer (npm test builds before it tests). Chromium is Debian's, headless.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import type { HostOptions } from '../../src/main/host/index.js';
import type { Settings } from '../../src/main/host/settings.js';
import type { AnyToolSpec } from '../../src/main/host/tools/catalogue.js';
import { startBrowserMode, type BrowserMode } from '../../src/main/web/index.js';
import { startFlightctlSim, type FlightctlSim, type SimOptions } from '../fixtures/flightctl-sim/index.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

// TARMAC_RENDERER_DIR: another build of the window (for a before/after comparison of bench:ui).
export const RENDERER_DIR = resolve(process.env.TARMAC_RENDERER_DIR ?? 'out/renderer');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary --user-data-dir of its own.
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface UiOptions {
  sim?: SimOptions | false;
  settings?: Partial<Settings>;
  env?: NodeJS.ProcessEnv;
  /** What happens to sign-in URLs the host would open in the system browser. */
  onBrowser?: (url: string) => void;
  /** Extra tools (test/fixtures/test-tools.ts) besides the providers'. */
  tools?: AnyToolSpec[];
  /** Host options besides those (e.g. trustTerminal). */
  hostOptions?: Omit<Partial<HostOptions>, 'providers' | 'tools'>;
}

export interface Ui {
  t: TestHost;
  mode: BrowserMode;
  sim: FlightctlSim | null;
  home: string;
  /** Replace what opening a sign-in URL does. */
  onBrowser(fn: (url: string) => void): void;
  /** A fresh browser context signed in through the one-time link (only the first call can use it). */
  open(browser: Browser, options?: { colorScheme?: 'light' | 'dark'; bypassCSP?: boolean; acceptDownloads?: boolean }): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

export async function startUi(options: UiOptions = {}): Promise<Ui> {
  const home = await mkdtemp(join(tmpdir(), 'tarmac-ui-home-'));
  const sim = options.sim === false ? null : await startFlightctlSim({ devices: 3, fleets: 2, events: 5, ...options.sim });
  const t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), FLY_CONFIG_DIR: join(home, '.fly'), ...options.env },
    settings: { flyctlPath: FAKE_FLYCTL, ...options.settings },
    ...(options.tools ? { tools: options.tools } : {}),
    ...options.hostOptions,
  });
  let hook = options.onBrowser ?? (() => undefined);
  const mode = await startBrowserMode(t.host, { rendererDir: RENDERER_DIR, openBrowser: async (url) => hook(url) });
  let used = false;
  return {
    t,
    mode,
    sim,
    home,
    onBrowser: (fn) => (hook = fn),
    async open(browser, opts = {}) {
      const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: { width: 1200, height: 860 }, ...(opts.bypassCSP ? { bypassCSP: true } : {}), ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
      const page = await context.newPage();
      if (used) throw new Error('the one-time link was used already; share one context or start another Ui');
      used = true;
      await page.goto(mode.url);
      return { context, page };
    },
    async stop() {
      await mode.close();
      await t.stop();
      await sim?.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * One Chromium for a test file, and clean-ups that run after each test (newest first): the
 * set-up every e2e file shares. Call at the top level of the file.
 */
export function e2eSuite(): { browser(): Browser; defer(cleanup: () => Promise<unknown>): void } {
  let browser: Browser | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  return {
    browser: () => {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
  };
}

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's serious and critical violations on the page (or in one frame of it) as it is now,
 * one line each. axe is injected as a script: the page's context must have been opened with
 * bypassCSP, or the frame's policy must allow inline scripts.
 */
export async function seriousViolations(page: Page | Frame): Promise<string[]> {
  // globalThis, not window/document: this file is also compiled without the DOM library.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> } };
    return (await page.axe.run(page.document, { resultTypes: ['violations'] })).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * A screenshot into TARMAC_SCREENSHOT_DIR, for a person to look at (`name` is the file's name
 * without .png); nothing when it is unset, so test runs leave no files behind.
 */
export async function screenshot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.TARMAC_SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await target.screenshot({ path: join(dir, `${name}.png`), ...('goto' in target && options.fullPage ? { fullPage: true } : {}) });
}

/**
 * axe's serious and critical findings at 1280x800 and 800x600, light and dark, each labelled
 * with where it was found (a screenshot of `shot`, or the page, at each one when asked for);
 * then the page is back at the harness's size in light.
 */
export async function violationsEverywhere(page: Page, name: string, shot?: Locator, options: { fullPage?: boolean } = {}): Promise<string[]> {
  const found: string[] = [];
  for (const [w, h] of [[1280, 800], [800, 600]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      found.push(...(await seriousViolations(page)).map((v) => `${name} ${scheme} ${w}: ${v}`));
      await screenshot(shot ?? page, `${name}-${scheme}-${w}`, options);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1200, height: 860 });
  return found;
}

/** axe's serious and critical findings in light and dark at the current size (a screenshot of each when asked for). */
export async function violationsInBothThemes(page: Page, name: string, shot?: Locator): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...(await seriousViolations(page)).map((v) => `${name} ${scheme}: ${v}`));
    await screenshot(shot ?? page, `${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
