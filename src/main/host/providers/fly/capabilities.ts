/**
 * What the installed flyctl supports: its version and, where the version table is not enough,
 * what `<command> --help` lists. Learnt once per binary file (path, size, modification time,
 * inode: an upgrade changes them) and kept in the data dir, so a later start costs one stat.
 * flyctl runs here without any credential, in its empty working folder.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { withoutCredentials } from './check-flyctl.js';
import { parseVersion, runFlyctl } from './flyctl.js';
import { parseHelp, type HelpFacts } from './help.js';

/** The cache file in the data dir (mode 0600). */
export const CAPABILITIES_FILE = 'flyctl-capabilities.json';
const FORMAT = 1;
/** Binaries remembered at once (a person switching between a few flyctls keeps all of them). */
const MAX_ENTRIES = 8;
const RUN_TIMEOUT_MS = 10_000;
/** flyctl processes at once while learning: enough to be quick, few enough not to swamp a laptop. */
const CONCURRENCY = 4;

/** Which file a binary is: any of these changing means another flyctl. */
export interface BinaryFile {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface FlyctlFacts extends BinaryFile {
  /** What `flyctl version` said (x.y.z...); null when it did not answer like flyctl. */
  version: string | null;
  /** Per command asked ("machine run"): its help's flags, "missing", or null (did not parse). */
  help: Record<string, HelpFacts>;
  learnedAt: string;
}

export interface LearnerOptions {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** flyctl's empty working folder. */
  workdir(): Promise<string>;
  /** The commands whose --help the tool table needs at this version. */
  helpFor(version: string | null): readonly string[];
}

const helpSchema = z.union([z.object({ flags: z.record(z.string(), z.string()) }), z.literal('missing'), z.null()]);
const factsSchema = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  ino: z.number(),
  version: z.string().nullable(),
  help: z.record(z.string(), helpSchema),
  learnedAt: z.string(),
});
const fileSchema = z.object({ format: z.literal(FORMAT), binaries: z.array(factsSchema) });

export class FlyctlLearner {
  readonly #o: LearnerOptions;
  #current: FlyctlFacts | null = null;
  readonly #learning = new Map<string, Promise<FlyctlFacts | null>>();
  /** Binaries learnt in this process: a help that timed out is asked again next start, not at every look. */
  readonly #tried = new Set<string>();
  #looks = 0;
  readonly #listeners = new Set<(facts: FlyctlFacts | null) => void>();

  constructor(options: LearnerOptions) {
    this.#o = options;
  }

  get file(): string {
    return join(this.#o.dataDir, CAPABILITIES_FILE);
  }

  /** What is known of the binary in use now; null before the first look (or without flyctl). */
  current(): FlyctlFacts | null {
    return this.#current;
  }

  /** Told when the binary in use, or what is known of it, changed. */
  onChange(listener: (facts: FlyctlFacts | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The facts of this binary (null: no flyctl), which become the current ones: from memory when
   * the file is the same, else from the cache file, else learnt by running it. One stat when
   * nothing changed.
   */
  async learn(path: string | null): Promise<FlyctlFacts | null> {
    const look = ++this.#looks;
    const file = path ? await identify(path) : null;
    if (!file) return look === this.#looks ? this.#adopt(null) : null;
    const key = fileKey(file);
    const known = this.#current;
    if (known && sameFile(known, file) && (this.#tried.has(key) || this.#complete(known))) return known;
    let pending = this.#learning.get(key);
    if (!pending) {
      pending = this.#fromCacheOrRun(file).finally(() => {
        this.#learning.delete(key);
        this.#tried.add(key);
      });
      this.#learning.set(key, pending);
    }
    const facts = await pending;
    // A later look (the path setting changed meanwhile) decides what is current, not this slower one.
    return look === this.#looks ? this.#adopt(facts) : facts;
  }

  #adopt(facts: FlyctlFacts | null): FlyctlFacts | null {
    const before = this.#current;
    this.#current = facts;
    if (!sameFacts(before, facts)) {
      for (const listener of this.#listeners) {
        try {
          listener(facts);
        } catch (err) {
          this.#o.log.warn({ err: (err as Error).message }, 'fly: a flyctl capabilities listener failed');
        }
      }
    }
    return facts;
  }

  /** Every command the table wants asked has an answer (a timed-out one is asked again). */
  #complete(facts: FlyctlFacts): boolean {
    return this.#o.helpFor(facts.version).every((c) => c in facts.help);
  }

  async #fromCacheOrRun(file: BinaryFile): Promise<FlyctlFacts> {
    const kept = await this.#readCache();
    const cached = kept.find((f) => sameFile(f, file));
    if (cached && this.#complete(cached)) return cached;
    const started = performance.now();
    const version = cached ? cached.version : await this.#version(file.path);
    const help: Record<string, HelpFacts> = { ...cached?.help };
    const ask = this.#o.helpFor(version).filter((c) => !(c in help));
    await pool(ask, CONCURRENCY, async (command) => {
      const answer = await this.#help(file.path, command);
      if (answer !== undefined) help[command] = answer;
    });
    const facts: FlyctlFacts = { ...file, version, help, learnedAt: new Date().toISOString() };
    this.#o.log.info(
      { flyctl: file.path, version, helpAsked: ask.length, ms: Math.round(performance.now() - started) },
      'fly: learnt what this flyctl supports',
    );
    // Only a version answer is worth keeping: a flyctl that did not answer is asked again next time.
    if (version !== null) await this.#writeCache(facts, kept);
    return facts;
  }

