/**
 * The window's credential requests over a real host: every client listed with its kind and dates,
 * a token made (shown only in the answer) and working at once, bad names and taken names refused
 * with nothing changed, revocation of either kind refused by the endpoint at once, and
 * credentialsChanged pushed for changes made here, by another process, and by use.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult, TarmacEvent } from '../../src/shared/api.js';
import type { CreatedToken, McpCredential } from '../../src/shared/credentials.js';
import { createHostApi, type HostApi } from '../../src/main/host/api.js';
import { ClientTokens } from '../../src/main/host/mcp/tokens.js';
import { testTools } from '../fixtures/test-tools.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';

let t: TestHost;
let home: string;
let hostApi: HostApi;
const events: TarmacEvent[] = [];
const pushed = () => events.flatMap((e) => (e.type === 'credentialsChanged' ? [e.data] : []));
const lastPushed = () => pushed().at(-1);
const names = (list: McpCredential[] | undefined) => (list ?? []).map((c) => `${c.name}:${c.kind}`);
const status = async (token: string) => (await rawRequest(t.url, { headers: mcpHeaders(token), body: INIT_BODY })).status;
const keychain = async () => (await t.secrets.list()).sort();

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tarmac-api-credentials-'));
  t = await startTestHost({ providers: [], tools: testTools(), env: { PATH: process.env.PATH ?? '', HOME: home } });
  hostApi = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => events.push(e), coalesceMs: 1 });
});

afterAll(async () => {
  hostApi?.close();
  await t?.stop();
  await rm(home, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const c of await t.host.clients.list()) if (c.name !== 'test') await t.host.clients.revoke(c.name);
  await t.host.tokens.refresh();
  // The window asks once; from then on the host pushes.
  await hostApi.api.listCredentials();
  events.length = 0;
});

describe('credential requests of the host API', () => {
  it('creates a token shown only in its answer: it works at once, is listed, and is pushed without its value', async () => {
    const created = (await hostApi.call('createToken', ['ci-runner'])) as ApiResult<CreatedToken>;
    expect(created.ok).toBe(true);
    const { name, token } = (created as { ok: true; value: CreatedToken }).value;
    expect(name).toBe('ci-runner');
    expect(token).toMatch(/^tmc_[A-Za-z0-9_-]{43}$/);
    expect(await status(token)).toBe(200);

    const list = await hostApi.api.listCredentials();
    const row = list.find((c) => c.name === 'ci-runner')!;
    expect(row).toMatchObject({ kind: 'token', lastUsedAt: null });
    expect(Date.now() - Date.parse(row.createdAt!)).toBeLessThan(60_000);
    expect(names(list)).toEqual(['ci-runner:token', 'test:token']);
    expect(names(lastPushed())).toContain('ci-runner:token');
    // The token is in the answer and nowhere else: not in events, not in the log.
    expect(JSON.stringify(events)).not.toContain(token);
    await expect.poll(() => t.readLogs()).toContain('client token created in the window');
    expect(await t.readLogs()).not.toContain(token);
  });

  it('refuses bad names with invalid-input and changes nothing', async () => {
    const before = await keychain();
    const tokensBefore = await t.host.tokens.list();
    for (const args of [['Bad Name'], [''], ['-leading'], ['UPPER'], ['a'.repeat(65)], ['a/b'], [42], [null], [], ['ok', 'extra'], [{ name: 'x' }]]) {
      const result = await hostApi.call('createToken', args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    const bad = (await hostApi.call('createToken', ['Bad Name'])) as { ok: false; error: { message: string } };
    expect(bad.error.message).toContain('not a valid client name: use 1-64 lower-case letters, digits');
    expect(bad.error.message).toContain('Nothing was changed');
    for (const args of [['Bad Name'], [''], [7], []]) {
      expect(await hostApi.call('revokeCredential', args), JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(await hostApi.call('listCredentials', ['x'])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await keychain()).toEqual(before);
    expect(await t.host.tokens.list()).toEqual(tokensBefore);
    expect(pushed()).toEqual([]);
  });

  it('refuses a name that is taken (conflict) and keeps the token that has it', async () => {
    const old = await t.host.clients.createToken('taken');
    const result = (await hostApi.call('createToken', ['taken'])) as { ok: false; error: { code: string; message: string } };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('conflict');
    expect(result.error.message).toMatch(/"taken" already has a token.*Choose another name.*revoke it first/);
    expect(await status(old)).toBe(200);
    expect(await t.host.tokens.get('taken')).toBe(old);
  });

  it('revokes a token: the endpoint refuses it at once and the list is pushed; an unknown name is not-found', async () => {
    const { token } = await hostApi.api.createToken('short-lived');
    expect(await status(token)).toBe(200);
    events.length = 0;
    expect(await hostApi.call('revokeCredential', ['short-lived'])).toEqual({ ok: true, value: undefined });
    expect(await status(token)).toBe(401);
    expect(names(lastPushed())).toEqual(['test:token']);
    expect(await t.host.tokens.get('short-lived')).toBeNull();
    expect(await hostApi.call('revokeCredential', ['short-lived'])).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('no client named "short-lived"') } });
  });

  it('lists an OAuth client with its kind, keeps its name from a new token, and revokes it', async () => {
    await t.host.oauth.saveClient('client-id-1', { client_name: 'Editor', redirect_uris: ['http://127.0.0.1:9/cb'] });
    const name = await t.host.oauth.approve('client-id-1', 'Editor', (n) => t.host.clients.hasStaticName(n));
    expect(name).toBe('editor');
    await expect.poll(async () => names(await hostApi.api.listCredentials())).toEqual(['editor:oauth', 'test:token']);
    const result = (await hostApi.call('createToken', ['editor'])) as { ok: false; error: { code: string; message: string } };
    expect(result.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('signs in with OAuth') });
    expect(await t.host.tokens.get('editor')).toBeNull();
    events.length = 0;
    await hostApi.api.revokeCredential('editor');
    expect(names(lastPushed())).toEqual(['test:token']);
    expect(await t.host.oauth.list()).toEqual([]);
  });

  it('revoking a registered client\'s token pushes its card as needing repair too', async () => {
    await mkdir(join(home, '.cursor'), { recursive: true });
    await hostApi.api.changeClients('register', { clients: ['cursor'] });
    expect((await hostApi.api.listClients()).find((c) => c.id === 'cursor')?.status).toBe('registered');
    await expect.poll(() => names(lastPushed())).toContain('cursor:token');
    events.length = 0;
    await hostApi.api.revokeCredential('cursor');
    const cards = () => events.flatMap((e) => (e.type === 'clientsChanged' ? [e.data] : []));
    await expect.poll(() => cards().at(-1)?.find((c) => c.id === 'cursor')?.status).toBe('stale');
    await hostApi.api.changeClients('unregister', { clients: ['cursor'] });
  });

  it('pushes a token made by another process once the running host notices tokens.json changed', async () => {
    // `tarmac token create` elsewhere: its own ClientTokens over the same keychain and folder.
    const elsewhere = new ClientTokens(t.secrets, t.dataDir);
    await elsewhere.create('from-cli');
    // The serving host's watch (every 5 s) or its next request reloads; do what its tick does.
    await t.host.tokens.refresh();
    await expect.poll(() => names(lastPushed())).toContain('from-cli:token');
    await elsewhere.revoke('from-cli');
    await t.host.tokens.refresh();
    await expect.poll(() => names(lastPushed())).not.toContain('from-cli:token');
  });

  it('a tool call moves "last used" and "last connected", pushed without asking', async () => {
    const client = await t.connect('caller');
    events.length = 0;
    await hostApi.api.listCredentials();
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    await expect.poll(() => lastPushed()?.find((c) => c.name === 'caller')?.lastUsedAt ?? null).not.toBeNull();
    const row = lastPushed()!.find((c) => c.name === 'caller')!;
    expect(Date.now() - Date.parse(row.lastUsedAt!)).toBeLessThan(60_000);
    expect(row.lastConnectedAt).not.toBeNull();
    expect(Date.parse(row.lastConnectedAt!)).toBeGreaterThanOrEqual(Date.parse(row.lastUsedAt!));
    await client.close();
  });
});
