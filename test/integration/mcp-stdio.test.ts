import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { testKeychainService } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';
import { resultText } from '../helpers/mcp.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/stdio-with-test-tools.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

let client: Client;
let dataDir: string;
let stderr = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tarmac-stdio-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', TSX, FIXTURE, '--data-dir', dataDir, '--client', 'claude-code'],
    env: { PATH: process.env.PATH ?? '', TARMAC_KEYCHAIN_SERVICE: testKeychainService(), LOG_LEVEL: 'debug' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  client = new Client({ name: 'stdio-test', version: '1' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function readActivity(): Promise<Array<{ tool: string; client: string; status: string }>> {
  const text = await readFile(join(dataDir, 'activity', 'activity.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { tool: string; client: string; status: string });
}

describe('MCP over stdio', () => {
  it('initializes and lists tools with annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'echo')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'destroy-thing')?.annotations).toMatchObject({ destructiveHint: true });
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
    await waitFor(async () => (await readActivity()).some((c) => c.tool === 'slow' && c.status === 'cancelled'), 'cancelled call recorded');
    // The server is still healthy afterwards.
    const after = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    expect(after.isError).toBeFalsy();
  });

  it('keeps stray prints off the protocol stream (they go to stderr)', async () => {
    const result = await client.callTool({ name: 'print-to-stdout', arguments: { text: 'stray-7c1' } });
    expect(resultText(result)).toBe('printed');
    await waitFor(() => stderr.includes('write stray-7c1'), 'prints on stderr');
    for (const kind of ['log', 'info', 'debug']) expect(stderr).toContain(`${kind} stray-7c1`);
    // The session still works after the noise.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'after' } })).structuredContent).toEqual({ text: 'after', length: 5 });
  });

  it('writes logs and activity to files, nothing but protocol to stdout, under the client name', async () => {
    await waitFor(async () => /serving MCP over stdio/.test(await readFile(join(dataDir, 'logs', 'tarmac.log'), 'utf8').catch(() => '')), 'log line');
    await waitFor(async () => (await readActivity()).some((c) => c.tool === 'echo'), 'echo recorded');
    expect((await readActivity()).find((c) => c.tool === 'echo')).toMatchObject({ client: 'claude-code', status: 'ok' });
    expect(stderr).not.toMatch(/jsonrpc/);
  });
});
