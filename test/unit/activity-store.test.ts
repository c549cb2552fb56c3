import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../src/shared/activity.js';
import { ActivityStore } from '../../src/main/host/activity/store.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const call = (tool: string, client = 'cursor') => ({ client, session: 's1', tool, provider: 'fly', class: 'read' as const, args: { app: 'web' } });

describe('ActivityStore', () => {
  it('records start and finish, streams both, and lists newest first with filters', () => {
    const store = new ActivityStore();
    const seen: ToolCall[] = [];
    const off = store.subscribe((c) => seen.push(c));
    const a = store.start(call('fly-apps-list'));
    store.finish(a.id, { status: 'ok', resultBytes: 120, preview: 'web  running' });
    const b = store.start(call('fly-machine-destroy', 'claude'));
    store.finish(b.id, { status: 'error', resultBytes: null, preview: 'not found' });
    off();
    store.start(call('after-unsubscribe'));
    expect(seen.map((c) => `${c.tool}:${c.status}`)).toEqual(['fly-apps-list:running', 'fly-apps-list:ok', 'fly-machine-destroy:running', 'fly-machine-destroy:error']);
    expect(store.list().map((c) => c.tool)).toEqual(['after-unsubscribe', 'fly-machine-destroy', 'fly-apps-list']);
    expect(store.list({ client: 'claude' }).map((c) => c.tool)).toEqual(['fly-machine-destroy']);
    expect(store.list({ status: 'ok' })[0]).toMatchObject({ tool: 'fly-apps-list', resultBytes: 120, preview: 'web  running' });
    expect(store.list({ status: 'ok' })[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps at most the retention limit, dropping the oldest', () => {
    const store = new ActivityStore({ retention: { maxCalls: 10, maxDays: 90 } });
    for (let i = 0; i < 25; i++) store.record(call(`t${i}`), { status: 'ok', resultBytes: 1, preview: null });
    store.setRetention({ maxCalls: 10, maxDays: 90 });
    store.flush();
    expect(store.size).toBe(10);
    expect(store.list({ limit: 100 }).at(-1)?.tool).toBe('t15');
  });

  it('a throwing subscriber does not break recording', () => {
    const store = new ActivityStore();
    store.subscribe(() => {
      throw new Error('boom');
    });
    expect(() => store.record(call('x'), { status: 'ok', resultBytes: 0, preview: null })).not.toThrow();
  });

  it('writes finished calls as JSONL and rotates by size, keeping at most maxFiles files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-activity-'));
    dirs.push(dir);
    // Lines are written a batch at a time (every flushMs): a short one, so batches go out between pauses.
    const store = new ActivityStore({ dir, fileSize: '1K', maxFiles: 3, flushMs: 1 });
    for (let i = 0; i < 60; i++) {
      store.record(call(`tool-${i}`), { status: 'ok', resultBytes: 10, preview: 'x'.repeat(40) });
      // Let the stream write and rotate between batches, as it does under real traffic.
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 10));
    }
    await store.close();
    await waitFor(async () => (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).length === 3, 'three files');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toEqual(['activity.1.jsonl', 'activity.2.jsonl', 'activity.jsonl']);
    // Oldest file first: what survives is a contiguous run of the newest calls, ending with the last one.
    const text = (await Promise.all(['activity.2.jsonl', 'activity.1.jsonl', 'activity.jsonl'].map((f) => readFile(join(dir, f), 'utf8')))).join('');
    const tools = text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as ToolCall).tool);
    expect(tools.at(-1)).toBe('tool-59');
    expect(tools.length).toBeLessThan(60);
    const first = Number(tools[0]!.slice(5));
    expect(tools).toEqual(Array.from({ length: 60 - first }, (_, i) => `tool-${first + i}`));
  });
});

describe('ActivityStore lists running and finished calls alike', () => {
  it('shows a running call, then its final state in its place', () => {
    const store = new ActivityStore();
    const a = store.start(call('first'));
    store.record(call('second'), { status: 'ok', resultBytes: 1, preview: null });
    expect(store.list().map((c) => `${c.tool}:${c.status}`)).toEqual(['second:ok', 'first:running']);
    store.finish(a.id, { status: 'error', resultBytes: null, preview: 'boom' });
    expect(store.list().map((c) => `${c.tool}:${c.status}`)).toEqual(['second:ok', 'first:error']);
    // Callers get copies: changing one does not change the record.
    store.list()[0]!.tool = 'mutated';
    expect(store.list()[0]!.tool).toBe('second');
  });
});
