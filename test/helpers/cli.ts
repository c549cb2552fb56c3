import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../src/main/cli-main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

/**
 * Which Tarmac a test runs: the TypeScript source (under tsx), or the build users install
 * (bin/tarmac.js, which runs the CommonJS bundle in out/cli). Scenarios in test/shipped run
 * against both: the bundle differs from the source in interop, lazy chunks and externals.
 */
export type Build = 'source' | 'build';
export const BUILDS: readonly Build[] = ['source', 'build'];

/**
 * argv that runs the CLI: from source under plain Node (tsx only strips the types), or the
 * installed entry bin/tarmac.js run by its own shebang (its memory flags included), as a
 * client's config or a shell runs it. `entry` (a test fixture calling runCli) is source only.
 */
export function cliCommand(args: string[], entry = ENTRY, build: Build = 'source'): { command: string; args: string[] } {
  if (build === 'build') {
    if (entry !== ENTRY) throw new Error('a fixture entry runs the source; the build has only bin/tarmac.js');
    return { command: BIN, args };
  }
  return { command: process.execPath, args: ['--import', TSX, entry, ...args] };
}

/**
 * The environment a CLI process gets: the test's, with this Node first on PATH (the built
 * entry's shebang runs `node` from PATH, which must be the same Node 24 as the tests).
 */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
  return env;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCliProcess(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; build?: Build } = {}): Promise<CliResult> {
  const { command, args: argv } = cliCommand(args, ENTRY, options.build);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/**
 * Start `tarmac serve` and wait for the line that names its URL. `entry` replaces the CLI entry
 * point with a test fixture that calls runCli('serve', ...) itself (e.g. to add test tools); it
 * then receives only `args`.
 */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, options: { entry?: string; build?: Build } = {}): Promise<ServeProcess> {
  const { command, args: argv } = options.entry ? cliCommand(args, options.entry) : cliCommand(['serve', ...args], ENTRY, options.build);
  const child = spawn(command, argv, { cwd: ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tarmac serve did not start: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tarmac serve exited with ${code}: ${stderr}`));
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /serving MCP at (\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          stderr: () => stderr,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** The installed entry point; it runs the bundle `npm run build:cli` makes in out/cli/. */
export const BIN = fileURLToPath(new URL('../../bin/tarmac.js', import.meta.url));

/** Tests of the built CLI say how to build it rather than failing obscurely. */
export function assertCliBuilt(): void {
  if (!existsSync(join(ROOT, 'out', 'cli', 'tarmac.cjs'))) throw new Error('out/cli/tarmac.cjs is missing: run `npm run build:cli` first');
}
