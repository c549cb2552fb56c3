import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, startServe, type ServeProcess } from '../helpers/cli.js';
import { testKeychainService } from '../helpers/host.js';

/**
 * The real clients, from npm (scripts/install-real-clients.sh fills a git-ignored cache), each
 * registered by `tarmac register` into a temporary HOME and then asked, with its own command,
 * whether it connects to Tarmac.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, '.cache', 'real-clients', 'node_modules', '.bin');
const SERVE = fileURLToPath(new URL('../fixtures/serve-with-test-tools.ts', import.meta.url));
const run = promisify(execFile);

let root: string;
let home: string;
let dataDir: string;
let env: Record<string, string>;
let serve: ServeProcess;

/** What a client run from a terminal gets: this HOME, a PATH, and nothing of ours. */
function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { HOME: home, PATH: `${join(ROOT, '.cache', 'node', 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: '1', ...extra };
}

beforeAll(async () => {
  await run(join(ROOT, 'scripts', 'install-real-clients.sh'), [], { timeout: 600_000 });
  root = await mkdtemp(join(tmpdir(), 'tarmac-real-'));
  home = join(root, 'home');
  dataDir = join(root, 'data');
  await mkdir(home, { recursive: true });
  env = { HOME: home, TARMAC_KEYCHAIN_SERVICE: testKeychainService() };
  serve = await startServe(['--port', '0', '--data-dir', dataDir], env, { entry: SERVE });
  const reg = await runCliProcess(['register', 'claude-code', 'gemini-cli', 'codex', '--data-dir', dataDir], { env });
  expect(reg.code, reg.stderr).toBe(0);
}, 660_000);

afterAll(async () => {
  await serve?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('real clients after `tarmac register`', () => {
  it('claude mcp list: tarmac connected', async () => {
    const { stdout } = await run(join(BIN, 'claude'), ['mcp', 'list'], { cwd: home, env: clientEnv(), timeout: 90_000 });
    expect(stdout).toContain(`tarmac: ${serve.url} (HTTP) - ✔ Connected`);
  }, 120_000);

  it('gemini mcp list: tarmac connected', async () => {
    const { stdout, stderr } = await run(join(BIN, 'gemini'), ['mcp', 'list'], { cwd: home, env: clientEnv({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }), timeout: 90_000 });
    expect(stdout + stderr).toContain(`✓ tarmac: ${serve.url} (http) - Connected`);
  }, 120_000);

  it('codex app-server mcpServerStatus/list: tarmac with its tools', async () => {
    const status = await codexMcpStatus();
    const tarmac = status.find((s) => s.name === 'tarmac');
    expect(tarmac?.serverInfo?.name).toBe('tarmac');
    expect(Object.keys(tarmac?.tools ?? {})).toEqual(expect.arrayContaining(['echo', 'fly-apps-list', 'query_devices']));
  }, 120_000);

  it('each client connected with its own credential: Tarmac knows when each was last connected', async () => {
    await serve.stop();
    const res = await runCliProcess(['clients', '--json', '--data-dir', dataDir], { env });
    expect(res.code, res.stderr).toBe(0);
    const list = JSON.parse(res.stdout) as Array<{ id: string; status: string; lastConnectedAt: string | null }>;
    for (const id of ['claude-code', 'gemini-cli', 'codex']) {
      expect(list.find((c) => c.id === id), id).toMatchObject({ lastConnectedAt: expect.stringMatching(/^\d{4}-/) });
    }
    serve = await startServe(['--port', '0', '--data-dir', dataDir], env, { entry: SERVE });
  }, 60_000);
});

/** Codex's own JSON-RPC app server (stdio, one JSON object per line): initialize, then mcpServerStatus/list. */
function codexMcpStatus(): Promise<Array<{ name: string; serverInfo?: { name: string }; tools?: Record<string, unknown> }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, 'codex'), ['app-server'], { cwd: home, env: clientEnv(), stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('codex app-server did not answer mcpServerStatus/list'));
    }, 90_000);
    let buffer = '';
    const send = (m: unknown) => child.stdin.write(JSON.stringify(m) + '\n');
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { id?: number; result?: { data?: unknown }; error?: { message: string } };
        if (msg.id === 1) {
          send({ method: 'initialized' });
          send({ id: 2, method: 'mcpServerStatus/list', params: {} });
        } else if (msg.id === 2) {
          const data = (msg.result?.data ?? []) as Array<{ name: string; tools?: Record<string, unknown> }>;
          // Codex starts MCP servers in the background: ask again until tarmac's tools are in.
          if (!data.some((s) => s.name === 'tarmac' && s.tools && Object.keys(s.tools).length)) {
            setTimeout(() => send({ id: 2, method: 'mcpServerStatus/list', params: {} }), 250);
            continue;
          }
          clearTimeout(timer);
          child.kill();
          resolve(data);
        }
      }
    });
    child.on('error', reject);
    send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'tarmac-test', version: '1' } } });
  });
}
