import { randomBytes } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { syncDir } from '../fs/atomic.js';
import { checkConfigSize } from './formats/limits.js';

export interface EditResult {
  /** The file actually edited (a symlink's target). */
  target: string;
  before: string | null;
  after: string;
  changed: boolean;
  backup: string | null;
}

export interface EditOptions {
  /** Compute the change, write nothing. */
  dryRun?: boolean;
  /** Folder for timestamped copies of the previous file; the last `keepBackups` are kept per file. */
  backupDir: string;
  keepBackups?: number;
  /** Mode for the written file: 0600 when it holds a token; otherwise the file keeps its mode. */
  secret: boolean;
  /** Checks the text as read back from disk; throws when it is not what was meant. */
  verify(text: string): void;
}

/**
 * Edit a config file that other programs own too. Under a lock (a sibling `.lock` folder, which
 * another Tarmac waits for), read the file, apply `edit`, and just before the rename read it again:
 * if someone without the lock (the client itself) changed it meanwhile, edit the new text instead.
 * Then atomic replace (temp file, fsync, rename, fsync folder), a backup of the previous file, and
 * a read-back check. A file that does not parse makes `edit` throw: nothing is written.
 */
export async function editConfigFile(path: string, edit: (text: string | null) => string, options: EditOptions): Promise<EditResult> {
  const target = await resolveTarget(path);
  if (options.dryRun) {
    const before = await readOrNull(target);
    const after = edit(before);
    return { target, before, after, changed: after !== (before ?? ''), backup: null };
  }
  await mkdir(dirname(target), { recursive: true });
  const release = await lockfile.lock(target, {
    realpath: false,
    lockfilePath: `${target}.tarmac.lock`,
    stale: 10_000,
    retries: { retries: 60, minTimeout: 20, maxTimeout: 250, factor: 1.3 },
  });
  try {
    for (let attempt = 0; ; attempt++) {
      const before = await readOrNull(target);
      const after = edit(before);
      if (after === (before ?? '')) return { target, before, after, changed: false, backup: null };
      const mode = options.secret ? 0o600 : ((await stat(target).catch(() => null))?.mode ?? 0o600) & 0o777;
      const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
      let backup: string | null = null;
      try {
        const handle = await open(tmp, 'wx', 0o600);
        try {
          await handle.writeFile(after);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await chmod(tmp, mode);
        // The client may have written meanwhile (it does not know our lock): merge into its text.
        if ((await readOrNull(target)) !== before && attempt < 5) {
          await rm(tmp, { force: true });
          continue;
        }
        backup = before === null ? null : await backupFile(target, options.backupDir, options.keepBackups ?? 5);
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      await syncDir(dirname(target));
      const written = await readFile(target, 'utf8');
      if (written !== after) throw new Error(`${target} changed while Tarmac wrote it: run the command again`);
      options.verify(written);
      return { target, before, after, changed: true, backup };
    }
  } finally {
    await release().catch(() => undefined);
  }
}

/** A symlinked config is edited where it points, so the link (dotfiles repos) stays a link. */
export async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    // Missing: maybe a dangling link to a file not made yet.
    try {
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        const to = await readlink(path);
        return isAbsolute(to) ? to : resolve(dirname(path), to);
      }
    } catch {
      // Nothing there at all.
    }
    return path;
  }
}

/** A config file's text, null when there is none; a file over the size limit is refused unread (ConfigLimitError). */
export async function readConfigText(path: string): Promise<string | null> {
  try {
    const handle = await open(path, 'r');
    try {
      checkConfigSize(path, (await handle.stat()).size);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const readOrNull = readConfigText;

function backupStem(target: string): string {
  return target.replace(/^[A-Za-z]:/, '').replace(/[\\/]+/g, '_').replace(/^_/, '');
}

async function backupFile(target: string, dir: string, keep: number): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const stem = backupStem(target);
  const file = join(dir, `${stem}.${stamp}.${randomBytes(2).toString('hex')}.bak`);
  await copyFile(target, file);
  await chmod(file, 0o600);
  const mine = (await readdir(dir)).filter((f) => f.startsWith(`${stem}.`) && f.endsWith('.bak')).sort();
  for (const old of mine.slice(0, Math.max(0, mine.length - keep))) await rm(join(dir, old), { force: true });
  return file;
}