  async #run(binary: string, argv: string[]): Promise<Awaited<ReturnType<typeof runFlyctl>> | null> {
    return runFlyctl({
      binary,
      argv,
      // Asking what it is and what it takes: no credential goes to it, and no update check runs.
      env: { ...withoutCredentials(this.#o.env), FLY_NO_UPDATE_CHECK: '1' },
      cwd: await this.#o.workdir(),
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS + 1000),
      timeoutMs: RUN_TIMEOUT_MS,
      maxStdoutBytes: 256 * 1024,
    }).catch(() => null);
  }

  async #version(binary: string): Promise<string | null> {
    const res = await this.#run(binary, ['version']);
    return res && res.exitCode === 0 ? parseVersion(res.stdout) : null;
  }

  /** undefined: no answer at all (timed out, could not start): asked again next time. */
  async #help(binary: string, command: string): Promise<HelpFacts | undefined> {
    const res = await this.#run(binary, [...command.split(' '), '--help']);
    if (!res || res.timedOut || res.spawnError) return undefined;
    return parseHelp(command, res);
  }

  async #readCache(): Promise<FlyctlFacts[]> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data.binaries : [];
    } catch {
      return [];
    }
  }

  /** `kept`: the file as read before learning (another Tarmac writing meanwhile loses to this one; it is only a cache). */
  async #writeCache(facts: FlyctlFacts, kept: readonly FlyctlFacts[]): Promise<void> {
    try {
      const others = kept.filter((f) => f.path !== facts.path);
      const body = { format: FORMAT, binaries: [facts, ...others].slice(0, MAX_ENTRIES) };
      // Written aside and renamed over (a reader sees the old file or the new one), but not
      // fsynced: it is a cache, learnt again when a crash leaves it empty, and a sync costs the
      // first call after an upgrade more than the flyctl run does on a busy disk.
      const aside = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(aside, `${JSON.stringify(body)}\n`, { mode: 0o600, flag: 'wx' });
        await rename(aside, this.file);
      } catch (err) {
        await rm(aside, { force: true });
        throw err;
      }
    } catch (err) {
      this.#o.log.warn({ err: (err as Error).message, file: this.file }, 'fly: could not keep what this flyctl supports; it is learnt again next start');
    }
  }
}

async function identify(path: string): Promise<BinaryFile | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino } : null;
  } catch {
    return null;
  }
}

function sameFile(a: BinaryFile, b: BinaryFile): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function fileKey(f: BinaryFile): string {
  return `${f.path}\0${f.size}\0${f.mtimeMs}\0${f.ino}`;
}

function sameFacts(a: FlyctlFacts | null, b: FlyctlFacts | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return sameFile(a, b) && a.version === b.version && JSON.stringify(a.help) === JSON.stringify(b.help);
}

/** Runs fn over items, at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
