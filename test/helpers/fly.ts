/**
 * Runs the Fly provider against the fake flyctl without a host: a ProviderContext built from
 * temp dirs, an in-memory keychain, an app log captured through the redactor, and a call()
 * that validates arguments like the MCP SDK does and turns thrown errors into isError results
 * like the gateway does.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import type { Provider } from '../../src/main/host/providers/provider.js';
import { MemoryKeychain, SecretStore } from '../../src/main/host/secrets.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import type { AnyToolSpec, ToolContext, ToolOutput } from '../../src/main/host/tools/catalogue.js';

export const FAKE_FLYCTL = fileURLToPath(new URL('../fixtures/fake-flyctl/fake-flyctl.mjs', import.meta.url));

/** The in-memory keychain; `broken` makes every call fail like a locked keychain. */
export class BreakableKeychain extends MemoryKeychain {
  broken = false;
  override async getPassword(service: string, account: string): Promise<string | null> {
    this.#check();
    return super.getPassword(service, account);
  }
  override async setPassword(service: string, account: string, password: string): Promise<void> {
    this.#check();
    return super.setPassword(service, account, password);
  }
  override async deletePassword(service: string, account: string): Promise<boolean> {
    this.#check();
    return super.deletePassword(service, account);
  }
  override async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    this.#check();
    return super.findCredentials(service);
  }
  #check(): void {
    if (this.broken) throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
  }
}

export interface FlyCall {
  argv: string[];
  /** What flyctl read on stdin (only commands that take input, like `secrets import`). */
  stdin?: string;
  /** The secrets flyctl's own parser makes of that stdin. */
  secrets?: Record<string, string>;
  env: Record<string, string>;
  cwd: string;
  pid: number;
}

export interface FlyHarnessOptions {
  /** Stored in the keychain as fly:token. */
  token?: string;
  /** Extra environment for the provider (and so for flyctl). */
  env?: Record<string, string>;
  /** settings.flyctlPath; defaults to the fake. null leaves it unset. */
  flyctlPath?: string | null;
  /** Fake flyctl rules (see the fixture). */
  rules?: unknown[];
}

export interface FlyHarness {
  dir: string;
  provider: Provider;
  keychain: BreakableKeychain;
  secrets: SecretStore;
  redactor: Redactor;
  settings: SettingsStore;
  tool(name: string): AnyToolSpec;
  call(name: string, args: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<ToolOutput & { thrown?: boolean }>;
  calls(): Promise<FlyCall[]>;
  setRules(rules: unknown[]): Promise<void>;
  logs(): string;
  pidsFile: string;
  close(): Promise<void>;
}

export async function flyHarness(options: FlyHarnessOptions = {}): Promise<FlyHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-fly-'));
  const logFile = join(dir, 'flyctl-calls.jsonl');
  const control = join(dir, 'rules.json');
  const pidsFile = join(dir, 'pids.txt');
  await writeFile(control, JSON.stringify(options.rules ?? []));
  const keychain = new BreakableKeychain();
  const redactor = new Redactor();
  const secrets = new SecretStore({ service: 'TarmacTest', backend: keychain, redactor });
  if (options.token) await secrets.set('fly:token', options.token);
  const settings = new SettingsStore(dir);
  const path = options.flyctlPath === undefined ? FAKE_FLYCTL : options.flyctlPath;
  if (path) await settings.update((s) => ({ ...s, flyctlPath: path }));

  // The app log, as the host writes it: JSON lines through the redactor.
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const log = pino({ level: 'debug', hooks: { streamWrite: (line) => redactor.text(line) } }, sink);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    FAKE_FLYCTL_LOG: logFile,
    FAKE_FLYCTL_CONTROL: control,
    FAKE_FLYCTL_PIDS: pidsFile,
    ...options.env,
  };
  const provider = createFlyProvider({ dataDir: dir, secrets, settings, redactor, log, env });
  const specs = new Map(provider.tools().map((t) => [t.name, t]));

  const tool = (name: string): AnyToolSpec => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`no tool ${name}`);
    return spec;
  };

  return {
    dir,
    provider,
    keychain,
    secrets,
    redactor,
    settings,
    pidsFile,
    tool,
    async call(name, args, callOptions = {}) {
      const spec = tool(name);
      const parsed = z.object(spec.input).safeParse(args);
      if (!parsed.success) return { isError: true, text: `Input validation error: ${parsed.error.message}`, thrown: true };
      const ctx: ToolContext = {
        signal: callOptions.signal ?? new AbortController().signal,
        client: 'test',
        sessionId: null,
        log: log.child({ tool: name }),
        progress: () => undefined,
      };
      try {
        return await spec.run(parsed.data, ctx);
      } catch (err) {
        return { isError: true, text: (err as Error).message, thrown: true };
      }
    },
    async calls() {
      try {
        const raw = await readFile(logFile, 'utf8');
        return raw
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as FlyCall);
      } catch {
        return [];
      }
    },
    async setRules(rules) {
      await writeFile(control, JSON.stringify(rules));
    },
    logs: () => lines.join(''),
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A flyctl "binary" of one release: an executable script that runs the fake with that version
 * (and any other FAKE_FLYCTL_* switches) baked in. Writing it again with another version is an
 * upgrade in place: the file's size and modification time change, as a real upgrade's do.
 */
export async function fakeFlyctlRelease(path: string, version: string, switches: Record<string, string> = {}): Promise<string> {
  const vars = Object.entries({ FAKE_FLYCTL_VERSION: version, ...switches })
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  // Written aside and renamed over, as installers replace a binary (a new file, not new bytes in the old one).
  const aside = `${path}.${process.pid}.new`;
  await writeFile(aside, `#!/bin/sh\n# fake flyctl v${version}\nexec env ${vars} '${process.execPath}' '${FAKE_FLYCTL}' "$@"\n`, { mode: 0o755 });
  await rename(aside, path);
  return path;
}

/** True while a process with this pid exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: "pid (comm) S ..."; a killed orphan may linger as Z until init reaps it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
