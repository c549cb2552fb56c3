import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli.js';
import { parseSince } from '../../src/main/cli/activity.js';
import { ActivityStore } from '../../src/main/host/activity/store.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), readStdin: async () => '' } };
}

describe('tarmac activity', () => {
  it('reads --since as a duration ago or an ISO time, and refuses anything else', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('15m', now)).toBe(now - 900_000);
    expect(parseSince('1h', now)).toBe(now - 3_600_000);
    expect(parseSince('2d', now)).toBe(now - 2 * 86_400_000);
    expect(parseSince('1w', now)).toBe(now - 7 * 86_400_000);
    expect(parseSince('2026-02-01T00:00:00Z', now)).toBe(Date.parse('2026-02-01T00:00:00Z'));
    for (const bad of ['1y', 'yesterday', '-1h', '12']) expect(() => parseSince(bad, now)).toThrow(/--since takes a duration/);
  });

  it('says when nothing was recorded, and checks --limit and --status before reading', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-activity-'));
    try {
      const empty = io();
      expect(await runCli(['activity', '--data-dir', dataDir], empty.io)).toBe(0);
      expect(empty.err.join('\n')).toMatch(/No tool calls recorded yet/);
      const limit = io();
      expect(await runCli(['activity', '--limit', '0', '--data-dir', dataDir], limit.io)).toBe(2);
      expect(limit.err.join('\n')).toMatch(/--limit must be a whole number from 1 to 100000/);
      const follow = io();
      expect(await runCli(['activity', '--follow', '--data-dir', dataDir], follow.io)).toBe(1);
      expect(follow.err.join('\n')).toMatch(/No Tarmac is running from/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('prints the newest calls, oldest of them first, with the filters applied', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-activity-'));
    try {
      const store = new ActivityStore({ dir: ActivityStore.dirFor(dataDir) });
      for (const tool of ['a', 'b', 'c', 'd']) store.record({ client: tool === 'c' ? 'other' : 'cursor', session: null, tool, provider: 'fly', class: 'read', args: {} }, { status: 'ok', resultBytes: 1, preview: `did ${tool}` });
      await store.close();
      const all = io();
      expect(await runCli(['activity', '--json', '--limit', '2', '--data-dir', dataDir], all.io)).toBe(0);
      expect(all.out.map((l) => (JSON.parse(l) as { tool: string }).tool)).toEqual(['c', 'd']);
      const table = io();
      expect(await runCli(['activity', '--client', 'cursor', '--data-dir', dataDir], table.io)).toBe(0);
      expect(table.out).toHaveLength(4);
      expect(table.out.slice(1).map((l) => /\bcursor\s+(\w)\s/.exec(l)?.[1])).toEqual(['a', 'b', 'd']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
