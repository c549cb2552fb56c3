import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Policy } from '../../shared/policy.js';
import { writeFileAtomic } from './fs/atomic.js';

/**
 * Non-secret settings. Secrets never go here: they live in the SecretStore. Loose: keys this
 * version does not know (a newer Tarmac's, the user's own) are kept when the file is rewritten.
 */
export const SettingsSchema = z.looseObject({
  port: z.number().int().min(1).max(65535).optional(),
  flyctlPath: z.string().min(1).optional(),
  flightctl: z
    .object({
      apiUrl: z.string().url().optional(),
      organization: z.string().optional(),
      insecureSkipVerify: z.boolean().optional(),
      caCertPath: z.string().optional(),
    })
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
  /** The desktop window's last size and place. */
  window: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(200), height: z.number().int().min(200) }).optional(),
  /** How much tool-call history is kept: the newest maxCalls calls, none older than maxDays. */
  activity: z
    .object({
      maxCalls: z.number().int().min(100).max(10_000_000).optional(),
      maxDays: z.number().int().min(1).max(3650).optional(),
    })
    .optional(),
  policies: z.record(z.string(), z.enum(['allow', 'ask', 'deny'] satisfies [Policy, ...Policy[]])).optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;

export class SettingsCorruptError extends Error {
  override readonly name = 'SettingsCorruptError';
}

/**
 * settings.json in the data dir, written atomically. A corrupt file is reported, never
 * overwritten: the user's file is theirs to fix.
 */
export class SettingsStore {
  readonly path: string;
  #cache: Settings | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
  }

  async read(): Promise<Settings> {
    if (this.#cache) return this.#cache;
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return (this.#cache = {});
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new SettingsCorruptError(`${this.path} is not valid JSON; fix or remove it (Tarmac left it untouched)`);
    }
    const parsed = SettingsSchema.safeParse(json);
    if (!parsed.success) {
      throw new SettingsCorruptError(`${this.path} has invalid values (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); fix or remove it`);
    }
    return (this.#cache = parsed.data);
  }

  /**
   * Apply a change and persist it. Updates in this process are serialised, and each starts from
   * the file as it is now, so an edit another process (the CLI, the tray app) made meanwhile is
   * kept rather than overwritten with a stale copy.
   */
  update(change: (current: Settings) => Settings): Promise<Settings> {
    const run = this.#queue.then(async () => {
      this.#cache = undefined;
      const next = SettingsSchema.parse(change(structuredClone(await this.read())));
      await writeFileAtomic(this.path, JSON.stringify(next, null, 2) + '\n');
      this.#cache = next;
      return next;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Forget the cached copy (another process may have written the file). */
  invalidate(): void {
    this.#cache = undefined;
  }
}
