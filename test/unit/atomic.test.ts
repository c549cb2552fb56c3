import { lstat, mkdtemp, readdir, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/host/fs/atomic.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dir() {
  const d = await mkdtemp(join(tmpdir(), 'tarmac-atomic-'));
  dirs.push(d);
  return d;
}

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temp file', async () => {
    const d = await dir();
    await writeFile(join(d, 'a.json'), 'old');
    await writeFileAtomic(join(d, 'a.json'), 'new');
    expect(await readFile(join(d, 'a.json'), 'utf8')).toBe('new');
    expect(await readdir(d)).toEqual(['a.json']);
    expect((await lstat(join(d, 'a.json'))).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlink and keeps the link', async () => {
    const d = await dir();
    await mkdir(join(d, 'real'));
    await writeFile(join(d, 'real', 'settings.json'), 'old');
    await symlink(join(d, 'real', 'settings.json'), join(d, 'settings.json'));
    await writeFileAtomic(join(d, 'settings.json'), 'new');
    expect((await lstat(join(d, 'settings.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(d, 'real', 'settings.json'), 'utf8')).toBe('new');
  });

  it('keeps the old file and cleans up when the write fails', async () => {
    const d = await dir();
    await writeFile(join(d, 'a.json'), 'old');
    // The target is a folder: the rename fails after the temp file was written.
    await mkdir(join(d, 'b.json'));
    await expect(writeFileAtomic(join(d, 'b.json'), 'new')).rejects.toThrow();
    expect((await readdir(d)).sort()).toEqual(['a.json', 'b.json']);
  });
});
