import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { runCliProcess, startServe, type ServeProcess } from '../helpers/cli.js';
import { eraClient, testKeychainService, type ConnectOptions } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';

const SERVE = fileURLToPath(new URL('../fixtures/serve-with-test-tools.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

let root: string;
let dataDir: string;
let home: string;
let port: number;
let env: Record<string, string>;
let serve: ServeProcess | null = null;
let client: Client;
let bridgeStderr = '';

const startHost = async () => (serve = await startServe(['--port', String(port), '--data-dir', dataDir], env, { entry: SERVE }));

async function activity(): Promise<Array<{ tool: string; client: string; status: string }>> {
  const text = await readFile(join(dataDir, 'activity', 'activity.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { tool: string; client: string; status: string });
}

/** What a desktop session gives the apps it starts: HOME and the keychain's bus, no shell PATH. */
function session(): Record<string, string> {
  return {
    HOME: home,
    TARMAC_KEYCHAIN_SERVICE: env.TARMAC_KEYCHAIN_SERVICE!,
    ...(process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {}),
  };
}

/** Start the bridge exactly as the client's config file says (command, args, env). */
async function connectAsConfigured(configFile: string, extraEnv: Record<string, string> = {}, era: ConnectOptions = {}): Promise<Client> {
  const entry = (JSON.parse(await readFile(configFile, 'utf8')) as { mcpServers: { tarmac: { command: string; args: string[]; env?: Record<string, string> } } }).mcpServers.tarmac;
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    // A GUI app's environment: no PATH to a node, only what the entry and the session give.
    env: { ...session(), ...extraEnv, ...entry.env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (bridgeStderr += d.toString()));
  const c = eraClient('claude-desktop-stand-in', era);
  await c.connect(transport);
  return c;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tarmac-bridge-'));
  dataDir = join(root, 'data');
  home = join(root, 'home');
  port = await freePort();
  env = { HOME: home, TARMAC_KEYCHAIN_SERVICE: testKeychainService(), XDG_CONFIG_HOME: join(home, '.config') };
  await startHost();
  const reg = await runCliProcess(['register', 'claude-desktop', '--data-dir', dataDir], { env });
  expect(reg.code, reg.stderr).toBe(0);
  client = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('tarmac bridge (stdio to the running Tarmac)', () => {
  it('lists the tools, and the activity log names the client', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'slow']));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'through the bridge' } });
    expect(result.structuredContent).toEqual({ text: 'through the bridge', length: 18 });
    await waitFor(async () => (await activity()).some((a) => a.tool === 'echo' && a.client === 'claude-desktop'));
  });

  it('relays progress notifications of a call', async () => {
    const seen: number[] = [];
    const result = await client.callTool({ name: 'slow', arguments: { ms: 50 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(result.isError).toBeFalsy();
    // The host sends progress without waiting (mcp/server.ts), so its last one may trail the result
    // and reach the client after it stopped listening; the first always comes through the bridge.
    expect(seen[0]).toBe(0);
  });

  it('relays a cancellation to Tarmac, which stops the call', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }, {
      signal: controller.signal,
      onprogress: () => controller.abort('stop'),
    });
    await expect(call).rejects.toThrow();
    await waitFor(async () => (await activity()).some((a) => a.tool === 'slow' && a.status === 'cancelled'));
  });

  it('says to start Tarmac while it is down, and carries on in a new session once it is back', async () => {
    await serve!.stop();
    serve = null;
    await expect(client.listTools()).rejects.toThrow(/Tarmac is not running .*tarmac serve/);
    await startHost();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    expect((await client.callTool({ name: 'echo', arguments: { text: 'again' } })).structuredContent).toEqual({ text: 'again', length: 5 });
  });

  it('starts without Tarmac: initialize works, requests say what to do, tools appear when it starts', async () => {
    const otherPort = await freePort();
    const other = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'));
    await other.close();
    // The same bridge, aimed at a port where nothing listens yet.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...(JSON.parse(await readFile(join(home, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8')) as { mcpServers: { tarmac: { args: string[] } } }).mcpServers.tarmac.args, '--url', `http://127.0.0.1:${otherPort}/mcp`],
      env: session(),
      stderr: 'pipe',
    });
    const lonely = new Client({ name: 'early-bird', version: '1' });
    await lonely.connect(transport);
    try {
      expect(lonely.getInstructions()).toMatch(/Tarmac is not running/);
      await expect(lonely.listTools()).rejects.toThrow(/Tarmac is not running \(nothing answers at http:\/\/127\.0\.0\.1:\d+\/mcp.*\): open the Tarmac app or run `tarmac serve`/);
      let changed = false;
      lonely.setNotificationHandler('notifications/tools/list_changed', () => void (changed = true));
      const late = await startServe(['--port', String(otherPort), '--data-dir', dataDir], env, { entry: SERVE });
      try {
        expect((await lonely.listTools()).tools.map((t) => t.name)).toContain('echo');
        await waitFor(() => changed);
      } finally {
        await late.stop();
      }
    } finally {
      await lonely.close();
    }
  });
});

describe('tarmac bridge with a 2026-07-28 client (no session: each request on its own)', () => {
  let modern: Client;
  beforeAll(async () => {
    // A fresh start: the test before ran a second Tarmac on this data dir, which left its own port behind.
    await serve?.stop();
    serve = await startHost();
    modern = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'), {}, { era: 'modern' });
  });
  afterAll(async () => modern?.close());

  it('discovers, lists and calls through the bridge', async () => {
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('echo');
    const result = await modern.callTool({ name: 'echo', arguments: { text: 'modern bridge' } });
    expect(result.structuredContent).toEqual({ text: 'modern bridge', length: 13 });
  });

  it('relays progress, and a cancellation stops the call in Tarmac', async () => {
    const seen: number[] = [];
    await modern.callTool({ name: 'slow', arguments: { ms: 50 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(seen[0]).toBe(0);
    const controller = new AbortController();
    const call = modern.callTool({ name: 'slow', arguments: { ms: 20_003 } }, { signal: controller.signal, onprogress: () => controller.abort('stop') });
    await expect(call).rejects.toThrow();
    await waitFor(async () => (await activity()).some((a) => a.tool === 'slow' && a.status === 'cancelled' && (a as { args?: { ms?: number } }).args?.ms === 20_003));
  });

  it('answers a call that was running when Tarmac stopped, instead of leaving the client waiting', async () => {
    let started = false;
    const call = modern.callTool({ name: 'slow', arguments: { ms: 20_004 } }, { onprogress: () => (started = true) });
    call.catch(() => undefined);
    await waitFor(() => started, 'the call is running');
    await serve!.stop();
    serve = null;
    await expect(call).rejects.toThrow(/Tarmac/);
    serve = await startHost();
  });

  it('says to start Tarmac while it is down, and works again once it is back', async () => {
    await serve!.stop();
    serve = null;
    await expect(modern.listTools()).rejects.toThrow(/Tarmac is not running .*tarmac serve/);
    await startHost();
    expect((await modern.callTool({ name: 'echo', arguments: { text: 'back' } })).structuredContent).toEqual({ text: 'back', length: 4 });
  });
});
