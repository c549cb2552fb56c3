import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';
import { testTools } from '../fixtures/test-tools.js';

/** Every file Tarmac writes is the user's alone: 0600 files in 0700 folders, new or left by an older version. */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function host(dataDir?: string): Promise<TestHost> {
  const t = await startTestHost({ tools: testTools(), activityFlushMs: 0, ...(dataDir ? { dataDir } : {}) });
  cleanups.push(() => t.stop());
  return t;
}

/** Modes of every file and folder under `dir` (symbolic links and sockets left out), by relative path. */
async function modes(dir: string, under = dir, out: Record<string, string> = {}): Promise<Record<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out[`${relative(under, path)}/`] = octal(path === under ? 0 : (await stat(path)).mode);
      await modes(path, under, out);
    } else if (entry.isFile()) out[relative(under, path)] = octal((await stat(path)).mode);
  }
  return out;
}
const octal = (mode: number) => (mode & 0o777).toString(8);

/** A call recorded all the way: the history (with its -wal and -shm), the JSONL file and the search index. */
async function recordCall(t: TestHost): Promise<void> {
  const client = await t.connect();
  await client.callTool({ name: 'echo', arguments: { text: 'modes' } });
  await waitFor(() => t.activity().some((c) => c.tool === 'echo' && c.status === 'ok'), 'the call recorded');
  await waitFor(() => t.host.activity.searchCovered() > 0, 'the search index built');
}

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('makes every file in a new data dir 0600 and every folder 0700', async () => {
    const t = await host();
    await recordCall(t);
    expect(octal((await stat(t.dataDir)).mode)).toBe('700');
    const found = await modes(t.dataDir);
    for (const name of ['settings.json', 'activity/activity.db', 'activity/activity.db-wal', 'activity/activity.db-shm', 'activity/activity.jsonl', 'activity/activity-search.db', 'logs/tarmac.log']) {
      expect(found[name], name).toBeDefined();
    }
    const loose = Object.entries(found).filter(([name, mode]) => mode !== (name.endsWith('/') ? '700' : '600'));
    expect(loose).toEqual([]);
  });

  it('tightens the data dir an older Tarmac left readable by others when it starts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-modes-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const outside = join(await mkdtemp(join(tmpdir(), 'tarmac-outside-')), 'shared.txt');
    cleanups.push(() => rm(join(outside, '..'), { recursive: true, force: true }));
    await writeFile(outside, 'not Tarmac\'s', { mode: 0o644 });
    for (const dir of ['activity', 'logs', 'client-backups', 'run', 'Cache']) await mkdir(join(dataDir, dir), { mode: 0o755 });
    const db = new DatabaseSync(join(dataDir, 'activity', 'activity.db'));
    db.exec('CREATE TABLE old (x)');
    db.close();
    const files = ['settings.json', 'tokens.json', 'activity/activity.db', 'activity/activity.1.jsonl', 'logs/tarmac.log', 'logs/tarmac.1.log', 'client-backups/cursor.bak', 'Cache/electron-owned'];
    for (const file of files) if (!file.endsWith('.db')) await writeFile(join(dataDir, file), file === 'settings.json' ? '{}\n' : file === 'tokens.json' ? '{"tokens":[]}\n' : 'old\n');
    for (const file of files) await chmod(join(dataDir, file), 0o644);
    await symlink(outside, join(dataDir, 'activity', 'link.jsonl'));
    await chmod(dataDir, 0o755);

    const t = await host(dataDir);
    await recordCall(t);
    expect(octal((await stat(dataDir)).mode)).toBe('700');
    const found = await modes(dataDir);
    for (const name of files.filter((f) => !f.startsWith('Cache/'))) expect(found[name], name).toBe('600');
    for (const dir of ['activity/', 'logs/', 'client-backups/', 'run/']) expect(found[dir], dir).toBe('700');
    for (const name of ['activity/activity.db-wal', 'activity/activity.db-shm', 'activity/activity-search.db']) expect(found[name], name).toBe('600');
    // What is not Tarmac's stays as it was: the desktop app's userData is also Electron's, and a link's target is not ours.
    expect(found['Cache/']).toBe('755');
    expect(found['Cache/electron-owned']).toBe('644');
    expect(octal((await stat(outside)).mode)).toBe('644');
  });
});
