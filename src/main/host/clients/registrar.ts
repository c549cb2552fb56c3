import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic.js';
import { dirname, join, sep } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYamlText } from 'yaml';
import { createTwoFilesPatch } from 'diff';
import { ClientActionInputSchema, type ClientAction, type ClientChange, type ClientConfigState, type ClientCredential, type ClientState, type ClientStatus } from '../../../shared/clients.js';
import type { ClientRegistry } from '../auth/clients.js';
import type { ClientTokens } from '../mcp/tokens.js';
import { defaultDataDir } from '../paths.js';
import type { SettingsStore } from '../settings.js';
import { endpointUrl, launcherFromProcess } from './endpoint-url.js';
import { isRecord } from './formats/doc.js';
import { ClientActionError, ConfigLimitError, ForeignEntryError, UnknownClientError } from './errors.js';
import { ConfigParseError, parseConfig } from './formats/index.js';
import { editConfigFile, readConfigText, resolveTarget } from './safe-write.js';
import { entryStatus } from './status.js';
import { CLIENTS, clientDef } from './table.js';
import { NEW_CLIENT_PROFILE } from '../../../shared/profiles.js';
import { pathContext, SERVER_NAME, type ClientDef, type EntryParams, type Launcher, type PathContext } from './types.js';

export interface RegistrarOptions {
  dataDir: string;
  settings: SettingsStore;
  tokens: ClientTokens;
  clients: ClientRegistry;
  /** HOME, the clients' env overrides (CLAUDE_CONFIG_DIR, CODEX_HOME, XDG_CONFIG_HOME, ...). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** How stdio-only clients start `tarmac bridge` (the desktop app passes its own executable). */
  launcher?: Launcher;
  /** Where backups of edited files go (default <dataDir>/client-backups). */
  backupDir?: string;
  /** Profiles: registering gives a new client essentials (or the profile asked for). Absent: untouched. */
  profiles?: ClientProfiles;
}

/** What registration does with profiles, with the caller's authority (window: a person; CLI: the terminal). */
export interface ClientProfiles {
  /** Throws when the profile does not exist. */
  check(profile: string): Promise<void>;
  set(client: string, profile: string): Promise<void>;
}

export interface ActionOptions {
  oauth?: boolean;
  dryRun?: boolean;
  force?: boolean;
  /** Register: the client's profile (default: essentials for a client new to Tarmac). */
  profile?: string | undefined;
}

/** What the window and the CLI ask of client registration. */
export interface ClientRegistrar {
  list(): Promise<ClientState[]>;
  register(ids: readonly string[], options?: ActionOptions): Promise<ClientChange[]>;
  unregister(ids: readonly string[], options?: ActionOptions): Promise<ClientChange[]>;
  /** Bring stale entries back in line (all registered or stale clients when ids is empty). */
  repair(ids: readonly string[], options?: ActionOptions): Promise<ClientChange[]>;
  /** Clients whose folders or files are present. */
  detected(): Promise<string[]>;
}

/** Things a registration test or the window shows in place of a token: never the token itself. */
const TOKEN_MASK = 'tmc_••••••';

