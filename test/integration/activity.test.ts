import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instancePath, readInstance } from '../../src/main/host/instance.js';
import type { ActivityEvent, ToolCall } from '../../src/shared/activity.js';
import { testTools } from '../fixtures/test-tools.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';

// The built CLI, as users run it (`npm run build:cli` makes it; `npm test` builds first).
const BIN = fileURLToPath(new URL('../../bin/tarmac.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../out/cli/tarmac.cjs', import.meta.url));
const ARG_CANARY = 'canary-activity-4e8b2a6c9d';
const KEY_CANARY = 'canary-activity-key-1a3c5e7b9d';

function tarmac(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const jsonLines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ToolCall);

let t: TestHost;
const results: CallToolResult[] = [];

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('out/cli/tarmac.cjs is missing: run `npm run build:cli` first');
  t = await startTestHost({ tools: testTools() });
  const client = await t.connect();
  const other = await t.connect('other');
  for (const text of ['one', 'two', 'three']) results.push((await client.callTool({ name: 'echo', arguments: { text } })) as CallToolResult);
  results.push((await client.callTool({ name: 'fail', arguments: { message: 'upstream said no' } })) as CallToolResult);
  results.push((await client.callTool({ name: 'set-secret', arguments: { name: 'DATABASE_URL', value: ARG_CANARY } })) as CallToolResult);
  results.push((await client.callTool({ name: 'configure', arguments: { name: 'billing', api_key: KEY_CANARY } })) as CallToolResult);
  results.push((await other.callTool({ name: 'write-thing', arguments: {} })) as CallToolResult);
  // What the CLI reads is what the host wrote: make the waiting batch land now.
  t.host.activity.flush();
}, 30_000);

afterAll(async () => t?.stop());

describe('tarmac activity (the built CLI) shows calls made through the real endpoint', () => {
  it('lists every call, oldest first, as one JSON object per line', async () => {
    const r = await tarmac(['activity', '--json', '--data-dir', t.dataDir]);
    expect(r.code).toBe(0);
    const calls = jsonLines(r.stdout);
    expect(calls.map((c) => `${c.client}:${c.tool}:${c.status}`)).toEqual([
      'test:echo:ok',
      'test:echo:ok',
      'test:echo:ok',
      'test:fail:error',
      'test:set-secret:error',
      'test:configure:ok',
      'other:write-thing:ok',
    ]);
    expect(calls[0]).toMatchObject({ provider: 'test', class: 'read', args: { text: 'one' }, preview: 'one' });
    expect(calls.find((c) => c.tool === 'set-secret')?.args).toEqual({ name: 'DATABASE_URL', value: '[redacted]' });
  });

  it('filters by tool, client, status, provider, since and limit', async () => {
    const run = async (...args: string[]) => jsonLines((await tarmac(['activity', '--json', '--data-dir', t.dataDir, ...args])).stdout).map((c) => c.tool);
    expect(await run('--tool', 'echo')).toEqual(['echo', 'echo', 'echo']);
    expect(await run('--client', 'other')).toEqual(['write-thing']);
    expect(await run('--status', 'error')).toEqual(['fail', 'set-secret']);
    expect(await run('--provider', 'nope')).toEqual([]);
    expect(await run('--since', '1h', '--limit', '2')).toEqual(['configure', 'write-thing']);
    expect(await run('--since', '2099-01-01T00:00:00Z')).toEqual([]);
  });

  it('prints a table for people', async () => {
    const r = await tarmac(['activity', '--data-dir', t.dataDir, '--tool', 'fail']);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TIME\s+CLIENT\s+TOOL\s+PROVIDER\s+CLASS\s+STATUS\s+DURATION\s+RESULT$/);
    expect(row).toMatch(/test\s+fail\s+test\s+read\s+error\s+\d+ ms\s+upstream said no/);
  });

  it('refuses bad options with a usage error', async () => {
    const r = await tarmac(['activity', '--status', 'weird', '--data-dir', t.dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--status must be one of running, ok, error/);
  });

  it('keeps the canary secrets out of the database files, the CLI output and exports', async () => {
    const table = await tarmac(['activity', '--data-dir', t.dataDir]);
    const json = await tarmac(['activity', '--json', '--data-dir', t.dataDir]);
    let jsonl = '';
    for await (const chunk of t.host.activityApi.export({}, 'jsonl')) jsonl += chunk;
    let csv = '';
    for await (const chunk of t.host.activityApi.export({}, 'csv')) csv += chunk;
    const dir = join(t.dataDir, 'activity');
    // The history, its WAL and the search index (once the index has caught up).
    await waitFor(() => t.host.activity.searchCovered() > 0, 'search index built');
    const dbFiles = (await readdir(dir)).filter((f) => f.startsWith('activity') && !f.endsWith('.jsonl'));
    expect(dbFiles).toEqual(expect.arrayContaining(['activity.db', 'activity-search.db']));
    const db = (await Promise.all(dbFiles.map((f) => readFile(join(dir, f))))).map((b) => b.toString('latin1')).join('');
    // The database does hold the calls: the check is not passing on an empty file.
    expect(db).toContain('DATABASE_URL');
    for (const text of [db, table.stdout, json.stdout, jsonl, csv, JSON.stringify(results)]) {
      expect(text).not.toContain(ARG_CANARY);
      expect(text).not.toContain(KEY_CANARY);
    }
    expect(csv).toContain('set-secret');
  });
});

