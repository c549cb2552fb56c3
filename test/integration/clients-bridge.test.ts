import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** The URL a bridge is given, held by this file from start to end; `to` says which Tarmac is behind it, if any. */
interface Door {
  url: string;
  to(tarmacUrl: string | null): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers: each side of the relay has its own connection. */
const withoutHop = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'connection' && k !== 'keep-alive'));

/**
 * The bridges reach Tarmac through a loopback relay on a port this file holds until it ends. With
 * a Tarmac behind it, each request goes through to that Tarmac (Host set to its port, which it
 * checks); with none, every connection is reset at once, which the bridge reports as "Tarmac is
 * not running". Tarmac itself takes a port of its own choosing (--port 0) at every start. So
 * "Tarmac is down" never depends on a released port staying free: a port this file freed, or the
 * one a stopped Tarmac freed, could be taken by another Tarmac (or another test's server) before
 * the check, and then something answers. (Without --url a bridge whose Tarmac is down falls back
 * to the settings' port, 8276 by default, where any Tarmac may be running.)
 */
async function openDoor(): Promise<Door> {
  let target: URL | null = null;
  const server = createServer((req, res) => {
    const to = target;
    if (!to) return void req.socket.resetAndDestroy();
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...withoutHop(req.headers), host: to.host }, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHop(answer.headers));
        answer.pipe(res);
        // Tarmac stopped in the middle of an answer: the bridge sees the stream cut, not ended.
        answer.once('close', () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.once('error', () => (res.headersSent ? res.destroy() : req.socket.resetAndDestroy()));
    // The bridge closed its side (a 2026-07-28 cancellation closes the response): so does the relay.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    to: (tarmacUrl) => (target = tarmacUrl === null ? null : new URL(tarmacUrl)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let root: string;
let dataDir: string;
let home: string;
let door: Door;
let env: Record<string, string>;
let serve: ServeProcess | null = null;
let client: Client;
let bridgeStderr = '';

const startHost = async () => {
  serve = await startServe(['--port', '0', '--data-dir', dataDir], env, { entry: SERVE });
  door.to(serve.url);
  return serve;
};
/** Tarmac goes down: the door resets new connections from now on, then Tarmac stops. */
const stopHost = async () => {
  door.to(null);
  await serve?.stop();
  serve = null;
};

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

/**
 * Start the bridge exactly as the client's config file says (command, args, env), aimed at the
 * door (--url) unless `asWritten`: then it finds the running Tarmac on its own (the data dir's
 * instance file).
 */
async function connectAsConfigured(configFile: string, extraEnv: Record<string, string> = {}, era: ConnectOptions = {}, asWritten = false): Promise<Client> {
  const entry = (JSON.parse(await readFile(configFile, 'utf8')) as { mcpServers: { tarmac: { command: string; args: string[]; env?: Record<string, string> } } }).mcpServers.tarmac;
  const transport = new StdioClientTransport({
    command: entry.command,
    args: asWritten ? entry.args : [...entry.args, '--url', door.url],
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
  door = await openDoor();
  env = { HOME: home, TARMAC_KEYCHAIN_SERVICE: testKeychainService(), XDG_CONFIG_HOME: join(home, '.config') };
  await startHost();
  const reg = await runCliProcess(['register', 'claude-desktop', '--data-dir', dataDir], { env });
  expect(reg.code, reg.stderr).toBe(0);
  client = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await serve?.stop();
  await door?.close();
  await rm(root, { recursive: true, force: true });
});

describe('tarmac bridge (stdio to the running Tarmac)', () => {
  it('lists the tools, and the activity log names the client', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'slow']));
    const result = await client.callTool({ name: 'echo', arguments: { text: 'through the bridge' } });
    expect(result.structuredContent).toEqual({ text: 'through the bridge', length: 18 });
    await waitFor(async () => (await activity()).some((a) => a.tool === 'echo' && a.client === 'claude-desktop'));
    // Started exactly as written (no --url), the bridge finds the running Tarmac by itself.
    const asWritten = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'), {}, {}, true);
    try {
      expect((await asWritten.listTools()).tools.map((t) => t.name)).toContain('echo');
    } finally {
      await asWritten.close();
    }
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
    await stopHost();
    await expect(client.listTools()).rejects.toThrow(/Tarmac is not running .*tarmac serve/);
    await startHost();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    expect((await client.callTool({ name: 'echo', arguments: { text: 'again' } })).structuredContent).toEqual({ text: 'again', length: 5 });
  });

  it('starts without Tarmac: initialize works, requests say what to do, tools appear when it starts', async () => {
    const other = await connectAsConfigured(join(home, '.config', 'Claude', 'claude_desktop_config.json'));
    await other.close();
    // The same bridge, aimed at a door of its own with no Tarmac behind it yet.
    const lonelyDoor = await openDoor();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...(JSON.parse(await readFile(join(home, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8')) as { mcpServers: { tarmac: { args: string[] } } }).mcpServers.tarmac.args, '--url', lonelyDoor.url],
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
      const late = await startServe(['--port', '0', '--data-dir', dataDir], env, { entry: SERVE });
      lonelyDoor.to(late.url);
      try {
        expect((await lonely.listTools()).tools.map((t) => t.name)).toContain('echo');
        await waitFor(() => changed);
      } finally {
        lonelyDoor.to(null);
        await late.stop();
      }
    } finally {
      await lonely.close();
      await lonelyDoor.close();
    }
  });
});

describe('tarmac bridge with a 2026-07-28 client (no session: each request on its own)', () => {
  let modern: Client;
  beforeAll(async () => {
    // A fresh start: the test before ran a second Tarmac on this data dir.
    await stopHost();
    await startHost();
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
    await stopHost();
    await expect(call).rejects.toThrow(/Tarmac/);
    await startHost();
  });

  it('says to start Tarmac while it is down, and works again once it is back', async () => {
    await stopHost();
    await expect(modern.listTools()).rejects.toThrow(/Tarmac is not running .*tarmac serve/);
    await startHost();
    expect((await modern.callTool({ name: 'echo', arguments: { text: 'back' } })).structuredContent).toEqual({ text: 'back', length: 4 });
  });
});