export function createClientRegistrar(options: RegistrarOptions): ClientRegistrar {
  const env = options.env ?? process.env;
  const ctx: PathContext = pathContext(env, options.platform);
  const launcher = options.launcher ?? launcherFromProcess();
  const backupDir = options.backupDir ?? join(options.dataDir, 'client-backups');
  const dataDirArg = options.dataDir === defaultDataDir(env) ? null : options.dataDir;

  const def = (id: string): ClientDef => {
    const d = clientDef(id);
    if (!d) throw new UnknownClientError(id, CLIENTS.map((c) => c.id));
    return d;
  };
  const params = async (d: ClientDef, token: string | null): Promise<EntryParams> => ({
    url: await endpointUrl(options.dataDir, options.settings),
    token,
    launcher,
    clientId: d.id,
    dataDir: dataDirArg,
  });
  const ownedKeys = (d: ClientDef, p: EntryParams): string[] => [
    ...new Set([...Object.keys(d.entry({ ...p, token: 'x' })), ...Object.keys(d.entry({ ...p, token: null }))]),
  ];

  async function readEntry(d: ClientDef, file: string): Promise<{ exists: boolean; entry: unknown; error: string | null }> {
    const target = await resolveTarget(file);
    let text: string | null;
    try {
      text = await readConfigText(target);
    } catch (err) {
      // Over the size limit: there, but not read.
      if (err instanceof ConfigLimitError) return { exists: true, entry: undefined, error: err.message };
      text = null;
    }
    if (text === null) return { exists: false, entry: undefined, error: null };
    try {
      return { exists: true, entry: parseConfig(d.format, file, text).get(d.servers, SERVER_NAME), error: null };
    } catch (err) {
      // The place and what is wrong; the path is shown next to it.
      if (err instanceof ConfigParseError) return { exists: true, entry: undefined, error: `line ${err.line}, column ${err.column}: ${err.detail}` };
      return { exists: true, entry: undefined, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Config files Tarmac made for a client that was not installed (client-files-created.json):
   * they (and the folders Tarmac made for them) are no sign that the client is installed.
   */
  const createdList = join(options.dataDir, 'client-files-created.json');
  async function createdFiles(): Promise<Set<string>> {
    try {
      const list: unknown = JSON.parse(await readFile(createdList, 'utf8'));
      return new Set(Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : []);
    } catch {
      return new Set();
    }
  }
  async function noteCreated(file: string): Promise<void> {
    const all = await createdFiles();
    all.add(file);
    await writeFileAtomic(createdList, JSON.stringify([...all], null, 2) + '\n');
  }

  /**
   * Is the client installed? One of its folders (or files) is there with something in it that
   * Tarmac did not write: Register makes the config file (and its folders) of a client that is
   * not installed yet, which must not then count as installed; once the client adds anything to
   * that file or folder, it does. An empty folder counts (someone made it; Tarmac never leaves one).
   */
  async function installed(d: ClientDef): Promise<boolean> {
    const files = d.files(ctx);
    const created = await createdFiles();
    const ours = async (file: string): Promise<boolean> => {
      if (!created.has(file)) return false;
      try {
        const text = await readConfigText(await resolveTarget(file));
        if (text === null) return true;
        const doc = parseConfig(d.format, file, text);
        doc.remove(d.servers, SERVER_NAME);
        return isEmptyDoc(d.format, doc.text());
      } catch {
        return false;
      }
    };
    const holdsOthers = async (dir: string, top: boolean): Promise<boolean> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return false;
      }
      if (names.length === 0) return top;
      for (const name of names) {
        const path = join(dir, name);
        if (name.endsWith('.tarmac.lock') || /^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) continue;
        if (files.includes(path)) {
          if (!(await ours(path))) return true;
        } else if (files.some((f) => f.startsWith(path + sep))) {
          if (await holdsOthers(path, false)) return true;
        } else {
          return true;
        }
      }
      return false;
    };
    const markers = d.markers?.(ctx) ?? files.map((f) => dirname(f));
    for (const m of markers) {
      if (!existsSync(m)) continue;
      if (files.includes(m) ? !(await ours(m)) : await holdsOthers(m, true)) return true;
    }
    for (const f of files) if (!markers.some((m) => f === m || f.startsWith(m + sep)) && existsSync(f) && !(await ours(f))) return true;
    return false;
  }

  async function state(d: ClientDef, lastUsed: Map<string, string | null>): Promise<ClientState> {
    // Listing works without a keychain (tokens are then not compared); changing things needs it.
    const keychainToken = await options.tokens.get(d.id).catch(() => undefined);
    const p = await params(d, keychainToken ?? null);
    const files: ClientConfigState[] = [];
    let credential: ClientCredential | null = null;
    for (const file of d.files(ctx)) {
      const read = await readEntry(d, file);
      if (read.error) {
        files.push({ path: file, exists: true, status: 'unreadable', reason: read.error });
        continue;
      }
      const s = entryStatus(d, read.entry, p, keychainToken);
      credential ??= s.credential;
      files.push({ path: file, exists: read.exists, status: s.status, reason: s.reason });
    }
    const { status, reason } = aggregate(files);
    const snippetParams = { ...p, token: d.transport === 'bridge' || d.supportsOAuth ? null : 'TOKEN' };
    return {
      id: d.id,
      label: d.label,
      detected: await installed(d),
      status,
      reason,
      credential: status === 'registered' || status === 'stale' ? credential : null,
      supportsOAuth: d.supportsOAuth,
      lastConnectedAt: lastUsed.get(d.id) ?? null,
      files,
      installLink: d.installLink?.(p) ?? null,
      installCommand: d.installCommand?.(p) ?? null,
      snippet: snippet(d, snippetParams),
    };
  }

  async function change(
    d: ClientDef,
    file: string,
    dryRun: boolean,
    secret: string | null,
    mutate: (text: string | null) => string,
    verify: (text: string) => void,
  ): Promise<ClientChange> {
    // Asked before the write: afterwards the new file itself would look like the client's.
    const wasInstalled = dryRun || (await installed(d));
    const result = await editConfigFile(file, mutate, { dryRun, backupDir, secret: secret !== null, verify });
    // The current token, and any older Tarmac token still in the file (revoked, replaced): told
    // apart, so replacing one with the other still shows as a change.
    const mask = (t: string) => (secret ? t.split(secret).join(TOKEN_MASK) : t).replace(/tmc_[A-Za-z0-9_-]{16,}/g, `${TOKEN_MASK}(old)`);
    const diff = result.changed ? createTwoFilesPatch(file, file, mask(result.before ?? ''), mask(result.after), 'before', 'after') : '';
    if (result.changed && !dryRun && result.before === null && !wasInstalled) await noteCreated(file);
    return { id: d.id, path: file, diff, changed: result.changed, written: result.changed && !dryRun, backup: result.backup };
  }

  async function write(d: ClientDef, oauth: boolean, opts: ActionOptions): Promise<ClientChange[]> {
    if (oauth && !d.supportsOAuth) {
      throw new ClientActionError(`${d.label} cannot sign in with OAuth: register it without --oauth (it then gets its own token)`);
    }
    const dryRun = opts.dryRun ?? false;
    const profiles = options.profiles;
    if (opts.profile && oauth) {
      // An OAuth client names itself when it first signs in (and starts with essentials then).
      throw new ClientActionError(`--profile goes with a token registration; an OAuth client gets ${NEW_CLIENT_PROFILE} when it signs in, and another profile on the Clients page or with \`tarmac profile set\``);
    }
    if (opts.profile && profiles) await profiles.check(opts.profile);
    // The client's own credential, named after it: reused when it exists, so registering twice changes nothing.
    let token = oauth ? null : await options.tokens.get(d.id);
    const created = !oauth && !token && !dryRun;
    // An existing client moves first: a refused loosening then changes nothing.
    if (!created && !dryRun && !oauth && opts.profile && profiles) await profiles.set(d.id, opts.profile);
    if (!oauth && !token) token = dryRun ? `${TOKEN_MASK}new` : await options.clients.createToken(d.id);
    try {
      // A new client starts with the default profile for new clients (or the one asked for).
      if (created && profiles) await profiles.set(d.id, opts.profile ?? NEW_CLIENT_PROFILE);
      return await writeEntries(d, oauth, opts, token);
    } catch (err) {
      // A token made for this registration must not outlive it: no client was given it.
      if (created) await options.clients.revoke(d.id).catch(() => []);
      throw err;
    }
  }

  async function writeEntries(d: ClientDef, oauth: boolean, opts: ActionOptions, token: string | null): Promise<ClientChange[]> {
    const dryRun = opts.dryRun ?? false;
    const fileToken = d.transport === 'bridge' ? null : token;
    const p = await params(d, fileToken);
    const entry = d.entry(p);
    const drop = ownedKeys(d, p);
    const changes: ClientChange[] = [];
    for (const file of d.files(ctx)) {
      changes.push(
        await change(
          d,
          file,
          dryRun,
          fileToken,
          (text) => {
            const doc = parseConfig(d.format, file, text ?? '');
            const existing = doc.get(d.servers, SERVER_NAME);
            const s = entryStatus(d, existing, p, token);
            if (s.foreign && !opts.force) {
              throw new ForeignEntryError(file, s.reason ?? 'a foreign entry', `${file} already has ${s.reason}: rename or remove it, or run again with --force to replace it`);
            }
            doc.set(d.servers, SERVER_NAME, entry, s.foreign ? Object.keys(isRecord(existing) ? existing : {}) : drop);
            return doc.text();
          },
          (text) => {
            const got = parseConfig(d.format, file, text).get(d.servers, SERVER_NAME);
            const s = entryStatus(d, got, p, token);
            if (s.status !== 'registered') throw new ClientActionError(`${file} does not read back as registered (${s.reason ?? s.status}): it is left as written; run \`tarmac repair ${d.id}\``);
          },
        ),
      );
    }
    // With OAuth the client signs in under its own name: a static token of the same name would only be in the way.
    if (oauth && !dryRun) await options.tokens.revoke(d.id).catch(() => false);
    return changes;
  }

  async function remove(d: ClientDef, opts: ActionOptions): Promise<ClientChange[]> {
    const dryRun = opts.dryRun ?? false;
    const token = await options.tokens.get(d.id);
    const p = await params(d, token);
    const changes: ClientChange[] = [];
    for (const file of d.files(ctx)) {
      if (!existsSync(await resolveTarget(file))) continue;
      changes.push(
        await change(
          d,
          file,
          dryRun,
          token,
          (text) => {
            const doc = parseConfig(d.format, file, text ?? '');
            const s = entryStatus(d, doc.get(d.servers, SERVER_NAME), p, token);
            if (s.foreign && !opts.force) throw new ForeignEntryError(file, s.reason ?? 'a foreign entry', `${file} has ${s.reason}: Tarmac leaves it alone (use --force to remove it)`);
            doc.remove(d.servers, SERVER_NAME);
            return doc.text();
          },
          (text) => {
            if (parseConfig(d.format, file, text).get(d.servers, SERVER_NAME) !== undefined) throw new ClientActionError(`${file} still has a "tarmac" entry after removing it: remove it by hand`);
          },
        ),
      );
    }
    if (!dryRun) await options.clients.revoke(d.id).catch(() => []);
    return changes;
  }

  // Removing a client revokes its credential; when it last connected is kept (lastSeen).
  const lastUsedMap = async () => new Map(Object.entries(await options.clients.lastSeen().catch(() => ({}))));

  return {
    async list() {
      const used = await lastUsedMap();
      return Promise.all(CLIENTS.map((d) => state(d, used)));
    },
    async detected() {
      const used = await lastUsedMap();
      const all = await Promise.all(CLIENTS.map((d) => state(d, used)));
      return all.filter((s) => s.detected).map((s) => s.id);
    },
    async register(ids, opts = {}) {
      const defs = ids.map(def);
      const out: ClientChange[] = [];
      for (const d of defs) out.push(...(await write(d, opts.oauth ?? false, opts)));
      return out;
    },
    async unregister(ids, opts = {}) {
      const defs = ids.map(def);
      const out: ClientChange[] = [];
      for (const d of defs) out.push(...(await remove(d, opts)));
      return out;
    },
    async repair(ids, opts = {}) {
      const used = await lastUsedMap();
      const targets = ids.length ? ids.map(def) : CLIENTS;
      const out: ClientChange[] = [];
      for (const d of targets) {
        const s = await state(d, used);
        if (s.status === 'not-registered') {
          if (ids.length) throw new ClientActionError(`${d.label} is not registered: run \`tarmac register ${d.id}\``);
          continue;
        }
        if (s.status === 'registered') continue;
        // Nothing of Tarmac's to bring back: a file that does not parse, or another program's
        // "tarmac" entry. Named on purpose, it is tried (and refused with the reason, or replaced with force).
        if ((s.status === 'unreadable' || s.status === 'foreign') && !ids.length) continue;
        // Keep the way it signs in: an entry without a token stays an OAuth entry.
        out.push(...(await write(d, s.credential === 'oauth' && d.supportsOAuth, opts)));
      }
      return out;
    },
  };
}

function aggregate(files: ClientConfigState[]): { status: ClientStatus; reason: string | null } {
  // A file Tarmac cannot read or does not own outranks one it can repair.
  for (const status of ['unreadable', 'foreign', 'stale'] as const) {
    const f = files.find((x) => x.status === status);
    if (f) return { status, reason: files.length > 1 ? `${f.path}: ${f.reason}` : f.reason };
  }
  const registered = files.filter((f) => f.status === 'registered').length;
  if (registered === 0) return { status: 'not-registered', reason: null };
  if (registered < files.length) {
    const missing = files.find((f) => f.status === 'not-registered')!;
    return { status: 'stale', reason: `not registered in ${missing.path}` };
  }
  return { status: 'registered', reason: null };
}

/** Nothing but empty objects and lists: the file holds nothing besides what Tarmac put in it. */
function isEmptyDoc(format: ClientDef['format'], text: string): boolean {
  if (text.trim() === '') return true;
  const value: unknown = format === 'toml' ? parseToml(text) : format === 'yaml' ? parseYamlText(text) : parseJsonc(text, [], { allowTrailingComma: true });
  const empty = (v: unknown): boolean => v === null || v === undefined || (Array.isArray(v) ? v.every(empty) : isRecord(v) ? Object.values(v).every(empty) : false);
  return empty(value);
}

/** The entry to paste by hand, in the client's own format. */
function snippet(d: ClientDef, p: EntryParams): string {
  const doc = parseConfig(d.format, 'snippet', '');
  doc.set(d.servers, SERVER_NAME, d.entry(p), []);
  return doc.text();
}

export { ClientActionError, ConfigLimitError, ConfigParseError, ForeignEntryError, UnknownClientError };

/**
 * The window's entry point: input checked with the shared zod schema (bad input changes nothing),
 * then register, unregister or repair; a dry run returns the exact diffs without writing.
 */
export async function runClientAction(registrar: ClientRegistrar, action: ClientAction, input: unknown): Promise<ClientChange[]> {
  const parsed = ClientActionInputSchema.safeParse(input);
  if (!parsed.success) throw new ClientActionError(`invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  const { clients, ...options } = parsed.data;
  switch (action) {
    case 'register':
      return registrar.register(clients, options);
    case 'unregister':
      return registrar.unregister(clients, options);
    case 'repair':
      return registrar.repair(clients, options);
  }
}
