/**
 * The window's client requests over a real host and a temporary HOME: the list, dry runs that
 * show the exact diff and write nothing, register / repair / remove, "register all detected",
 * errors as { code, message } that change nothing, and clientsChanged pushed after each change.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TarmacEvent } from '../../src/shared/api.js';
import type { ClientState } from '../../src/shared/clients.js';
import { createHostApi, type HostApi } from '../../src/main/host/api.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let home: string;
let t: TestHost;
let hostApi: HostApi;
const events: TarmacEvent[] = [];
const cursorFile = () => join(home, '.cursor', 'mcp.json');
const clientsEvents = () => events.flatMap((e) => (e.type === 'clientsChanged' ? [e.data] : []));
const cursorIn = (list: ClientState[]) => list.find((c) => c.id === 'cursor')!;
const exists = (p: string) => stat(p).then(() => true, () => false);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-api-clients-'));
  home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  t = await startTestHost({ providers: [], env: { PATH: process.env.PATH ?? '', HOME: home } });
  hostApi = createHostApi(t.host, {
    openBrowser: async () => undefined,
    emit: (e) => events.push(e),
    coalesceMs: 1,
    clientLauncher: { command: '/opt/Tarmac/tarmac', args: ['/opt/Tarmac/resources/app.asar/out/cli/tarmac.cjs'], env: { ELECTRON_RUN_AS_NODE: '1' } },
  });
});

afterAll(async () => {
  hostApi?.close();
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  // Each test starts with no client files and no client tokens.
  for (const name of ['.cursor', '.claude.json', '.claude', '.gemini', '.config']) await rm(join(home, name), { recursive: true, force: true });
  for (const id of ['cursor', 'gemini-cli', 'claude-code', 'claude-desktop']) await t.host.clients.revoke(id).catch(() => []);
  events.length = 0;
});

describe('client requests of the host API', () => {
  it('lists every client with detection, status, OAuth support and a snippet; installed ones are detected', async () => {
    let list = await hostApi.api.listClients();
    expect(list.length).toBeGreaterThanOrEqual(25);
    expect(cursorIn(list)).toMatchObject({ label: 'Cursor', detected: false, status: 'not-registered', supportsOAuth: true, lastConnectedAt: null, files: [{ path: cursorFile(), exists: false }] });
    expect(cursorIn(list).snippet).toContain(`"url": "${t.url}"`);
    await mkdir(join(home, '.cursor'));
    list = await hostApi.api.listClients();
    expect(cursorIn(list).detected).toBe(true);
    // The desktop shell's launcher is what stdio-only clients are told to start.
    expect(list.find((c) => c.id === 'claude-desktop')!.snippet).toContain('/opt/Tarmac/resources/app.asar/out/cli/tarmac.cjs');
  });

  it('a dry run returns the exact diff (token masked) and writes nothing; Apply writes it and pushes clientsChanged', async () => {
    await mkdir(join(home, '.cursor'));
    const before = '{\n  "mcpServers": {\n    "other": { "url": "https://example.com/mcp" }\n  }\n}\n';
    await writeFile(cursorFile(), before);
    const [preview] = await hostApi.api.changeClients('register', { clients: ['cursor'], dryRun: true });
    expect(preview).toMatchObject({ id: 'cursor', path: cursorFile(), changed: true, written: false, backup: null });
    expect(preview!.diff).toMatch(/^\+\s+"tarmac": \{$/m);
    expect(preview!.diff).toContain(`+      "url": "${t.url}"`);
    expect(preview!.diff).not.toMatch(/tmc_[A-Za-z0-9_-]{20,}/);
    expect(await readFile(cursorFile(), 'utf8')).toBe(before);
    expect(await t.host.tokens.get('cursor')).toBeNull();
    expect(clientsEvents()).toEqual([]);

    const [applied] = await hostApi.api.changeClients('register', { clients: ['cursor'] });
    expect(applied).toMatchObject({ changed: true, written: true });
    const written = JSON.parse(await readFile(cursorFile(), 'utf8')) as { mcpServers: Record<string, { url: string; headers?: Record<string, string> }> };
    expect(written.mcpServers.other).toEqual({ url: 'https://example.com/mcp' });
    expect(written.mcpServers.tarmac).toEqual({ url: t.url, headers: { Authorization: `Bearer ${await t.host.tokens.get('cursor')}` } });
    const pushed = clientsEvents().at(-1)!;
    expect(cursorIn(pushed)).toMatchObject({ status: 'registered', credential: 'token' });
  });

  it('OAuth where the client supports it: the URL alone; refused for a client that cannot', async () => {
    await hostApi.api.changeClients('register', { clients: ['cursor'], oauth: true });
    expect(JSON.parse(await readFile(cursorFile(), 'utf8'))).toEqual({ mcpServers: { tarmac: { url: t.url } } });
    expect(cursorIn(await hostApi.api.listClients())).toMatchObject({ status: 'registered', credential: 'oauth' });
    const refused = await hostApi.call('changeClients', ['register', { clients: ['claude-desktop'], oauth: true }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('cannot sign in with OAuth') } });
  });

  it('a stale entry (another port) is repaired; Remove takes the entry out and revokes the token', async () => {
    await mkdir(join(home, '.cursor'));
    await hostApi.api.changeClients('register', { clients: ['cursor'] });
    const token = await t.host.tokens.get('cursor');
    await writeFile(cursorFile(), JSON.stringify({ mcpServers: { tarmac: { url: 'http://127.0.0.1:1/mcp', headers: { Authorization: `Bearer ${token}` } } } }, null, 2));
    const stale = cursorIn(await hostApi.api.listClients());
    expect(stale).toMatchObject({ status: 'stale', reason: expect.stringContaining('it points at http://127.0.0.1:1/mcp') });

    const [repairPreview] = await hostApi.api.changeClients('repair', { clients: ['cursor'], dryRun: true });
    expect(repairPreview!.diff).toContain('-      "url": "http://127.0.0.1:1/mcp"');
    expect(repairPreview!.diff).toContain(`+      "url": "${t.url}"`);
    await hostApi.api.changeClients('repair', { clients: ['cursor'] });
    expect(cursorIn(await hostApi.api.listClients()).status).toBe('registered');

    const [removePreview] = await hostApi.api.changeClients('unregister', { clients: ['cursor'], dryRun: true });
    expect(removePreview!.diff).toMatch(/^-\s+"tarmac": \{$/m);
    expect(await t.host.tokens.get('cursor')).not.toBeNull();
    await hostApi.api.changeClients('unregister', { clients: ['cursor'] });
    expect(JSON.parse(await readFile(cursorFile(), 'utf8'))).toEqual({ mcpServers: {} });
    expect(await t.host.tokens.get('cursor')).toBeNull();
    expect(cursorIn(clientsEvents().at(-1)!).status).toBe('not-registered');
  });

  it('a diff never shows a token, not even an old revoked one being replaced', async () => {
    await mkdir(join(home, '.cursor'));
    await hostApi.api.changeClients('register', { clients: ['cursor'] });
    const old = (await t.host.tokens.get('cursor'))!;
    await t.host.tokens.revoke('cursor');
    expect(cursorIn(await hostApi.api.listClients())).toMatchObject({ status: 'stale', reason: expect.stringContaining('revoked') });
    const [preview] = await hostApi.api.changeClients('repair', { clients: ['cursor'], dryRun: true });
    expect(preview!.diff).toContain('-        "Authorization": "Bearer tmc_••••••(old)"');
    expect(preview!.diff).not.toContain(old);
    expect(preview!.diff).not.toMatch(/tmc_[A-Za-z0-9_-]{16,}/);
  });

  it('a corrupt config is config-corrupt with file:line, and the file stays byte for byte', async () => {
    await mkdir(join(home, '.cursor'));
    const broken = '{\n  "mcpServers": {\n    "other": { "url": "x" },,\n  }\n';
    await writeFile(cursorFile(), broken);
    expect(cursorIn(await hostApi.api.listClients())).toMatchObject({ status: 'unreadable', reason: 'line 3, column 29: not valid JSON: a name in double quotes was expected (a stray or extra comma?)' });
    for (const dryRun of [true, false]) {
      const result = await hostApi.call('changeClients', ['register', { clients: ['cursor'], dryRun }]);
      expect(result).toEqual({ ok: false, error: { code: 'config-corrupt', message: expect.stringMatching(new RegExp(`^${cursorFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: not valid JSON.*left the file as it was`)) } });
    }
    expect(await readFile(cursorFile(), 'utf8')).toBe(broken);
  });

  it('an entry named "tarmac" that is not Tarmac\'s is a conflict until forced', async () => {
    await mkdir(join(home, '.cursor'));
    const foreign = JSON.stringify({ mcpServers: { tarmac: { url: 'https://tarmac.example.com/mcp' } } }, null, 2);
    await writeFile(cursorFile(), foreign);
    const refused = await hostApi.call('changeClients', ['register', { clients: ['cursor'] }]);
    expect(refused).toEqual({ ok: false, error: { code: 'conflict', message: expect.stringContaining('choose "Overwrite"') } });
    expect(await readFile(cursorFile(), 'utf8')).toBe(foreign);
    await hostApi.api.changeClients('register', { clients: ['cursor'], force: true });
    expect(cursorIn(await hostApi.api.listClients()).status).toBe('registered');
  });

  it('register all detected: only installed clients not yet registered; a dry run writes nothing', async () => {
    await mkdir(join(home, '.cursor'));
    await mkdir(join(home, '.gemini'));
    const preview = await hostApi.api.registerDetectedClients(true);
    expect([...new Set(preview.map((c) => c.id))].sort()).toEqual(['cursor', 'gemini-cli']);
    expect(preview.every((c) => c.changed && !c.written)).toBe(true);
    expect(await exists(cursorFile())).toBe(false);
    const applied = await hostApi.api.registerDetectedClients(false);
    expect(applied.every((c) => c.written)).toBe(true);
    const list = await hostApi.api.listClients();
    expect(list.filter((c) => c.status === 'registered').map((c) => c.id).sort()).toEqual(['cursor', 'gemini-cli']);
    expect(await hostApi.api.registerDetectedClients(true)).toEqual([]);
  });

  it('refuses bad requests before anything runs', async () => {
    expect(await hostApi.call('changeClients', ['register', { clients: ['no-such-client'] }])).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('unknown client "no-such-client"') } });
    expect(await hostApi.call('changeClients', ['register', { clients: ['../etc'] }])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await hostApi.call('changeClients', ['delete', { clients: ['cursor'] }])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await hostApi.call('changeClients', ['register', { clients: ['cursor'], extra: 1 }])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await exists(cursorFile())).toBe(false);
  });

  it('a client connecting updates its last connection on the page without a request', async () => {
    await mkdir(join(home, '.cursor'));
    await hostApi.api.changeClients('register', { clients: ['cursor'] });
    expect(cursorIn(await hostApi.api.listClients()).lastConnectedAt).toBeNull();
    events.length = 0;
    const token = (await t.host.tokens.get('cursor'))!;
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cursor-test', version: '1' } } }),
    });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    await waitFor(() => clientsEvents().some((list) => cursorIn(list).lastConnectedAt !== null), 'clientsChanged with a last connection for cursor');
  });
});
