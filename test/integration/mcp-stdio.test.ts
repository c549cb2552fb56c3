import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { eraClient, testKeychainService, type ConnectOptions } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';
import { resultText } from '../helpers/mcp.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/stdio-with-test-tools.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

interface Run {
  client: Client;
  dataDir: string;
  stderr: string;
}

/** `tarmac stdio` (with the test tools) under a client of the given era. */
async function launch(options: ConnectOptions): Promise<Run> {
  const run: Run = { client: eraClient('stdio-test', options), dataDir: await mkdtemp(join(tmpdir(), 'tarmac-stdio-')), stderr: '' };
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', TSX, FIXTURE, '--data-dir', run.dataDir, '--client', 'claude-code'],
    env: { PATH: process.env.PATH ?? '', TARMAC_KEYCHAIN_SERVICE: testKeychainService(), LOG_LEVEL: 'debug' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
  await run.client.connect(transport);
  return run;
}

async function readActivity(dataDir: string): Promise<Array<{ tool: string; client: string; status: string }>> {
  const text = await readFile(join(dataDir, 'activity', 'activity.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { tool: string; client: string; status: string });
}

// The SDK's stdio entry picks the era from the opening message: server/discover (2026-07-28) or
// initialize (2025-era).
const eras: [string, ConnectOptions, string][] = [
  ['2026-07-28', { era: 'modern' }, '2026-07-28'],
  ['2025-06-18', { protocolVersion: '2025-06-18' }, '2025-06-18'],
];

describe.each(eras)('MCP over stdio, %s', (_label, options, version) => {
  let run: Run;
  let client: Client;
  beforeAll(async () => {
    run = await launch(options);
    client = run.client;
  });
  afterAll(async () => {
    await client?.close();
    if (run) await rm(run.dataDir, { recursive: true, force: true });
  });

  it('discovers or initializes at the expected revision', () => {
    expect(client.getNegotiatedProtocolVersion()).toBe(version);
    expect(client.getServerVersion()?.name).toBe('tarmac');
  });

  it('lists tools with annotations and output schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'echo')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'destroy-thing')?.annotations).toMatchObject({ destructiveHint: true });
    expect(tools.find((t) => t.name === 'echo')?.outputSchema?.properties).toHaveProperty('length');
  });

  it('calls a tool', async () => {
    const result = await client.callTool({ name: 'echo', arguments: { text: 'over stdio' } });
    expect(result.structuredContent).toEqual({ text: 'over stdio', length: 10 });
  });

  it('times a hung tool out', async () => {
    const result = await client.callTool({ name: 'hang', arguments: {} });
    expect(result.isError).toBe(true);
  });

  it('cancels a running tool', async () => {
    const controller = new AbortController();
    let started = false;
    const pending = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }, {
      signal: controller.signal,
      onprogress: () => (started = true),
    });
    await waitFor(() => started, 'slow reported progress');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(async () => (await readActivity(run.dataDir)).some((c) => c.tool === 'slow' && c.status === 'cancelled'), 'cancelled call recorded');
    // The server is still healthy afterwards.
    const after = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(after.isError).toBeFalsy();
  });

  it('keeps stray prints off the protocol stream (they go to stderr)', async () => {
    const result = await client.callTool({ name: 'print-to-stdout', arguments: { text: 'stray-7c1' } });
    expect(resultText(result)).toBe('printed');
    await waitFor(() => run.stderr.includes('write stray-7c1'), 'prints on stderr');
    for (const kind of ['log', 'info', 'debug']) expect(run.stderr).toContain(`${kind} stray-7c1`);
    // The session still works after the noise.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'after' } })).structuredContent).toEqual({ text: 'after', length: 5 });
  });

  it('writes logs and activity to files, nothing but protocol to stdout, under the client name', async () => {
    await waitFor(async () => /serving MCP over stdio/.test(await readFile(join(run.dataDir, 'logs', 'tarmac.log'), 'utf8').catch(() => '')), 'log line');
    await waitFor(async () => (await readActivity(run.dataDir)).some((c) => c.tool === 'echo'), 'echo recorded');
    expect((await readActivity(run.dataDir)).find((c) => c.tool === 'echo')).toMatchObject({ client: 'stdio:claude-code', status: 'ok' });
    expect(run.stderr).not.toMatch(/jsonrpc/);
  });
});
