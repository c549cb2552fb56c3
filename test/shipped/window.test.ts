import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium } from '../e2e/harness.js';

/**
 * Browser mode as a person uses it, from `tarmac ui` of the source and of the build: the one-time
 * link opens the window in Chromium, pages load and talk to the host, and the link works once.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(BUILDS)('the window in browser mode (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;
  let ui: ChildProcess;
  let link: string;

  beforeAll(async () => {
    inst = await installation(build);
    // A running endpoint, as the desktop app has; `tarmac ui` shows it (its own endpoint is told
    // the port that one holds, so no test takes a port it does not hold).
    serve = await inst.serve();
    const settingsPath = join(inst.dataDir, 'settings.json');
    const settings = JSON.parse(await readFile(settingsPath, 'utf8')) as Record<string, unknown>;
    await writeFile(settingsPath, JSON.stringify({ ...settings, port: Number(new URL(serve.url).port) }));
    ui = inst.spawn(['ui', '--no-open', '--port', '0']);
    let out = '';
    ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => /^http:\/\/127\.0\.0\.1:\d+\/\?t=\S+$/m.test(out), 'the one-time link on stdout', 20_000);
    link = /^(http:\/\/127\.0\.0\.1:\d+\/\?t=\S+)$/m.exec(out)![1]!;
  });
  afterAll(async () => {
    ui?.kill('SIGTERM');
    await serve?.stop();
    await inst?.cleanup();
  });

  it('opens from the one-time link, shows the Overview, and moves between pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' }).textContent()).resolves.toBe('Overview');
    await page.getByRole('link', { name: 'Clients' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Clients' }).textContent()).resolves.toBe('Clients');
    await page.getByRole('link', { name: 'Tools' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Tools' }).textContent()).resolves.toBe('Tools');
    // The host answered: the Tools page lists the Fly tools.
    await expect(page.getByText('fly-apps-list').first().textContent()).resolves.toContain('fly-apps-list');
    await context.close();
  });

  it('the link works once: a second browser gets nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(401);
    await context.close();
  });
});
