import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { BUILDS, cliCommand, cliEnv, type ServeProcess } from '../helpers/cli.js';
import { rawRequest } from '../helpers/raw-http.js';
import { commandKey, helpCommands, installation, type Installation } from '../helpers/shipped.js';

/**
 * Every command `tarmac --help` lists, run at least once the way a person or a client runs it,
 * against the source and against the build that ships (bin/tarmac.js): the last test fails when
 * a listed command was not run, so a new command needs a scenario here.
 */
let sim: FlightctlSim;
beforeAll(async () => {
  sim = await startFlightctlSim({ devices: 3 });
});
afterAll(async () => {
  await sim?.stop();
});

const lines = (text: string) => text.trim().split('\n').filter(Boolean);
const FLY_TOKEN = 'fo1_shipped-test-token-0123456789';

describe.each(BUILDS)('tarmac commands (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;
  let listed: string[];
  /** Commands run outside inst.run/spawn (by an SDK transport that starts the process). */
  const extra: string[][] = [];

  beforeAll(async () => {
    inst = await installation(build);
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  it('--help lists the commands; -h, --version and -v answer', async () => {
    const help = await inst.run(['--help']);
    expect(help.code).toBe(0);
    listed = helpCommands(help.stdout);
    expect(listed).toEqual(expect.arrayContaining(['serve', 'token create', 'approvals deny', 'policy read-only', 'login flightctl', 'pause', 'resume']));
    expect((await inst.run(['-h'])).stdout).toBe(help.stdout);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((await inst.run(['--version'])).stdout.trim()).toBe(pkg.version);
    expect((await inst.run(['-v'])).stdout.trim()).toBe(pkg.version);
    const unknown = await inst.run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('login fly --token-stdin, status, logout fly', async () => {
    const login = await inst.run(['login', 'fly', '--token-stdin'], { input: `${FLY_TOKEN}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('Fly.io:');
    const status = await inst.run(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as { providers: Array<{ id: string; state: string }> };
    expect(parsed.providers.find((p) => p.id === 'fly')?.state).toBe('ready');
    expect(status.stdout + status.stderr).not.toContain(FLY_TOKEN);
    const text = await inst.run(['status']);
    expect(text.stdout).toMatch(/Fly\.io/);
    const logout = await inst.run(['logout', 'fly']);
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stderr).toContain('Signed out of Fly.io');
    // Signed in again for the tools the later scenarios call.
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: FLY_TOKEN })).code).toBe(0);
  });

  it('login flightctl <url> --token-stdin, --import of client.yaml, logout flightctl', async () => {
    const { accessToken, idToken, refreshToken } = await sim.mintSession();
    const login = await inst.run(['login', 'flightctl', sim.url, '--token-stdin'], { input: `${idToken}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(inst.dataDir, 'settings.json'), 'utf8'))).toMatchObject({ flightctl: { apiUrl: sim.url } });
    expect((await inst.run(['logout', 'flightctl'])).code).toBe(0);
    const yaml = join(inst.root, 'client.yaml');
    await writeFile(yaml, toYaml({ service: { server: sim.url }, authentication: { 'access-token': accessToken, 'id-token': idToken, 'refresh-token': refreshToken, 'token-to-use': 'id' } }));
    const imported = await inst.run(['login', 'flightctl', '--import', yaml]);
    expect(imported.code, imported.stderr).toBe(0);
    const status = JSON.parse((await inst.run(['status', '--json'])).stdout) as { providers: Array<{ id: string; state: string }> };
    expect(status.providers.find((p) => p.id === 'flightctl')?.state).toBe('ready');
    for (const secret of [accessToken, idToken, refreshToken]) expect(imported.stdout + imported.stderr + login.stderr).not.toContain(secret);
  });

  it('several accounts: login --name for both back ends, accounts (list, rename), profile account (refused from the terminal), logout --name', async () => {
    const { idToken } = await sim.mintSession();
    const fc = await inst.run(['login', 'flightctl', sim.url, '--token-stdin', '--name', 'staging'], { input: `${idToken}\n` });
    expect(fc.code, fc.stderr).toBe(0);
    expect(fc.stdout).toContain('Account: staging');
    const settings = JSON.parse(await readFile(join(inst.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(settings).toMatchObject({ flightctlAccounts: { staging: { apiUrl: sim.url } }, accounts: { flightctl: { staging: { name: 'staging' } } } });
    const fly = await inst.run(['login', 'fly', '--token-stdin', '--name', 'work'], { input: `${FLY_TOKEN}-work\n` });
    expect(fly.code, fly.stderr).toBe(0);
    expect(fly.stderr).toContain('Fly.io (account work):');
    const bad = await inst.run(['login', 'fly', '--token-stdin', '--name', 'Not OK'], { input: FLY_TOKEN });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an account name');

    const list = JSON.parse((await inst.run(['accounts', '--json'])).stdout) as { backends: { provider: string; accounts: { id: string; name: string; state: string; profiles: string[] }[] }[] };
    const of = (p: string) => list.backends.find((b) => b.provider === p)!.accounts;
    expect(of('flightctl').map((a) => a.name)).toEqual(['default', 'staging']);
    expect(of('flightctl').find((a) => a.name === 'staging')?.state).toBe('ready');
    expect(of('fly').map((a) => a.name)).toEqual(['default', 'work']);
    expect(of('fly').find((a) => a.name === 'default')?.profiles).toEqual(expect.arrayContaining(['essentials', 'everything']));
    expect((await inst.run(['accounts'])).stdout).toMatch(/^ {2}staging +ready/m);

    const renamed = await inst.run(['accounts', 'rename', 'fly', 'work', 'deploy']);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect((await inst.run(['accounts'])).stdout).toMatch(/^ {2}deploy /m);
    const bind = await inst.run(['profile', 'account', 'fly', 'fly', 'deploy']);
    expect(bind.code).toBe(1);
    expect(bind.stderr).toMatch(/Refused \(profile fly: fly account default -> work\): loosening protection needs a person/);
    expect((await inst.run(['profile', 'account', 'fly', 'fly', 'nope'])).stderr).toContain('There is no fly account "nope"');

    const out = await inst.run(['logout', 'fly', '--name', 'deploy']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('Signed out of Fly.io (account deploy)');
    const fcOut = await inst.run(['logout', 'flightctl', '--name', 'staging']);
    expect(fcOut.code, fcOut.stderr).toBe(0);
    expect((await inst.run(['logout', 'fly', '--name', 'ghost'])).stderr).toContain('there is no fly account "ghost"');

    // remove: the first account stays; a named one no profile uses goes, name and all.
    const keepDefault = await inst.run(['accounts', 'remove', 'fly', 'default']);
    expect(keepDefault.code).toBe(2);
    expect(keepDefault.stderr).toContain('cannot be removed: sign it out instead');
    const removed = await inst.run(['accounts', 'remove', 'fly', 'deploy']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Signed out of the fly account deploy and removed it.');
    const after = JSON.parse((await inst.run(['accounts', '--json'])).stdout) as { backends: { provider: string; accounts: { name: string }[] }[] };
    expect(after.backends.find((b) => b.provider === 'fly')!.accounts.map((a) => a.name)).toEqual(['default']);
    for (const secret of [idToken, FLY_TOKEN]) expect(fc.stdout + fc.stderr + fly.stdout + fly.stderr).not.toContain(secret);
  });

  it('token create, list and revoke', async () => {
    const made = await inst.run(['token', 'create', 'scripted']);
    expect(made.code, made.stderr).toBe(0);
    const token = lines(made.stdout).at(-1)!;
    expect(token.length).toBeGreaterThan(20);
    expect((await inst.run(['token', 'list'])).stdout).toMatch(/^scripted\ttoken\t/m);
    const revoked = await inst.run(['token', 'revoke', 'scripted']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await inst.run(['token', 'list'])).stdout).not.toMatch(/^scripted\t/m);
  });

  it('serve: both MCP eras on /mcp and legacy HTTP+SSE on /sse call a Fly tool through flyctl', async () => {
    serve = await inst.serve();
    for (const era of ['legacy', 'modern'] as const) {
      const client = await inst.connect(serve.url, `era-${era}`, { era });
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(60);
      const result = await client.callTool({ name: 'fly-apps-list', arguments: {} });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toHaveProperty('apps');
      await client.close();
    }
    const made = await inst.run(['token', 'create', 'sse-client']);
    const token = lines(made.stdout).at(-1)!;
    const auth = { Authorization: `Bearer ${token}` };
    const sse = new Client({ name: 'sse-client', version: '1' });
    await sse.connect(
      new SSEClientTransport(new URL(serve.url.replace('/mcp', '/sse')), {
        requestInit: { headers: auth },
        eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth } }) },
      }),
    );
    const result = await sse.callTool({ name: 'fly-apps-list', arguments: {} });
    expect(result.isError).toBeFalsy();
    await sse.close();
  });

  it('activity lists the calls (text and --json); --follow streams the next one', async () => {
    await expect.poll(async () => (await inst.run(['activity'])).stdout, { timeout: 20_000 }).toContain('fly-apps-list');
    const modern = async () => lines((await inst.run(['activity', '--json', '--client', 'era-modern'])).stdout).map((l) => JSON.parse(l) as { tool: string; client: string; status: string });
    await expect.poll(modern, { timeout: 20_000 }).toEqual([expect.objectContaining({ tool: 'fly-apps-list', client: 'era-modern', status: 'ok' })]);

    const follow = inst.spawn(['activity', '--follow', '--json', '--limit', '1']);
    let out = '';
    let err = '';
    follow.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    follow.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await expect.poll(() => err, { timeout: 20_000 }).toContain('Following tool calls');
      const client = await inst.connect(serve.url, 'followed');
      await client.callTool({ name: 'fly-status', arguments: { app: 'web' } });
      await client.close();
      await expect.poll(() => out).toContain('"client":"followed"');
    } finally {
      follow.kill('SIGTERM');
    }
  });

  it('profile list, show, create, set, delete; token create and register --profile: the running server applies them at once', async () => {
    const list = await inst.run(['profile', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^essentials\s+84\s+37\+3\s+\d+/m);
    expect(list.stdout).toMatch(/^everything\s+84\s+84\s+/m);
    const essentials = JSON.parse((await inst.run(['profile', 'show', 'essentials', '--json'])).stdout) as { tokens: number };
    expect(essentials.tokens).toBeLessThanOrEqual(6000);
    expect((await inst.run(['profile', 'show', 'essentials'])).stdout).toMatch(/Bounds: every toolset: 84 tools/);

    // token create --profile: the client's list is the profile's.
    const made = await inst.run(['token', 'create', 'prof-tok', '--profile', 'flightctl']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain('with the profile flightctl');
    const client = new Client({ name: 'prof-tok', version: '1' });
    const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    await client.connect(new StreamableHTTPClientTransport(new URL(serve.url), { requestInit: { headers: { Authorization: `Bearer ${lines(made.stdout).at(-1)!}` } } }));
    expect((await client.listTools()).tools).toHaveLength(24);
    // A call outside the profile is refused, naming it.
    const outside = await client.callTool({ name: 'fly-apps-list', arguments: {} });
    expect((outside.content as Array<{ text?: string }>)[0]?.text).toMatch(/outside the profile "flightctl"/);
    // Wider bounds from the terminal: refused, nothing changes.
    const wider = await inst.run(['profile', 'set', 'prof-tok', 'everything']);
    expect(wider.code).toBe(1);
    expect(wider.stderr).toMatch(/loosening protection needs a person in the Tarmac window/);
    // A profile of one's own, narrower: applies at once.
    const created = await inst.run(['profile', 'create', 'events', '--toolsets', 'flightctl-events', '--description', 'events only']);
    expect(created.code, created.stderr).toBe(0);
    expect((await inst.run(['profile', 'set', 'prof-tok', 'events'])).code).toBe(0);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query_events']);
    expect((await inst.run(['profile', 'delete', 'events'])).stderr).toMatch(/is the profile of prof-tok/);
    expect((await inst.run(['profile', 'create', 'spare', '--toolsets', 'fly-logs', '--read-only', '--start', 'read', '--discovery'])).code).toBe(0);
    expect((await inst.run(['profile', 'delete', 'spare'])).code).toBe(0);
    await client.close();

    // register --profile (a new client), then unregister.
    const reg = await inst.run(['register', 'windsurf', '--profile', 'fly']);
    expect(reg.code, reg.stderr).toBe(0);
    const fly = JSON.parse((await inst.run(['profile', 'show', 'fly', '--json'])).stdout) as { clients: string[] };
    expect(fly.clients).toContain('windsurf');
    expect((await inst.run(['unregister', 'windsurf'])).code).toBe(0);
  });

  it('policy show, set, unset, read-only, tool, reset; pause and resume: the running server applies each at once', async () => {
    // Without --trust-terminal the terminal may only tighten (test/shipped/attacks.test.ts); an
    // unattended set-up starts Tarmac with it, and then every policy command works from here.
    expect((await inst.run(['policy', 'set', 'fly-apps-list', 'deny'])).code).toBe(0);
    expect((await inst.run(['policy', 'unset', 'fly-apps-list'])).code).toBe(1);
    await serve.stop();
    serve = await inst.serve({}, ['--trust-terminal']);
    expect((await inst.run(['policy', 'unset', 'fly-apps-list'])).code).toBe(0);
    const client = await inst.connect(serve.url, 'guarded');
    const call = () => client.callTool({ name: 'fly-apps-list', arguments: {} });
    const show = await inst.run(['policy', 'show']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^fly-apps-list\s+fly\s+read\s+allow/m);
    const view = JSON.parse((await inst.run(['policy', 'show', '--json'])).stdout) as { tools: Array<{ name: string; policy: string }> };
    expect(view.tools.find((t) => t.name === 'fly-apps-destroy')?.policy).toBe('ask');

    expect((await inst.run(['policy', 'set', 'fly-apps-list', 'deny'])).code).toBe(0);
    expect((await call()).isError).toBe(true);
    expect((await inst.run(['policy', 'unset', 'fly-apps-list'])).code).toBe(0);
    expect((await call()).isError).toBeFalsy();

    expect((await inst.run(['policy', 'tool', 'fly-apps-list', 'off'])).code).toBe(0);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('fly-apps-list');
    expect((await inst.run(['policy', 'tool', 'fly-apps-list', 'on'])).code).toBe(0);

    expect((await inst.run(['policy', 'read-only', 'on'])).code).toBe(0);
    const refused = await client.callTool({ name: 'fly-apps-create', arguments: { name: 'nope', org: 'personal' } });
    expect(JSON.stringify(refused.content)).toMatch(/read-only/i);
    expect((await inst.run(['policy', 'read-only', 'off'])).code).toBe(0);

    expect((await inst.run(['pause'])).code).toBe(0);
    expect(JSON.stringify((await call()).content)).toMatch(/paused/i);
    expect((await inst.run(['resume'])).code).toBe(0);
    expect((await call()).isError).toBeFalsy();

    expect((await inst.run(['policy', 'set', 'write', 'deny'])).code).toBe(0);
    expect((await inst.run(['policy', 'reset'])).code).toBe(0);
    const after = JSON.parse((await inst.run(['policy', 'show', '--json'])).stdout) as { tools: Array<{ name: string; policy: string }> };
    expect(after.tools.find((t) => t.name === 'fly-apps-create')?.policy).toBe('ask');
    await client.close();
  });

  it('approvals list, approve, approve-always and deny decide calls waiting in the running server', async () => {
    const client = await inst.connect(serve.url, 'asking');
    const waiting = async () => {
      let pending: Array<{ id: string; tool: string }> = [];
      await expect
        .poll(async () => {
          pending = JSON.parse((await inst.run(['approvals', 'list', '--json'])).stdout || '[]') as Array<{ id: string; tool: string }>;
          return pending.length;
        })
        .toBe(1);
      return pending[0]!;
    };
    const decide = async (answer: 'approve' | 'approve-always' | 'deny', app: string) => {
      const result = client.callTool({ name: 'fly-apps-create', arguments: { name: app, org: 'personal' } });
      const pending = await waiting();
      expect(pending.tool).toBe('fly-apps-create');
      const decided = await inst.run(['approvals', answer, pending.id]);
      expect(decided.code, decided.stderr).toBe(0);
      return result;
    };
    expect((await inst.run(['approvals'])).stderr).toContain('No calls are waiting.');
    expect((await decide('deny', 'denied-app')).isError).toBe(true);
    expect((await decide('approve', 'approved-app')).isError).toBeFalsy();
    expect((await decide('approve-always', 'always-app')).isError).toBeFalsy();
    // From now on this client's calls of that tool run without asking.
    expect((await client.callTool({ name: 'fly-apps-create', arguments: { name: 'next-app', org: 'personal' } })).isError).toBeFalsy();
    await client.close();
  });

  it('stdio serves MCP over stdin and stdout', async () => {
    const args = ['stdio', '--client', 'stdio-test', '--data-dir', inst.dataDir];
    extra.push(['stdio']);
    const { command, args: argv } = cliCommand(args, undefined, build);
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(new StdioClientTransport({ command, args: argv, env: cliEnv(inst.env) as Record<string, string>, stderr: 'pipe' }));
    const result = await client.callTool({ name: 'fly-apps-list', arguments: {} });
    expect(result.isError).toBeFalsy();
    await client.close();
  });

  it('bridge relays a stdio client to the running server with the client token from the keychain', async () => {
    expect((await inst.run(['token', 'create', 'bridged'])).code).toBe(0);
    extra.push(['bridge']);
    const { command, args: argv } = cliCommand(['bridge', '--url', serve.url, '--client', 'bridged', '--data-dir', inst.dataDir], undefined, build);
    const client = new Client({ name: 'bridged', version: '1' });
    await client.connect(new StdioClientTransport({ command, args: argv, env: cliEnv(inst.env) as Record<string, string>, stderr: 'pipe' }));
    expect((await client.callTool({ name: 'fly-apps-list', arguments: {} })).isError).toBeFalsy();
    await client.close();
    // The serving process writes its history in batches: the call shows up within a moment.
    await expect.poll(async () => lines((await inst.run(['activity', '--json', '--client', 'bridged'])).stdout).length, { timeout: 20_000 }).toBe(1);
  });

  it('clients, register (--dry-run, then for real), repair and unregister write and undo a client config', async () => {
    const list = JSON.parse((await inst.run(['clients', '--json'])).stdout) as Array<{ id: string; status: string }>;
    expect(list.length).toBeGreaterThanOrEqual(25);
    const dry = await inst.run(['register', 'cursor', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('"tarmac"');
    const file = join(inst.home, '.cursor', 'mcp.json');
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    const reg = await inst.run(['register', 'cursor']);
    expect(reg.code, reg.stderr).toBe(0);
    const written = JSON.parse(await readFile(file, 'utf8')) as { mcpServers: { tarmac: { url: string; headers: Record<string, string> } } };
    expect(written.mcpServers.tarmac.url).toBe(serve.url);
    const token = written.mcpServers.tarmac.headers.Authorization!.replace('Bearer ', '');
    expect((await rawRequest(serve.url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })).status).not.toBe(401);
    // A hand edit breaks the entry; repair puts it back.
    written.mcpServers.tarmac.url = 'http://127.0.0.1:1/mcp';
    await writeFile(file, JSON.stringify(written));
    const repaired = await inst.run(['repair', 'cursor']);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect((JSON.parse(await readFile(file, 'utf8')) as typeof written).mcpServers.tarmac.url).toBe(serve.url);
    const unreg = await inst.run(['unregister', 'cursor']);
    expect(unreg.code, unreg.stderr).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ mcpServers: {} });
  });

  it('ui serves the window and its API behind the one-time link, and stops on SIGTERM', async () => {
    // Its MCP endpoint is told to use the port `tarmac serve` holds: it cannot bind, says so, and
    // the window still works (no test here takes a port it did not hold itself).
    const settingsPath = join(inst.dataDir, 'settings.json');
    const settings = JSON.parse(await readFile(settingsPath, 'utf8')) as Record<string, unknown>;
    await writeFile(settingsPath, JSON.stringify({ ...settings, port: Number(new URL(serve.url).port) }));
    const ui = inst.spawn(['ui', '--no-open', '--port', '0']);
    try {
      let out = '';
      ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await expect.poll(() => out, { timeout: 20_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?t=\S+$/m);
      const link = /^(http:\/\/127\.0\.0\.1:\d+\/\?t=\S+)$/m.exec(out)![1]!;
      const first = await rawRequest(link, { method: 'GET' });
      expect(first.status).toBe(303);
      const cookie = String(first.headers['set-cookie']).split(';')[0]!;
      const pageSecret = String(first.headers.location).slice('/#k='.length);
      const origin = new URL(link).origin;
      const page = await rawRequest(`${origin}/`, { method: 'GET', headers: { Cookie: cookie } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<div id="root">');
      const status = await rawRequest(`${origin}/api/getStatus`, { headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie, 'X-Tarmac-Page': pageSecret }, body: '{"args":[]}' });
      expect(JSON.parse(status.body)).toMatchObject({ ok: true, value: { providers: expect.any(Array) } });
      const exited = new Promise<number | null>((resolve) => ui.once('exit', resolve));
      ui.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      ui.kill('SIGKILL');
    }
  });

  it('ran every command that --help lists', () => {
    const ran = new Set([...inst.commands, ...extra].map((args) => commandKey(args, listed)));
    expect(listed.filter((key) => !ran.has(key))).toEqual([]);
  });
});
