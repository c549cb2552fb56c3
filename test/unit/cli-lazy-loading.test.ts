import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startOtlpReceiver } from '../fixtures/otlp-receiver.js';
import { assertCliBuilt, BIN } from '../helpers/cli.js';

const RECORDER = fileURLToPath(new URL('../fixtures/record-imports.mjs', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../out/cli/', import.meta.url));
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tarmac-lazy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The packages that one run of the built CLI loads: those bundled into the files of out/cli it
 * required (out/cli/packages.json says which), and those left in node_modules.
 */
function recorderEnv(record: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RECORD_IMPORTS_TO: record,
    HOME: dir,
    PATH: dirname(process.execPath), // no flyctl: status must not need to run one
    TARMAC_DATA_DIR: join(dir, 'data'),
    TARMAC_KEYCHAIN_SERVICE: `tarmac-test-${randomUUID()}`,
    NODE_DISABLE_COMPILE_CACHE: '1',
    LOG_LEVEL: 'warn',
  };
}

function packagesLoadedBy(args: string[]): string[] {
  const record = join(dir, `imports-${randomUUID()}.txt`);
  const run = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], { encoding: 'utf8', timeout: 30_000, env: recorderEnv(record) });
  expect(run.status, run.stderr).not.toBeNull();
  return packagesIn(record);
}

/**
 * What `tarmac serve` has loaded once it says it is serving, before any request; with `whileServing`,
 * once that has run too (it gets the URL and the environment).
 */
async function packagesLoadedByServe(extraEnv: NodeJS.ProcessEnv = {}, whileServing?: (url: string, env: NodeJS.ProcessEnv) => Promise<void>): Promise<string[]> {
  const record = join(dir, `imports-${randomUUID()}.txt`);
  const env = { ...recorderEnv(record), ...extraEnv };
  const child = spawn(process.execPath, ['--import', RECORDER, BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await expect.poll(() => stderr, { timeout: 20_000 }).toContain('serving MCP at');
    const url = /serving MCP at (\S+)/.exec(stderr)![1]!;
    await whileServing?.(url, { ...env, RECORD_IMPORTS_TO: join(dir, 'ignored.txt') });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return packagesIn(record);
}

/** A tool call through the endpoint, with a token `tarmac token create` made. */
async function callATool(url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const made = spawnSync(process.execPath, [BIN, 'token', 'create', `lazy-${randomUUID().slice(0, 8)}`], { encoding: 'utf8', timeout: 30_000, env });
  expect(made.status, made.stderr).toBe(0);
  const token = made.stdout.trim().split('\n').at(-1)!;
  const client = new Client({ name: 'lazy', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  try {
    // Any tool: the call goes through the gateway (and would open a span) whether it succeeds or not.
    await client.callTool({ name: 'fly-apps-list', arguments: {} });
  } finally {
    await client.close();
  }
}

function packagesIn(record: string): string[] {
  const bundled = JSON.parse(readFileSync(join(BUNDLE, 'packages.json'), 'utf8')) as Record<string, string[]>;
  const paths = readFileSync(record, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file:'))
    .map((u) => fileURLToPath(u));
  const names = paths.flatMap((p) => {
    if (p.startsWith(BUNDLE)) {
      const files = bundled[relative(BUNDLE, p).split(sep).join('/')];
      expect(files, `${p} is in out/cli/packages.json`).toBeDefined();
      return files ?? [];
    }
    return [/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]].filter((n): n is string => Boolean(n));
  });
  // The recorder saw the bundle itself: an empty list means "nothing", not "could not tell".
  expect(paths.some((p) => p.startsWith(BUNDLE))).toBe(true);
  return [...new Set(names)].sort();
}

describe('telemetry export loads only when it is on', () => {
  it('serving tool calls with nothing set loads no OpenTelemetry package and sends nothing to localhost:4318', async () => {
    // The OTLP default port, when free: a Tarmac exporting by default would send there.
    const receiver = await startOtlpReceiver({ port: 4318 }).catch(() => null);
    try {
      const quick = { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_METRIC_EXPORT_INTERVAL: '100' };
      const loaded = await packagesLoadedByServe(quick, async (url, env) => {
        await callATool(url, env);
        await new Promise((r) => setTimeout(r, 500));
      });
      expect(loaded).toContain('@modelcontextprotocol/server');
      expect(loaded.filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
      expect(receiver?.requests ?? []).toEqual([]);
    } finally {
      await receiver?.close();
    }
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT loads the SDK (and only then)', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const loaded = await packagesLoadedByServe({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' }, (url, env) => callATool(url, env));
      expect(loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-proto']));
      await expect.poll(() => receiver.spans.map((s) => s.name), { timeout: 10_000 }).toContain('tools/call fly-apps-list');
    } finally {
      await receiver.close();
    }
  });
});

describe('the CLI loads only what a command uses', () => {
  it('--help and --version load no dependency at all', () => {
    expect(packagesLoadedBy(['--help'])).toEqual([]);
    expect(packagesLoadedBy(['--version'])).toEqual([]);
  });

  it('status loads neither the MCP SDK nor the sign-in, console or process libraries', () => {
    const loaded = packagesLoadedBy(['status']);
    expect(loaded).toContain('keytar');
    for (const heavy of ['@modelcontextprotocol/client', '@modelcontextprotocol/server', '@modelcontextprotocol/node', 'openid-client', 'ws', 'execa', 'yaml']) expect(loaded).not.toContain(heavy);
  });

  it('an idle `serve` loads neither the MCP SDK nor the sign-in, console, process or OAuth libraries', async () => {
    const loaded = await packagesLoadedByServe();
    expect(loaded).toEqual(expect.arrayContaining(['keytar', 'pino', 'zod']));
    for (const heavy of ['@modelcontextprotocol/client', '@modelcontextprotocol/server', '@modelcontextprotocol/node', '@modelcontextprotocol/core', 'openid-client', 'oidc-provider', 'ws', 'execa', 'yaml']) {
      expect(loaded).not.toContain(heavy);
    }
  });
});
