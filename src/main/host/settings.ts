import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Policy, ToolClass } from '../../shared/policy.js';
import { PROFILE_NAME, type ProfileDef } from '../../shared/profiles.js';
import { OTLP_HEADER_NAME, OTLP_PROTOCOLS } from '../../shared/telemetry.js';
import { writeFileAtomic } from './fs/atomic.js';

const policy = z.enum(['allow', 'ask', 'deny'] satisfies [Policy, ...Policy[]]);
const PolicyRulesSchema = z.object({
  classes: z.partialRecord(z.enum(['read', 'write', 'destructive'] satisfies [ToolClass, ...ToolClass[]]), policy).optional(),
  providers: z.record(z.string(), policy).optional(),
  tools: z.record(z.string(), policy).optional(),
});
export const PolicySetSchema = PolicyRulesSchema.extend({ clients: z.record(z.string(), PolicyRulesSchema).optional() });

const toolClass = z.enum(['read', 'write', 'destructive'] satisfies [ToolClass, ...ToolClass[]]);
const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const names = z.array(z.string().min(1).max(128)).max(500);
/** A custom profile (see ProfileDef); the shipped ones are not stored. */
export const ProfileDefSchema = z.object({
  name: z.string().regex(PROFILE_NAME),
  description: z.string().max(500),
  bounds: z.object({ toolsets: names, tools: names.optional(), readOnly: z.boolean().optional() }),
  start: z.object({
    all: z.boolean().optional(),
    toolsets: names.optional(),
    tools: names.optional(),
    classes: z.array(toolClass).optional(),
    discovery: z.boolean().optional(),
  }),
  accounts: z.record(z.string(), z.string().min(1).max(64)).optional(),
}) satisfies z.ZodType<ProfileDef>;
export const ProfilesSchema = z.object({
  defs: z.record(z.string(), ProfileDefSchema).optional(),
  /** Client name -> profile name. A client not named here has "everything". */
  clients: z.record(z.string(), z.string().min(1).max(40)).optional(),
  /** Profile name -> back end -> account id: the account each back end's calls use (absent: "default"). */
  accounts: z.record(z.string(), z.record(z.string(), z.string().regex(ACCOUNT_ID))).optional(),
});

/**
 * Non-secret settings. Secrets never go here: they live in the SecretStore. Loose: keys this
 * version does not know (a newer Tarmac's, the user's own) are kept when the file is rewritten.
 */
const FlightctlSectionSchema = z.object({
  apiUrl: z.string().url().optional(),
  organization: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  caCertPath: z.string().optional(),
});

export const SettingsSchema = z.looseObject({
  port: z.number().int().min(1).max(65535).optional(),
  flyctlPath: z.string().min(1).optional(),
  flightctl: FlightctlSectionSchema.optional(),
  /** The Flight Control accounts besides "default" (whose section is `flightctl`), by account id. */
  flightctlAccounts: z.record(z.string().regex(ACCOUNT_ID), FlightctlSectionSchema).optional(),
  /**
   * The accounts of each back end besides "default" (id -> the name the person gave it), and
   * the name of "default" when it was renamed. Secrets live in the keychain (accounts/scope.ts).
   */
  accounts: z.record(z.string().min(1).max(40), z.record(z.string().regex(ACCOUNT_ID), z.object({ name: z.string().regex(ACCOUNT_ID) }))).optional(),
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
  /** Guardrails: policy rules (see decidePolicy), read-only mode, pause, tools turned off, approvals. */
  policies: PolicySetSchema.optional(),
  readOnly: z.boolean().optional(),
  paused: z.boolean().optional(),
  disabledTools: z.array(z.string().min(1).max(128)).optional(),
  /** Profiles: custom ones and each client's (protected: widening one is a loosening). */
  profiles: ProfilesSchema.optional(),
  /**
   * Toolsets each client's agent enabled through discovery (client -> toolset names). Not
   * protected: they only widen what is listed within the bounds a person chose.
   */
  toolsetsEnabled: z.record(z.string(), z.array(z.string().min(1).max(64)).max(100)).optional(),
  approvals: z
    .object({
      /** How long a call waits for a person before it is denied. */
      timeoutSeconds: z.number().int().min(5).max(3600).optional(),
      /**
       * Clients whose own UI may answer approvals (elicitation), allow once only: off for every
       * client until a person turns it on for that one in the window.
       */
      clients: z.array(z.string().min(1).max(64)).optional(),
      /** Older Tarmacs' one switch for every client; no longer read (see clients). */
      via: z.enum(['tarmac', 'client']).optional(),
    })
    .optional(),
  /** OpenTelemetry export of tool calls (telemetry/config.ts); header values are in the keychain. */
  telemetry: z
    .object({
      enabled: z.boolean().optional(),
      endpoint: z.string().max(2048).optional(),
      protocol: z.enum(OTLP_PROTOCOLS).optional(),
      serviceName: z.string().max(200).optional(),
      includeArguments: z.boolean().optional(),
      headerNames: z.array(z.string().regex(OTLP_HEADER_NAME)).max(32).optional(),
    })
    .optional(),
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
  /** mtime and size of the file the cache came from, for readFresh(). */
  #stamp = '';
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

  /**
   * The settings as the file is now: one stat, and a re-read only when another process (the CLI,
   * a hand edit) changed the file. Guardrails read this on every call.
   */
  async readFresh(): Promise<Settings> {
    // Synchronous on purpose: a stat costs a few microseconds, a trip through libuv's thread
    // pool ten times that (bench:guardrails), and this runs before every tool call. A missing
    // file (all defaults) is answered without an exception, which cost more than the stat.
    const st = statSync(this.path, { throwIfNoEntry: false });
    const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'none';
    if (stamp !== this.#stamp) {
      this.#cache = undefined;
      const fresh = await this.read();
      this.#stamp = stamp;
      return fresh;
    }
    return this.read();
  }

  /** Forget the cached copy (another process may have written the file). */
  invalidate(): void {
    this.#cache = undefined;
  }
}
