import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretStore } from '../../src/main/host/secrets.js';
import { TOOLSETS } from '../../src/shared/toolsets.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { runCliProcess, startServe, type ServeProcess } from '../helpers/cli.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { testKeychainService } from '../helpers/host.js';
import { describeFindings, INSPECTOR_EXIT as EXIT, inspectorSchemaCheck, runInspector, type InspectorRun } from '../helpers/inspector.js';

// The MCP Inspector CLI (an outside client, @modelcontextprotocol/inspector 2.12.0) against the real
// `tarmac serve` with the test tools, authenticated by a token made with `tarmac token create`, in
// both protocol eras: `--protocol-era modern` pins 2026-07-28 (server/discover, no fallback),
// `legacy` opens a 2025-era session with initialize. Its strict schema check reads every tool, with
// both back ends set up (the fake flyctl, the Flight Control simulator signed in).
// Tokens live in the keychain: run under scripts/with-keyring.sh.
const SERVE_WITH_TEST_TOOLS = fileURLToPath(new URL('../fixtures/serve-with-test-tools.ts', import.meta.url));

const env = { TARMAC_KEYCHAIN_SERVICE: testKeychainService(), LOG_LEVEL: 'debug' };
let dataDir: string;
let inspectorHome: string;
let sim: FlightctlSim | undefined;
let serve: ServeProcess | undefined;
let token: string;
/** A token of a client with the essentials profile: its list holds the discovery tools. */
let essentialsToken: string;
let revoked = false;

const inspector = (args: string[]): Promise<InspectorRun> => runInspector(serve!.url, args, inspectorHome);

const bearer = () => ['--header', `Authorization: Bearer ${token}`];
const describeRun = (run: InspectorRun) => `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}\nserve: ${serve?.stderr() ?? ''}`;

function errorEnvelope(run: InspectorRun): { code?: string; message?: string } {
  const line = run.stderr.trim().split('\n').reverse().find((l) => l.startsWith('{"error"'));
  return line ? (JSON.parse(line) as { error: { code?: string; message?: string } }).error : {};
}

async function revoke(): Promise<void> {
  const result = await runCliProcess(['token', 'revoke', 'inspector', '--data-dir', dataDir], { env });
  expect(result.code, result.stderr).toBe(0);
  revoked = true;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tarmac-inspector-'));
  inspectorHome = await mkdtemp(join(tmpdir(), 'tarmac-inspector-home-'));
  sim = await startFlightctlSim({ devices: 3 });
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ flyctlPath: FAKE_FLYCTL, flightctl: { apiUrl: sim.url } }));
  await signIn(sim, new SecretStore({ service: env.TARMAC_KEYCHAIN_SERVICE }));
  const created = await runCliProcess(['token', 'create', 'inspector', '--data-dir', dataDir], { env });
  expect(created.code, created.stderr).toBe(0);
  token = created.stdout.trim().split('\n').pop()!.trim();
  expect(token).toMatch(/^\S{20,}$/);
  const essentials = await runCliProcess(['token', 'create', 'inspector-essentials', '--profile', 'essentials', '--data-dir', dataDir], { env });
  expect(essentials.code, essentials.stderr).toBe(0);
  essentialsToken = essentials.stdout.trim().split('\n').pop()!.trim();
  serve = await startServe(['--port', '0', '--data-dir', dataDir], env, { entry: SERVE_WITH_TEST_TOOLS });
}, 60_000);

afterAll(async () => {
  if (!revoked && dataDir) await runCliProcess(['token', 'revoke', 'inspector', '--data-dir', dataDir], { env }).catch(() => undefined);
  if (dataDir) await runCliProcess(['token', 'revoke', 'inspector-essentials', '--data-dir', dataDir], { env }).catch(() => undefined);
  await serve?.stop();
  const store = new SecretStore({ service: env.TARMAC_KEYCHAIN_SERVICE });
  for (const account of await store.list().catch(() => [] as string[])) await store.delete(account).catch(() => false);
  await sim?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (inspectorHome) await rm(inspectorHome, { recursive: true, force: true });
}, 30_000);

