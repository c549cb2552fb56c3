/**
 * Tarmac's files are the user's alone: 0600 files in 0700 folders. New files are made so; files
 * and folders an older version (or a umask of 022) left readable by others are tightened when
 * Tarmac starts. Symbolic links are left alone (their target may not be Tarmac's). On Windows,
 * where modes do not carry these permissions, nothing is done.
 */
import { chmodSync, closeSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * What Tarmac keeps in the data dir. Only these are tightened: the desktop app's data dir is also
 * Electron's userData, whose own folders are Electron's business.
 */
const OWNED_FILES = ['settings.json', 'tokens.json', 'oauth-clients.json', 'clients-used.json', 'flightctl-ca.pem'];
const OWNED_DIRS = ['activity', 'logs', 'run', 'client-backups', 'flyctl-workdir'];

const windows = process.platform === 'win32';

/** Set `mode` on a file or folder that others may read, write or enter; false when it is not there. */
export function tighten(path: string, mode: number): boolean {
  if (windows) return false;
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return false;
  }
  if (info.isSymbolicLink()) return false;
  if ((info.mode & 0o077) !== 0) {
    try {
      chmodSync(path, mode);
    } catch {
      // Not ours to change (another owner): it stays as it is, Tarmac still runs.
    }
  }
  return true;
}

/**
 * A file only the user can read, made empty when it is not there yet, so that what creates it
 * next (SQLite: its -wal and -shm files copy the database's mode) starts from 0600.
 */
export function privateFile(path: string): void {
  if (!tighten(path, PRIVATE_FILE)) closeSync(openSync(path, 'a', PRIVATE_FILE));
}

/** The data dir 0700, and every file (0600) and folder (0700) Tarmac keeps in it. */
export function tightenDataDir(dataDir: string): void {
  if (windows) return;
  tighten(dataDir, PRIVATE_DIR);
  for (const name of OWNED_FILES) tighten(join(dataDir, name), PRIVATE_FILE);
  for (const name of OWNED_DIRS) tightenTree(join(dataDir, name));
}

function tightenTree(dir: string): void {
  if (!tighten(dir, PRIVATE_DIR)) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tightenTree(path);
    else if (entry.isFile() || entry.isSocket()) tighten(path, PRIVATE_FILE);
  }
}
