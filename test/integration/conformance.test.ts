import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The official MCP conformance suite (server mode) against test/fixtures/conformance-server.ts:
// Tarmac's real McpEndpoint and gate, token check off, the conformance tools/resources/prompts.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/conformance-server.ts', import.meta.url));
// Two lines of the suite: 0.1.x checks the 2025-11-25 revision, 0.2.x (installed under the alias
// conformance-next) the 2026-07-28 one. Each has its own baseline of expected failures.
const CONFORMANCE = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
const CONFORMANCE_NEXT = fileURLToPath(new URL('../../node_modules/conformance-next/dist/index.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('../conformance/baseline.yml', import.meta.url));
const BASELINE_NEXT = fileURLToPath(new URL('../conformance/baseline-2026-07-28.yml', import.meta.url));

// Loopback only: never let a proxy setting route the suite's requests elsewhere.
const ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost,[::1]', no_proxy: '127.0.0.1,localhost,[::1]', LOG_LEVEL: 'warn' };

let fixture: ChildProcess | undefined;
let fixtureStderr = '';
let url: string;

function startFixture(): Promise<string> {
  const child = spawn(process.execPath, ['--import', TSX, FIXTURE], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  fixture = child;
  child.stderr.on('data', (d: Buffer) => (fixtureStderr += d.toString()));
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`conformance fixture exited with ${code}: ${fixtureStderr}`)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^(http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(stdout);
      if (match) resolve(match[1]!);
    });
  });
}

function stopFixture(): Promise<void> {
  const child = fixture;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs the conformance CLI; killed after limitMs so a hung scenario cannot hang the test run. */
function conformance(cli: string, args: string[], limitMs = 170_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  url = await startFixture();
});
afterAll(async () => stopFixture());

describe('MCP conformance 0.1.16 (server, active suite, 2025-11-25)', () => {
  it(
    'passes every scenario not listed in the baseline, DNS-rebinding protection included',
    async () => {
      const run = await conformance(CONFORMANCE, ['server', '--url', url, '--suite', 'active', '--expected-failures', BASELINE]);
      const context = `${run.output}\n--- fixture stderr ---\n${fixtureStderr}`;
      expect(run.code, context).toBe(0);
      expect(run.output, context).toMatch(/Running active suite \(\d+ scenarios\)/);
      expect(run.output, context).toMatch(/✓ dns-rebinding-protection: [1-9]\d* passed, 0 failed/);
      expect(run.output, context).not.toMatch(/✗ dns-rebinding-protection/);
    },
    180_000,
  );
});

describe('MCP conformance 0.2.0-alpha.12 (server, requirements of 2026-07-28)', () => {
  it(
    'passes every scenario not listed in its baseline, DNS-rebinding protection and the stateless server included',
    async () => {
      const run = await conformance(CONFORMANCE_NEXT, ['server', '--url', url, '--requirements', '2026-07-28', '--expected-failures', BASELINE_NEXT]);
      const context = `${run.output}\n--- fixture stderr ---\n${fixtureStderr}`;
      expect(run.code, context).toBe(0);
      expect(run.output, context).toMatch(/✓ dns-rebinding-protection: [1-9]\d* passed, 0 failed/);
      expect(run.output, context).toMatch(/✓ server-stateless: [1-9]\d* passed, 0 failed/);
      expect(run.output, context).toMatch(/✓ http-header-validation: [1-9]\d* passed, 0 failed/);
    },
    180_000,
  );
});
