import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './fs/atomic.js';

/**
 * <dataDir>/run/instance.json: which Tarmac is serving from this data folder right now, so other
 * processes (the CLI's `activity --follow`, `approvals`, `register`) can find it. Written when the
 * endpoint starts, removed when it stops; a file left by a process that died is "stale".
 */
export const InstanceSchema = z.object({
  pid: z.number().int().positive(),
  url: z.string().url(),
  port: z.number().int().min(0).max(65535),
  startedAt: z.string(),
  /** Unix socket (named pipe on Windows) that streams activity events as JSON lines. */
  activityFeed: z.string().optional(),
  /** Unix socket for guardrail commands (`tarmac policy`, `pause`, `approvals`), and the secret it asks for. */
  control: z.string().optional(),
  controlToken: z.string().optional(),
});

export type Instance = z.infer<typeof InstanceSchema>;

export type InstanceState = { state: 'none' } | { state: 'running'; instance: Instance } | { state: 'stale'; instance: Instance } | { state: 'unreadable'; reason: string };

export function runDir(dataDir: string): string {
  return join(dataDir, 'run');
}

export function instancePath(dataDir: string): string {
  return join(runDir(dataDir), 'instance.json');
}

export async function writeInstance(dataDir: string, instance: Instance): Promise<void> {
  await mkdir(runDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFileAtomic(instancePath(dataDir), JSON.stringify(InstanceSchema.parse(instance), null, 2) + '\n', 0o600);
}

/** Remove the file if it still describes this process (a newer Tarmac may have taken over). */
export async function removeInstance(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readInstance(dataDir);
  if ((current.state === 'running' || current.state === 'stale') && current.instance.pid !== pid) return;
  await rm(instancePath(dataDir), { force: true });
}

export async function readInstance(dataDir: string): Promise<InstanceState> {
  let raw: string;
  try {
    raw = await readFile(instancePath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    return { state: 'unreadable', reason: (err as Error).message };
  }
  let parsed;
  try {
    parsed = InstanceSchema.safeParse(JSON.parse(raw));
  } catch {
    return { state: 'unreadable', reason: `${instancePath(dataDir)} is not valid JSON` };
  }
  if (!parsed.success) return { state: 'unreadable', reason: `${instancePath(dataDir)} has unexpected contents` };
  return { state: isAlive(parsed.data.pid) ? 'running' : 'stale', instance: parsed.data };
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists as another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The same check, synchronously, for start-up code that cannot wait. */
export function instanceRunningSync(dataDir: string): boolean {
  try {
    const parsed = InstanceSchema.safeParse(JSON.parse(readFileSync(instancePath(dataDir), 'utf8')));
    return parsed.success && parsed.data.pid !== process.pid && isAlive(parsed.data.pid);
  } catch {
    return false;
  }
}
