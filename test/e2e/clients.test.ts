/**
 * The Clients page against a real host in a temporary HOME: register Cursor after seeing the
 * diff, remove it, repair a stale entry, a corrupt config left as it was, "Register all
 * detected", the filter, and keyboard-only use of the dialog.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, startUi, type Ui } from './harness.js';
import { ClientsPage } from './pages/ClientsPage.js';

const suite = e2eSuite();

async function open(prepare?: (home: string) => Promise<void>): Promise<{ ui: Ui; page: Page; clients: ClientsPage; cursorFile: string }> {
  const ui = await startUi({ sim: false });
  suite.defer(() => ui.stop());
  // Cursor is "installed": its folder is there.
  await mkdir(join(ui.home, '.cursor'), { recursive: true });
  await prepare?.(ui.home);
  const { context, page } = await ui.open(suite.browser());
  suite.defer(() => context.close());
  const clients = await new ClientsPage(page).goto();
  return { ui, page, clients, cursorFile: join(ui.home, '.cursor', 'mcp.json') };
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as { mcpServers: Record<string, { url: string; headers?: Record<string, string> }> };

describe('the Clients page', () => {
  it('registers Cursor after showing the diff, then removes it; nothing is written before Apply', async () => {
    const { ui, page, clients, cursorFile } = await open(async (home) => {
      await writeFile(join(home, '.cursor', 'mcp.json'), '{\n  "mcpServers": {\n    "other": { "url": "https://example.com/mcp" }\n  }\n}\n');
    });
    const before = await readFile(cursorFile, 'utf8');
    expect(await clients.badge('cursor').textContent()).toBe('Not registered');
    expect(await clients.card('cursor').textContent()).toContain('Installed on this computer');

    // Cursor's own install link is offered too: it carries the endpoint's URL and no token.
    const link = new URL((await clients.card('cursor').getByRole('link', { name: 'Open in Cursor' }).getAttribute('href'))!);
    expect(`${link.protocol}//${link.host}${link.pathname}`).toBe('cursor://anysphere.cursor-deeplink/mcp/install');
    expect(JSON.parse(Buffer.from(link.searchParams.get('config')!, 'base64').toString('utf8'))).toEqual({ url: ui.t.url });

    // Cancel writes nothing.
    await clients.button('cursor', 'Register').click();
    await clients.diff(cursorFile).waitFor();
    await clients.cancel().click();
    await clients.dialog().waitFor({ state: 'detached' });
    expect(await readFile(cursorFile, 'utf8')).toBe(before);

    await clients.button('cursor', 'Register').click();
    const diff = clients.diff(cursorFile);
    await diff.waitFor();
    expect(await clients.dialog().getByRole('heading', { name: 'Register Cursor' }).count()).toBe(1);
    const added = await diff.locator('.diff-add').allTextContents();
    expect(added.join('\n')).toContain(`+      "url": "${ui.t.url}"`);
    expect(added.every((l) => l.startsWith('added: +'))).toBe(true);
    // The token is not shown.
    expect(await diff.textContent()).not.toMatch(/tmc_[A-Za-z0-9_-]{20,}/);
    expect(await readFile(cursorFile, 'utf8')).toBe(before);

    await clients.apply().click();
    await clients.dialog().waitFor({ state: 'detached' });
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Registered');
    expect(await clients.done().textContent()).toContain(cursorFile);
    const written = await readJson(cursorFile);
    expect(written.mcpServers.other).toEqual({ url: 'https://example.com/mcp' });
    expect(written.mcpServers.tarmac).toEqual({ url: ui.t.url, headers: { Authorization: `Bearer ${await ui.t.host.tokens.get('cursor')}` } });
    // Focus lands on the card, not on a button that went away.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('client-cursor-title');

    await clients.button('cursor', 'Remove').click();
    await clients.diff(cursorFile).waitFor();
    expect((await clients.diff(cursorFile).locator('.diff-del').allTextContents()).join('\n')).toContain('removed: -    "tarmac": {');
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Not registered');
    expect((await readJson(cursorFile)).mcpServers).toEqual({ other: { url: 'https://example.com/mcp' } });
    expect(await ui.t.host.tokens.get('cursor')).toBeNull();
  });

  it('a stale entry (another port) says why and gets Repair', async () => {
    const { ui, clients, cursorFile } = await open();
    await ui.mode.api.api.changeClients('register', { clients: ['cursor'] });
    const token = await ui.t.host.tokens.get('cursor');
    await writeFile(cursorFile, JSON.stringify({ mcpServers: { tarmac: { url: 'http://127.0.0.1:1/mcp', headers: { Authorization: `Bearer ${token}` } } } }, null, 2));
    // Edited outside Tarmac: the page looks again when it is opened.
    await clients.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await clients.goto();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Needs repair');
    expect(await clients.staleReason('cursor').textContent()).toContain('it points at http://127.0.0.1:1/mcp');

    await clients.button('cursor', 'Repair').click();
    await clients.diff(cursorFile).waitFor();
    const del = await clients.diff(cursorFile).locator('.diff-del').allTextContents();
    expect(del.join('\n')).toContain('"url": "http://127.0.0.1:1/mcp"');
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Registered');
    expect((await readJson(cursorFile)).mcpServers.tarmac!.url).toBe(ui.t.url);
  });

  it('a config file that does not parse is not "Needs repair": it says what is wrong, in words, and offers what works', async () => {
    const broken = '{\n  "mcpServers": {\n    // mine\n    "other": { "url": "x" }\n  }\n}\n';
    const { page, clients, cursorFile } = await open(async (home) => writeFile(join(home, '.cursor', 'mcp.json'), broken));
    expect(await clients.badge('cursor').textContent()).toBe('Config file unreadable');
    expect(await clients.problem('cursor').textContent()).toContain('The config file can’t be read: line 3, column 5: not valid JSON: a comment, which plain JSON does not allow');
    expect(await clients.card('cursor').textContent()).not.toMatch(/InvalidCommentToken|Needs repair/);
    expect(await clients.button('cursor', 'Repair').count()).toBe(0);
    expect(await clients.button('cursor', 'Remove').count()).toBe(0);
    // What works: setting it up by hand, or fixing the file and checking again.
    expect(await clients.card('cursor').getByText('Set up by hand').isVisible()).toBe(true);
    await writeFile(cursorFile, broken.replace('    // mine\n', ''));
    await clients.button('cursor', 'Check again').click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Not registered');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('a file over the limits says so and stays as it was', async () => {
    const deep = `{ "mcpServers": {}, "x": ${'['.repeat(70)}${']'.repeat(70)} }\n`;
    const { clients, cursorFile } = await open(async (home) => writeFile(join(home, '.cursor', 'mcp.json'), deep));
    expect(await clients.badge('cursor').textContent()).toBe('Config file unreadable');
    expect(await clients.problem('cursor').textContent()).toMatch(/nested more than 64 levels deep/);
    expect(await readFile(cursorFile, 'utf8')).toBe(deep);
  });

  it('registers all detected clients after one diff, with the keyboard alone; the filter finds clients by name', async () => {
    const { page, clients, cursorFile } = await open(async (home) => mkdir(join(home, '.gemini')));
    await clients.filter().fill('gem');
    await expect.poll(() => page.locator('[data-testid^="client-"]').count()).toBe(1);
    expect(await clients.card('gemini-cli').isVisible()).toBe(true);
    await clients.filter().fill('');

    await clients.registerAllDetected().focus();
    expect(await clients.registerAllDetected().textContent()).toBe('Register all detected (2)');
    await page.keyboard.press('Enter');
    await clients.diff(cursorFile).waitFor();
    const files = await clients.dialog().locator('.diff-path').allTextContents();
    expect(files.sort()).toEqual([cursorFile, expect.stringMatching(/\.gemini\/settings\.json$/)].sort());
    // Keyboard: Tab moves within the dialog (focus stays trapped in it) to Apply; Enter applies.
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Apply'; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
    }
    await page.keyboard.press('Enter');
    await clients.dialog().waitFor({ state: 'detached' });
    await expect.poll(() => clients.badge('gemini-cli').textContent()).toBe('Registered');
    expect(await clients.badge('cursor').textContent()).toBe('Registered');
    expect(await clients.registerAllDetected().isDisabled()).toBe(true);
    // Escape closes a dialog without writing.
    await clients.button('cursor', 'Remove').focus();
    await page.keyboard.press('Enter');
    await clients.diff(cursorFile).waitFor();
    await page.keyboard.press('Escape');
    await clients.dialog().waitFor({ state: 'detached' });
    expect((await readJson(cursorFile)).mcpServers.tarmac).toBeDefined();
  });

  it('an entry named "tarmac" that is not Tarmac\'s is left alone until the person replaces it, after seeing the diff', async () => {
    const foreign = JSON.stringify({ mcpServers: { tarmac: { url: 'https://tarmac.example.com/mcp' } } }, null, 2);
    const { ui, clients, cursorFile } = await open(async (home) => writeFile(join(home, '.cursor', 'mcp.json'), foreign));
    expect(await clients.badge('cursor').textContent()).toBe('Has another “tarmac”');
    expect(await clients.problem('cursor').textContent()).toContain('an entry named “tarmac” that Tarmac did not write (it points at https://tarmac.example.com/mcp)');
    expect(await clients.button('cursor', 'Repair').count()).toBe(0);
    expect(await clients.button('cursor', 'Remove').count()).toBe(0);
    await clients.button('cursor', 'Replace with Tarmac’s entry…').click();
    const del = clients.diff(cursorFile).locator('.diff-del');
    await del.first().waitFor();
    expect((await del.allTextContents()).join('\n')).toContain('https://tarmac.example.com/mcp');
    expect(await clients.dialog().textContent()).toContain('The other “tarmac” entry is replaced by Tarmac’s');
    expect(await readFile(cursorFile, 'utf8')).toBe(foreign);
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Registered');
    expect((await readJson(cursorFile)).mcpServers.tarmac!.url).toBe(ui.t.url);
    // The user's file is kept as it was.
    expect(await clients.done().textContent()).toContain('previous files are kept');
    const backups = await readdir(join(ui.t.host.dataDir, 'client-backups'));
    expect(await Promise.all(backups.map((b) => readFile(join(ui.t.host.dataDir, 'client-backups', b), 'utf8')))).toContain(foreign);
  });

  it('registering Cursor changes only Tarmac\'s entry: a one-line neighbour stays one line', async () => {
    const mine = '{\n  "mcpServers": {\n    "other": { "url": "https://example.com/mcp" }\n  }\n}\n';
    const { clients, cursorFile } = await open(async (home) => writeFile(join(home, '.cursor', 'mcp.json'), mine));
    await clients.button('cursor', 'Register').click();
    await clients.diff(cursorFile).waitFor();
    expect(await clients.diff(cursorFile).locator('.diff-del').count()).toBe(1);
    expect(await clients.diff(cursorFile).locator('.diff-del').textContent()).toContain('"other": { "url": "https://example.com/mcp" }');
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Registered');
    const written = await readFile(cursorFile, 'utf8');
    expect(written).toContain('    "other": { "url": "https://example.com/mcp" },\n    "tarmac": {');
    await clients.button('cursor', 'Remove').click();
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Not registered');
    expect(await readFile(cursorFile, 'utf8')).toBe(mine);
  });

  it('after Remove, "Last connected" keeps the history; a registered client that is not installed is not called installed', async () => {
    const { ui, page, clients } = await open();
    await ui.mode.api.api.changeClients('register', { clients: ['cursor', 'windsurf'] });
    expect(await ui.t.host.clients.authenticate((await ui.t.host.tokens.get('cursor'))!, null)).toBe('cursor');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await clients.goto();
    await expect.poll(() => clients.lastConnected('cursor').textContent()).not.toBe('never');
    await clients.button('cursor', 'Remove').click();
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Not registered');
    expect(await clients.lastConnected('cursor').textContent()).not.toBe('never');

    await expect.poll(() => clients.badge('windsurf').textContent()).toBe('Registered');
    const windsurf = await clients.card('windsurf').textContent();
    expect(windsurf).not.toContain('Installed on this computer');
    expect(windsurf).toContain('Not found on this computer: its config file is ready for when you install it');
  });

  it('a long path wraps inside its card, and the whole path is there to read and copy', async () => {
    const dir = `/tmp/${'a-folder-with-a-very-long-name-'.repeat(6)}end`;
    const ui = await startUi({ sim: false, env: { CLAUDE_CONFIG_DIR: dir } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    await page.setViewportSize({ width: 800, height: 600 });
    const clients = await new ClientsPage(page).goto();
    const path = clients.paths('claude-code').first();
    expect(await path.getAttribute('title')).toBe(`${dir}/.claude.json`);
    expect(await path.textContent()).toBe(`${dir}/.claude.json`);
    await clients.card('claude-code').getByText('Set up by hand').click();
    const fits = await clients.card('claude-code').evaluate((card) => card.scrollWidth <= card.clientWidth && [...card.querySelectorAll('*')].every((el) => el.getBoundingClientRect().right <= card.getBoundingClientRect().right + 0.5));
    expect(fits).toBe(true);
    expect(await clients.card('claude-code').getByRole('button', { name: 'Copy the path of Claude Code’s config file' }).isVisible()).toBe(true);
  });

  it('with the OAuth option only the URL goes into the file; changes made elsewhere show up without a reload', async () => {
    const { ui, clients, cursorFile } = await open();
    await clients.card('cursor').getByLabel('Sign in with OAuth instead of a token').check();
    await clients.button('cursor', 'Register').click();
    await clients.diff(cursorFile).waitFor();
    expect(await clients.diff(cursorFile).textContent()).not.toContain('Authorization');
    await clients.apply().click();
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Registered');
    expect(await readJson(cursorFile)).toEqual({ mcpServers: { tarmac: { url: ui.t.url } } });
    expect(await clients.card('cursor').textContent()).toContain('Signs in with OAuth');
    // Another window (or the host's own API) removes it: this page hears of it (clientsChanged).
    await ui.mode.api.api.changeClients('unregister', { clients: ['cursor'] });
    await expect.poll(() => clients.badge('cursor').textContent()).toBe('Not registered');
  });

  it('a client that is not installed offers its entry to copy', async () => {
    const { clients } = await open();
    const card = clients.card('windsurf');
    expect(await card.textContent()).toContain('Not found on this computer');
    await card.getByText('Set up by hand').click();
    const snippet = card.getByLabel('Entry for Windsurf', { exact: true });
    expect(await snippet.textContent()).toContain('"tarmac"');
    expect(await card.getByRole('button', { name: 'Copy the entry for Windsurf' }).isVisible()).toBe(true);
  });
});
