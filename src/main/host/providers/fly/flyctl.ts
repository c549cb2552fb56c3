/**
 * Finding and running flyctl. One child process per call, argv array, no shell, stdin ignored,
 * its whole process group killed on cancel or timeout, output bounded.
 */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { activeCall } from '../../telemetry/active.js';

/** What Tarmac returns to a client at most, per text or structured answer. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** What is read from flyctl's stdout at most: big JSON can still be parsed and rendered compactly. */
export const MAX_CAPTURE_BYTES = 8 * MAX_OUTPUT_BYTES;
const MAX_STDERR_BYTES = 64 * 1024;
/** Time flyctl gets to exit after SIGTERM before the group gets SIGKILL. */
const KILL_GRACE_MS = 1500;
/** How long stdout may stay open after flyctl itself exited. */
const DRAIN_AFTER_EXIT_MS = 1000;

export interface LocateOptions {
  /** settings.flyctlPath, when set. */
  configured?: string | undefined;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface LocateResult {
  path: string | null;
  /** Every place looked at, in order, for the "not found" message and the status page. */
  searched: string[];
  /** Why the configured path was not used, when it was set but unusable. */
  configuredProblem: string | null;
}

/**
 * The settings path, then PATH, then the usual install places. A GUI app on macOS does not get
 * the shell's PATH, so ~/.fly/bin and Homebrew are looked at explicitly. `flyctl` is preferred
 * everywhere before `fly`, because another tool (Concourse CI) also installs a `fly`.
 */
export async function locateFlyctl(options: LocateOptions): Promise<LocateResult> {
  const platform = options.platform ?? process.platform;
  const searched: string[] = [];
  let configuredProblem: string | null = null;

  if (options.configured) {
    searched.push(options.configured);
    const found = await executableIn(options.configured, platform);
    if (found) return { path: found, searched, configuredProblem };
    configuredProblem = `the flyctl path in settings (${options.configured}) is not an executable file`;
  }

  const dirs = [...pathDirs(options.env, platform), ...installDirs(options.env, platform)];
  const unique = [...new Set(dirs)];
  for (const name of ['flyctl', 'fly']) {
    for (const dir of unique) {
      const candidate = join(dir, platform === 'win32' ? `${name}.exe` : name);
      searched.push(candidate);
      if (await isExecutable(candidate, platform)) return { path: candidate, searched, configuredProblem };
    }
  }
  return { path: null, searched, configuredProblem };
}

function pathDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const raw = env.PATH ?? env.Path ?? '';
  return raw.split(platform === 'win32' ? ';' : delimiter).filter((d) => d.length > 0);
}

export function installDirs(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
  const flyHome = env.FLYCTL_INSTALL ? join(env.FLYCTL_INSTALL, 'bin') : join(home, '.fly', 'bin');
  if (platform === 'win32') return [flyHome];
  return [flyHome, '/opt/homebrew/bin', '/usr/local/bin', '/home/linuxbrew/.linuxbrew/bin'];
}

/** A configured path may name the binary or the folder holding it. */
async function executableIn(path: string, platform: NodeJS.Platform): Promise<string | null> {
  try {
    const s = await stat(path);
    if (s.isFile()) return (await isExecutable(path, platform)) ? path : null;
    if (s.isDirectory()) {
      for (const name of ['flyctl', 'fly']) {
        const candidate = join(path, platform === 'win32' ? `${name}.exe` : name);
        if (await isExecutable(candidate, platform)) return candidate;
      }
    }
  } catch {
    // missing: fall through
  }
  return null;
}

