import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client} from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { SecretStore } from '../../src/main/host/secrets.js';
import { cliCommand, cliEnv, runCliProcess, startServe, type Build, type CliResult, type ServeProcess } from './cli.js';
import { FAKE_FLYCTL } from './fly.js';
import { eraClient, testKeychainService, type ConnectOptions } from './host.js';
import { waitFor } from './wait.js';

/**
 * One Tarmac installation as a person has it, for either build: a data dir, a HOME (for client
 * config files), its own keychain service in the test keyring, flyctl set to the fake one, and
 * the CLI of that build to run against it. Every command a test runs is recorded, so a suite
 * can check that it ran every command `tarmac --help` lists.
 */
export interface Installation {
  build: Build;
  root: string;
  dataDir: string;
  home: string;
  /** Environment every process of this installation gets (HOME, keychain service, fake flyctl). */
  env: Record<string, string>;
  secrets: SecretStore;
  /** Runs `tarmac <args> --data-dir <dataDir>`. */
  run(args: string[], options?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** Starts a long-running command (stdio, bridge, ui, activity --follow) with --data-dir. */
  spawn(args: string[], options?: { env?: Record<string, string> }): ChildProcess;
  /** `tarmac serve --port 0`, with extra environment and arguments if given. */
  serve(extraEnv?: Record<string, string>, extraArgs?: string[]): Promise<ServeProcess>;
  /** An SDK client with a static token made for `name` by `tarmac token create`. */
  connect(url: string, name: string, options?: ConnectOptions): Promise<Client>;
  /** The argv of every command run so far (without --data-dir). */
  readonly commands: string[][];
  cleanup(): Promise<void>;
}

export async function installation(build: Build): Promise<Installation> {
  const root = await mkdtemp(join(tmpdir(), `tarmac-shipped-${build}-`));
  const dataDir = join(root, 'data');
  const home = join(root, 'home');
  await mkdir(home, { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The fake flyctl, as a person who installed flyctl elsewhere would set it.
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ flyctlPath: FAKE_FLYCTL }));
  const service = testKeychainService();
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    TARMAC_KEYCHAIN_SERVICE: service,
    FAKE_FLYCTL_LOG: join(root, 'flyctl.jsonl'),
    LOG_LEVEL: 'debug',
  };
  const commands: string[][] = [];
  const tokens = new Map<string, string>();
  const withDir = (args: string[]) => [...args, '--data-dir', dataDir];
  const inst: Installation = {
    build,
    root,
    dataDir,
    home,
    env,
    secrets: new SecretStore({ service }),
    commands,
    run(args, options = {}) {
      commands.push(args);
      return runCliProcess(withDir(args), { build, env: { ...env, ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}), timeoutMs: options.timeoutMs ?? 30_000 });
    },
    spawn(args, options = {}) {
      commands.push(args);
      const { command, args: argv } = cliCommand(withDir(args), undefined, build);
      return spawn(command, argv, { env: cliEnv({ ...env, ...options.env }), stdio: ['pipe', 'pipe', 'pipe'] });
    },
    async serve(extraEnv = {}, extraArgs = []) {
      commands.push(['serve', ...extraArgs]);
      const served = await startServe(['--port', '0', '--data-dir', dataDir, ...extraArgs], { ...env, ...extraEnv }, { build });
      // Other commands find it through run/instance.json (with its control socket), written just
      // after it starts serving: wait for this process's own entry.
      await waitFor(async () => {
        const found = JSON.parse(await readFile(join(dataDir, 'run', 'instance.json'), 'utf8').catch(() => '{}')) as { pid?: number; control?: string };
        return found.pid === served.child.pid && (process.platform === 'win32' || Boolean(found.control));
      }, 'run/instance.json of the new tarmac serve', 20_000);
      return served;
    },
    async connect(url, name, options = {}) {
      let token = tokens.get(name);
      if (!token) {
        const made = await inst.run(['token', 'create', name]);
        if (made.code !== 0) throw new Error(`token create ${name}: ${made.stderr}`);
        token = made.stdout.trim().split('\n').at(-1)!;
        tokens.set(name, token);
      }
      const client = eraClient(name, options);
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      return client;
    },
    async cleanup() {
      for (const account of await inst.secrets.list().catch(() => [] as string[])) await inst.secrets.delete(account).catch(() => false);
      await rm(root, { recursive: true, force: true });
    },
  };
  return inst;
}

/**
 * The commands `tarmac --help` lists, as "word" or "word sub" keys ("token create", "policy
 * read-only", "approvals approve-always", "login fly"): what a suite must run at least once.
 */
export function helpCommands(help: string): string[] {
  const keys = new Set<string>();
  for (const line of help.split('\n')) {
    // The usage column ends where two spaces start the description.
    for (const part of line.trim().split(/\s{2,}/)[0]!.split(/\s\|\s/)) {
      const m = /^tarmac\s([a-z][a-z-]*)(?:\s([^\s[<]+))?/.exec(part);
      if (!m) continue;
      const sub = m[2] && !m[2].startsWith('-') && !/^[A-Z]/.test(m[2]) ? m[2] : null;
      if (!sub) keys.add(m[1]!);
      else for (const s of sub.split('|')) keys.add(`${m[1]} ${s.replace(/[^a-z-].*$/, '')}`);
    }
  }
  return [...keys].sort();
}

/** The key of a command line as helpCommands names it, matched against the listed keys. */
export function commandKey(args: string[], listed: readonly string[]): string {
  const two = `${args[0]} ${args[1]}`;
  return listed.includes(two) ? two : args[0]!;
}