describe('live activity and cancelling', () => {
  it('emits started and finished events, and a host-side cancel gives the client a cancelled result that says who', async () => {
    const client = await t.connect();
    const events: ActivityEvent[] = [];
    const off = t.host.activityApi.onActivity((e) => events.push(e));
    try {
      const pending = client.callTool({ name: 'slow', arguments: { ms: 20_000 } });
      await waitFor(() => events.some((e) => e.type === 'started' && e.call.tool === 'slow'), 'slow started');
      const started = events.find((e) => e.type === 'started' && e.call.tool === 'slow')!.call;
      expect(started.status).toBe('running');
      expect(t.host.activityApi.cancelCall(started.id, 'user')).toBe(true);
      const result = (await pending) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/cancelled by user/);
      await waitFor(() => events.some((e) => e.type === 'finished' && e.call.id === started.id), 'slow finished');
      expect(t.host.activityApi.get(started.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'user' });
      // Cancelling again, or a call that is not running, changes nothing.
      expect(t.host.activityApi.cancelCall(started.id, 'user')).toBe(false);
    } finally {
      off();
    }
  });

  it('`tarmac activity --follow` streams calls from the running Tarmac', async () => {
    const child = spawn(process.execPath, [BIN, 'activity', '--follow', '--json', '--tool', 'echo', '--limit', '1', '--data-dir', t.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      await waitFor(() => stderr.includes('Following tool calls'), `follow started (stderr: ${stderr})`);
      const client = await t.connect();
      await client.callTool({ name: 'noop', arguments: {} });
      await client.callTool({ name: 'echo', arguments: { text: 'live' } });
      await waitFor(() => jsonLines(stdout).some((c) => c.args.text === 'live'), 'live call shown');
      // The newest matching call from history first (--limit 1), then only new echo calls.
      expect(jsonLines(stdout).map((c) => c.args.text)).toEqual(['three', 'live']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(kill);
      child.kill('SIGKILL');
    }
  });
});

describe('run/instance.json', () => {
  it('describes the running endpoint, readable by the user only', async () => {
    const found = await readInstance(t.dataDir);
    expect(found.state).toBe('running');
    if (found.state !== 'running') return;
    expect(found.instance).toMatchObject({ pid: process.pid, url: t.url, port: Number(new URL(t.url).port) });
    expect(Date.parse(found.instance.startedAt)).not.toBeNaN();
    expect(found.instance.activityFeed).toBeTruthy();
    if (process.platform !== 'win32') {
      expect((await stat(instancePath(t.dataDir))).mode & 0o777).toBe(0o600);
      // The live feed's socket sits in a folder only the user can enter.
      expect((await stat(join(t.dataDir, 'run'))).mode & 0o777).toBe(0o700);
      expect((await stat(found.instance.activityFeed!)).isSocket()).toBe(true);
    }
  });

  it('is removed when the host stops, and a file left by a dead process reads as stale', async () => {
    const other = await startTestHost({ tools: testTools() });
    const dataDir = other.dataDir;
    expect((await readInstance(dataDir)).state).toBe('running');
    await other.host.stop();
    expect(existsSync(instancePath(dataDir))).toBe(false);
    await mkdir(join(dataDir, 'run'), { recursive: true });
    // A pid far above any real one: no such process.
    await writeFile(instancePath(dataDir), JSON.stringify({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:1/mcp', port: 1, startedAt: new Date().toISOString() }));
    expect((await readInstance(dataDir)).state).toBe('stale');
    const r = await tarmac(['activity', '--follow', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No Tarmac is running from/);
    await other.stop();
  });
});
