import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli.js';
import { createClientRegistrar, runClientAction } from '../../src/main/host/clients/registrar.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';
import { clientsEnv, type ClientsEnv } from '../helpers/clients.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), readStdin: async () => '' } };
}

let root: string;
let home: string;
let overrides: { env: NodeJS.ProcessEnv; keychainBackend: MemoryKeychain; keychainService: string };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tarmac-clients-cli-'));
  home = join(root, 'home');
  overrides = { env: { HOME: home }, keychainBackend: new MemoryKeychain(), keychainService: 'tarmac-cli-test' };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const cli = (args: string[], a = io()) => runCli([...args, '--data-dir', join(root, 'data')], a.io, overrides);

describe('tarmac clients / register / unregister / repair', () => {
  it('lists every client with detected, status and last connected; --json for scripts', async () => {
    await mkdir(join(home, '.cursor'), { recursive: true });
    const a = io();
    expect(await cli(['clients'], a)).toBe(0);
    expect(a.out[0]).toBe('CLIENT\tDETECTED\tSTATUS\tLAST CONNECTED');
    expect(a.out).toContain('cursor\tyes\tnot-registered\tnever');
    const b = io();
    expect(await cli(['clients', '--json'], b)).toBe(0);
    const list = JSON.parse(b.out.join('\n')) as Array<{ id: string; detected: boolean; snippet: string }>;
    expect(list.length).toBeGreaterThanOrEqual(25);
    expect(list.find((c) => c.id === 'cursor')).toMatchObject({ detected: true });
    expect(list.find((c) => c.id === 'windsurf')!.snippet).toContain('"Authorization": "Bearer TOKEN"');
  });

  it('registers the detected clients only, in the HOME it is given', async () => {
    await mkdir(join(home, '.codex'), { recursive: true });
    await mkdir(join(home, '.gemini'), { recursive: true });
    const a = io();
    expect(await cli(['register', '--detected'], a)).toBe(0);
    expect(a.err.join('\n')).toMatch(/codex: registered in .*\.codex\/config\.toml/);
    expect(a.err.join('\n')).toMatch(/gemini-cli: registered in .*\.gemini\/settings\.json/);
    expect(await readFile(join(home, '.codex', 'config.toml'), 'utf8')).toMatch(/^\[mcp_servers\.tarmac\]\nurl = "http:\/\/127\.0\.0\.1:8276\/mcp"\n/);
    const b = io();
    expect(await cli(['clients'], b)).toBe(0);
    expect(b.out).toContain('codex\tyes\tregistered (token)\tnever');
  });

  it('a client Tarmac wrote the file for is not "installed" until it adds something itself', async () => {
    expect(await cli(['register', 'kiro'])).toBe(0);
    const a = io();
    expect(await cli(['clients'], a)).toBe(0);
    expect(a.out).toContain('kiro\tno\tregistered (token)\tnever');
    await writeFile(join(home, '.kiro', 'settings', 'other.json'), '{}');
    const b = io();
    expect(await cli(['clients'], b)).toBe(0);
    expect(b.out).toContain('kiro\tyes\tregistered (token)\tnever');
  });

  it('after Remove, when the client last connected is kept', async () => {
    const t = await clientsEnv();
    try {
      await t.registrar.register(['cursor']);
      expect(await t.host.clients.authenticate((await t.host.tokens.get('cursor'))!, null)).toBe('cursor');
      const connected = (await t.registrar.list()).find((c) => c.id === 'cursor')!.lastConnectedAt;
      expect(connected).toMatch(/^\d{4}-/);
      await t.registrar.unregister(['cursor']);
      expect(await t.host.tokens.get('cursor')).toBeNull();
      expect((await t.registrar.list()).find((c) => c.id === 'cursor')).toMatchObject({ status: 'not-registered', lastConnectedAt: connected });
    } finally {
      await t.stop();
    }
  });

  it('prints a dry run as a diff and writes nothing; --oauth writes the URL only', async () => {
    const a = io();
    expect(await cli(['register', 'cursor', '--oauth', '--dry-run'], a)).toBe(0);
    expect(a.out.join('\n')).toContain('+    "tarmac": {\n+      "url": "http://127.0.0.1:8276/mcp"\n+    }');
    await expect(readFile(join(home, '.cursor', 'mcp.json'), 'utf8')).rejects.toThrow();
    expect(await cli(['register', 'cursor', '--oauth'])).toBe(0);
    expect(JSON.parse(await readFile(join(home, '.cursor', 'mcp.json'), 'utf8'))).toEqual({ mcpServers: { tarmac: { url: 'http://127.0.0.1:8276/mcp' } } });
    const c = io();
    expect(await cli(['unregister', 'cursor'], c)).toBe(0);
    expect(JSON.parse(await readFile(join(home, '.cursor', 'mcp.json'), 'utf8'))).toEqual({ mcpServers: {} });
  });

  it('explains usage errors and unknown clients, changing nothing', async () => {
    const a = io();
    expect(await cli(['register'], a)).toBe(2);
    expect(a.err.join('\n')).toMatch(/usage: tarmac register <client>\.\.\. \| --detected/);
    const b = io();
    expect(await cli(['register', 'notepad'], b)).toBe(1);
    expect(b.err.join('\n')).toMatch(/unknown client "notepad": see `tarmac clients`/);
    const c = io();
    expect(await cli(['repair', 'cursor'], c)).toBe(1);
    expect(c.err.join('\n')).toMatch(/Cursor is not registered: run `tarmac register cursor`/);
    const d = io();
    expect(await cli(['register', '--detected'], d)).toBe(2);
    expect(d.err.join('\n')).toMatch(/no installed clients found/);
  });

  it('repair brings back a removed token entry', async () => {
    expect(await cli(['register', 'kiro'])).toBe(0);
    const file = join(home, '.kiro', 'settings', 'mcp.json');
    const entry = JSON.parse(await readFile(file, 'utf8'));
    entry.mcpServers.tarmac.url = 'http://localhost:1234/mcp';
    await writeFile(file, JSON.stringify(entry, null, 2));
    const a = io();
    expect(await cli(['clients'], a)).toBe(0);
    expect(a.out.join('\n')).toMatch(/kiro\tno\tstale \(token\)\tnever\n {2}it points at http:\/\/localhost:1234\/mcp; Tarmac is at http:\/\/127\.0\.0\.1:8276\/mcp/);
    expect(await cli(['repair'])).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).mcpServers.tarmac.url).toBe('http://127.0.0.1:8276/mcp');
  });
});