async function isExecutable(path: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * flyctl was not found anywhere. One short paragraph: where Tarmac looked in general terms (the
 * full list, with npx's temporary folders and home paths, is long and says little), how to
 * install flyctl and where to set its path.
 */
export class FlyctlNotFoundError extends Error {
  override readonly name = 'FlyctlNotFoundError';
  constructor(result: LocateResult, options: { settingsPath?: string; platform?: NodeJS.Platform } = {}) {
    const platform = options.platform ?? process.platform;
    const places = platform === 'win32' ? 'on PATH or in %USERPROFILE%\\.fly\\bin' : 'on PATH, in ~/.fly/bin or in the Homebrew and /usr/local/bin folders';
    const where = options.settingsPath ? `as "flyctlPath" in ${options.settingsPath}` : 'as the "flyctlPath" setting';
    super(
      `flyctl was not found ${places}. ${result.configuredProblem ? `${capitalise(result.configuredProblem)}. ` : ''}` +
        `Install it (https://fly.io/docs/flyctl/install/), or set its full path on Tarmac's Settings page (Fly.io) or ${where}, then try again.`,
    );
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface RunOptions {
  binary: string;
  argv: readonly string[];
  /** The child's whole environment (FLY_ACCESS_TOKEN included when a token is stored). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** Cap on stdout kept in memory; the rest is read and dropped. */
  maxStdoutBytes?: number;
  /** Text for flyctl's stdin (secret values travel here, never in argv); stdin is closed otherwise. */
  input?: string;
  /** Sees output as it arrives (sign-in reads the URL flyctl opens), besides the captured copy. */
  onOutput?: (text: string) => void;
}

export interface RunResult {
  exitCode: number | null;
  /** ANSI escapes already stripped. */
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  /** Tarmac's own timeout fired and the process group was killed. */
  timedOut: boolean;
  /** The caller's signal fired and the process group was killed. */
  cancelled: boolean;
  /** The binary could not be started (ENOENT, EACCES...). */
  spawnError: string | null;
  durationMs: number;
}

/**
 * Runs flyctl to completion, timeout or cancellation; never throws for flyctl's own failures.
 * The child leads its own process group (detached) so cancel and timeout reach anything it
 * started, e.g. an ssh or exec helper.
 */
export async function runFlyctl(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const windows = process.platform === 'win32';
  const maxStdout = options.maxStdoutBytes ?? MAX_CAPTURE_BYTES;
  let timedOut = false;
  let cancelled = false;

  if (options.signal.aborted) {
    return emptyResult({ cancelled: true, durationMs: 0 });
  }
  // A child span of the tool call's, when telemetry export is on (argv never holds a secret).
  const span = activeCall()?.process({ program: 'flyctl', executable: basename(options.binary).replace(/\.exe$/i, ''), args: options.argv });
  // execa loads with the first flyctl run: commands that never run flyctl start faster.
  const { execa } = await import('execa');
  const child = execa(options.binary, [...options.argv], {
    env: options.env,
    extendEnv: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    detached: !windows,
    windowsHide: true,
    // Tarmac owns the lifetime of the child: no execa exit hooks, no implicit kill delay.
    cleanup: false,
    forceKillAfterDelay: false,
  });

  const out = collector(maxStdout);
  const err = collector(MAX_STDERR_BYTES);
  child.stdout?.on('data', out.push);
  child.stderr?.on('data', err.push);
  if (options.onOutput) {
    const forward = options.onOutput;
    const watch = (chunk: Buffer | string) => forward(stripVTControlCharacters(String(chunk)));
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
  }

  // A background helper that inherited flyctl's stdout would keep the pipe open after flyctl
  // exits; the answer is complete once flyctl is gone, so stop waiting shortly after.
  let exitCode: number | null = null;
  let drainTimer: NodeJS.Timeout | undefined;
  child.nodeChildProcess.once('exit', (code: number | null) => {
    exitCode = code;
    drainTimer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, DRAIN_AFTER_EXIT_MS);
    drainTimer.unref();
  });

  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const killTree = (): void => {
    if (exited || child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM', windows);
    graceTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL', windows), KILL_GRACE_MS);
    graceTimer.unref();
  };
  const onAbort = (): void => {
    cancelled = true;
    killTree();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, options.timeoutMs);
  timer.unref();

  const result = await child;
  exited = true;
  clearTimeout(timer);
  if (drainTimer) clearTimeout(drainTimer);
  if (graceTimer) clearTimeout(graceTimer);
  options.signal.removeEventListener('abort', onAbort);
  // The leader is gone; anything it left behind in its group (a helper ignoring SIGTERM) goes too.
  if ((timedOut || cancelled) && child.pid !== undefined) killGroup(child.pid, 'SIGKILL', windows);

  // Spawn failures carry an errno code (ENOENT, EACCES); a stream cut after exit does not.
  const spawnError = result.exitCode === undefined && exitCode === null && /^E[A-Z]+$/.test(result.code ?? '') ? describeSpawnError(result) : null;
  span?.end({
    exitCode: result.exitCode ?? exitCode,
    ...(timedOut ? { errorType: 'timeout' } : cancelled ? { errorType: 'cancelled' } : spawnError ? { errorType: result.code ?? 'spawn_error' } : {}),
  });
  return {
    exitCode: result.exitCode ?? exitCode,
    stdout: clean(out.text()),
    stderr: clean(err.text()),
    stdoutTruncated: out.truncated(),
    timedOut,
    cancelled: cancelled && !timedOut,
    spawnError,
    durationMs: performance.now() - started,
  };
}

function emptyResult(partial: Partial<RunResult>): RunResult {
  return {
    exitCode: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    timedOut: false,
    cancelled: false,
    spawnError: null,
    durationMs: 0,
    ...partial,
  };
}

function describeSpawnError(result: { code?: string; originalMessage?: string; shortMessage?: string }): string {
  const code = result.code ? ` (${result.code})` : '';
  const msg = result.originalMessage ?? result.shortMessage ?? 'could not start';
  return `${msg.split('\n')[0]}${code}`;
}

function killGroup(pid: number, sig: NodeJS.Signals, windows: boolean): void {
  if (windows) {
    // No process groups on Windows: taskkill walks the tree.
    void import('execa').then(({ execa }) => execa('taskkill', ['/pid', String(pid), '/T', '/F'], { reject: false, windowsHide: true, stdin: 'ignore' }));
    return;
  }
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Keeps bytes up to a cap and counts the rest, so a chatty child never fills memory or blocks. */
function collector(cap: number): { push: (data: Buffer | string) => void; text: () => string; truncated: () => boolean } {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  return {
    push: (data: Buffer | string) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      if (kept >= cap) {
        dropped += chunk.length;
        return;
      }
      const room = cap - kept;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(piece);
      kept += piece.length;
      dropped += chunk.length - piece.length;
    },
    text: () => Buffer.concat(chunks, kept).toString('utf8'),
    truncated: () => dropped > 0,
  };
}

/** ANSI colour and cursor escapes go; so do carriage-return progress redraws. */
export function clean(text: string): string {
  return stripVTControlCharacters(text).replace(/\r\n/g, '\n').replace(/[^\n]*\r/g, '');
}

/** `flyctl v0.3.45 linux/amd64 Commit: ...` -> `0.3.45`. */
export function parseVersion(output: string): string | null {
  const m = /\bv?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)/.exec(output);
  return m?.[1] ?? null;
}