describe('MCP Inspector CLI against tarmac serve', () => {
  it.each(['modern', 'legacy'])('lists the tools with a bearer token (--protocol-era %s)', async (era) => {
    const run = await inspector(['--protocol-era', era, ...bearer(), '--method', 'tools/list', '--format', 'json']);
    expect(run.code, describeRun(run)).toBe(EXIT.OK);
    const { result } = JSON.parse(run.stdout) as { result: { tools: Array<{ name: string; outputSchema?: unknown }> } };
    expect(result.tools.map((t) => t.name)).toContain('echo');
    expect(result.tools.find((t) => t.name === 'echo')?.outputSchema).toBeDefined();
  }, 60_000);

  it.each([
    ['everything', () => token, TOOLSETS.flatMap((set) => set.tools)],
    ['essentials', () => essentialsToken, ['tarmac_list_toolsets', 'tarmac_get_toolset_tools', 'tarmac_enable_toolset']],
  ] as const)('its strict schema check finds nothing in any input or output schema: 0 errors, 0 warnings (profile %s)', async (_profile, bearerOf, some) => {
    const check = await inspectorSchemaCheck(serve!.url, bearerOf(), inspectorHome);
    expect(check.run.code, describeFindings(check)).toBe(EXIT.OK);
    expect(check.tools).toEqual(expect.arrayContaining([...some]));
    expect(check.findings, describeFindings(check)).toEqual([]);
    // Without findings the check prints no report at all (not even the one-line count).
    expect(check.run.stderr).not.toMatch(/Schema portability|Warning: tool|Error: tool/);
  }, 60_000);

  it.each(['modern', 'legacy'])('calls echo and prints its text (--protocol-era %s)', async (era) => {
    const run = await inspector(['--protocol-era', era, ...bearer(), '--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=hi']);
    expect(run.code, describeRun(run)).toBe(EXIT.OK);
    expect(run.stdout).toMatch(/"text": "hi"/);

    const json = await inspector(['--protocol-era', era, ...bearer(), '--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'text=hi', '--format', 'json']);
    expect(json.code, describeRun(json)).toBe(EXIT.OK);
    const { result } = JSON.parse(json.stdout) as { result: { content: Array<{ type: string; text: string }>; structuredContent: unknown } };
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(result.structuredContent).toEqual({ text: 'hi', length: 2 });
  }, 60_000);

  it('reports a tool that fails as a tool error (exit 5)', async () => {
    const run = await inspector([...bearer(), '--method', 'tools/call', '--tool-name', 'fail', '--tool-arg', 'message=boom']);
    expect(run.code, describeRun(run)).toBe(EXIT.TOOL_ERROR);
    expect(run.stdout).toMatch(/"isError": true/);
  }, 60_000);

  it('fails as an auth failure (exit 3) without the Authorization header', async () => {
    // Non-interactive: the server's 401 reaches the Inspector, which reports auth_required.
    const strict = await inspector(['--method', 'tools/list', '--stored-auth-only']);
    expect(strict.code, describeRun(strict)).toBe(EXIT.AUTH_REQUIRED);
    expect(errorEnvelope(strict).code).toBe('auth_required');
    expect(errorEnvelope(strict).message).toMatch(/Unauthorized/);
    expect(strict.stdout).not.toMatch(/echo/);

    // What a user would type: the Inspector would start OAuth, but without a TTY it gives up.
    const plain = await inspector(['--method', 'tools/list']);
    expect(plain.code, describeRun(plain)).toBe(EXIT.AUTH_REQUIRED);
    expect(errorEnvelope(plain).code).toBe('auth_required');
    expect(plain.stdout).not.toMatch(/echo/);
  }, 90_000);

  it('fails as an auth failure once the token is revoked (the running server honours it at once)', async () => {
    await revoke();
    const run = await inspector([...bearer(), '--method', 'tools/list', '--stored-auth-only']);
    expect(run.code, describeRun(run)).toBe(EXIT.AUTH_REQUIRED);
    expect(errorEnvelope(run).message).toMatch(/not valid/);
  }, 60_000);
});