describe('without a keychain', () => {
  it('still lists clients, and refuses to register, writing nothing', async () => {
    const broken = {
      getPassword: () => Promise.reject(new Error('no keychain here')),
      setPassword: () => Promise.reject(new Error('no keychain here')),
      deletePassword: () => Promise.reject(new Error('no keychain here')),
      findCredentials: () => Promise.reject(new Error('no keychain here')),
    };
    const local = { ...overrides, keychainBackend: broken as unknown as MemoryKeychain };
    await mkdir(join(home, '.cursor'), { recursive: true });
    const a = io();
    expect(await runCli(['clients', '--data-dir', join(root, 'data')], a.io, local)).toBe(0);
    expect(a.out).toContain('cursor\tyes\tnot-registered\tnever');
    const b = io();
    expect(await runCli(['register', 'cursor', '--data-dir', join(root, 'data')], b.io, local)).toBe(1);
    expect(b.err.join('\n')).toMatch(/keychain/i);
    await expect(readFile(join(home, '.cursor', 'mcp.json'), 'utf8')).rejects.toThrow();
  });
});

describe('the window entry point', () => {
  let t: ClientsEnv;
  beforeEach(async () => (t = await clientsEnv()));
  afterEach(async () => t.stop());

  it('checks its input with the shared schema and refuses bad input before touching anything', async () => {
    const registrar = createClientRegistrar({ dataDir: t.dataDir, settings: t.host.settings, tokens: t.host.tokens, clients: t.host.clients, env: t.env, platform: 'linux' });
    await expect(runClientAction(registrar, 'register', { clients: ['../etc'] })).rejects.toThrow(/invalid request: clients\.0:/);
    await expect(runClientAction(registrar, 'register', { clients: [] })).rejects.toThrow(/invalid request/);
    const changes = await runClientAction(registrar, 'register', { clients: ['cursor'], dryRun: true });
    expect(changes).toMatchObject([{ id: 'cursor', changed: true, written: false }]);
  });
});
