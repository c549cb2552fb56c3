import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, BIN } from '../helpers/cli.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { testKeychainService } from '../helpers/host.js';

let dir: string;

beforeAll(async () => {
  assertCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tarmac-stdio-eof-'));
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ flyctlPath: FAKE_FLYCTL }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The per-request envelope every 2026-07-28 message carries. */
const _meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'printf', version: '1' },
};

/** Like `printf '...' | tarmac stdio`: every message at once, then stdin closes. */
function pipeInto(messages: object[]): Promise<{ code: number | null; replies: Array<{ id?: number; result?: unknown; error?: unknown }>; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'stdio', '--data-dir', dir], {
    env: {
      ...process.env,
      HOME: dir,
      TARMAC_KEYCHAIN_SERVICE: testKeychainService(),
      FAKE_FLYCTL_LOGGED_IN: '1',
      // Slow enough that stdin has long closed when the answer is ready.
      FAKE_FLYCTL_RULES: JSON.stringify([{ match: 'apps list', delayMs: 400 }]),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(messages.map((m) => JSON.stringify(m) + '\n').join(''));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const replies = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id?: number; result?: unknown; error?: unknown });
      resolve({ code, replies, stderr });
    });
  });
}

describe('tarmac stdio when stdin closes', () => {
  it('answers the calls already sent, then exits 0', async () => {
    const { code, replies, stderr } = await pipeInto([
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'printf', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fly-apps-list', arguments: {} } },
    ]);
    expect(code, stderr).toBe(0);
    expect(replies.map((r) => r.id)).toEqual([1, 2]);
    const call = replies[1]!.result as { isError?: boolean; content: Array<{ text: string }> };
    expect(call.isError, JSON.stringify(call)).toBeFalsy();
    expect(call.content[0]!.text).toMatch(/\w/);
  });

  it('does the same for a 2026-07-28 client (no initialize; each request carries its envelope)', async () => {
    const { code, replies, stderr } = await pipeInto([
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fly-apps-list', arguments: {}, _meta } },
    ]);
    expect(code, stderr).toBe(0);
    expect(replies.map((r) => r.id)).toEqual([1, 2]);
    expect(replies[0]!.result).toMatchObject({ supportedVersions: expect.arrayContaining(['2026-07-28']), capabilities: { tools: {} } });
    expect(replies[0]!.result).toHaveProperty(['_meta', 'io.modelcontextprotocol/serverInfo', 'name'], 'tarmac');
    const call = replies[1]!.result as { isError?: boolean; content: Array<{ text: string }> };
    expect(call.isError, JSON.stringify(call)).toBeFalsy();
    expect(call.content[0]!.text).toMatch(/\w/);
  });

  it('does not wait for a 2026-07-28 subscription (answered only as the connection closes)', async () => {
    const { code, replies, stderr } = await pipeInto([
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta } },
      { jsonrpc: '2.0', id: 2, method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true }, _meta } },
    ]);
    // Before: it waited the whole drain limit (10 minutes) for the listen's answer, and the
    // harness killed it (code null).
    expect(code, stderr).toBe(0);
    expect(replies.map((r) => r.id)).toContain(1);
  });
});
