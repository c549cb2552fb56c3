import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './fs/atomic.js';

/** The running Tarmac on a data dir: <dataDir>/run/instance.json, written when its endpoint listens. */
export interface InstanceInfo {
  pid: number;
  url: string;
  port: number;
}

const InstanceSchema = z.object({ pid: z.number().int().positive(), url: z.string().url(), port: z.number().int().min(0).max(65535) });

export function instancePath(dataDir: string): string {
  return join(dataDir, 'run', 'instance.json');
}

export async function writeInstance(dataDir: string, info: InstanceInfo): Promise<void> {
  await writeFileAtomic(instancePath(dataDir), JSON.stringify(info, null, 2) + '\n');
}

/** Remove the file, but only if it still names this process (a newer instance may have replaced it). */
export async function removeInstance(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readInstanceFile(dataDir);
  if (current?.pid === pid) await rm(instancePath(dataDir), { force: true });
}

/** The running instance, or null when there is none (no file, or its process is gone). */
export async function readInstance(dataDir: string): Promise<InstanceInfo | null> {
  const info = await readInstanceFile(dataDir);
  return info && isAlive(info.pid) ? info : null;
}

async function readInstanceFile(dataDir: string): Promise<InstanceInfo | null> {
  try {
    const parsed = InstanceSchema.safeParse(JSON.parse(await readFile(instancePath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
