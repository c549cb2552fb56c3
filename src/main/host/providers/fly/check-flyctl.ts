import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { parseVersion, runFlyctl } from './flyctl.js';

/** flyctl's own first line of `version`: "flyctl v0.4.87 linux/amd64 Commit: ...". */
const FLYCTL_VERSION_LINE = /^(?:fly|flyctl) v\d+\.\d+\.\d+/m;
const CHECK_TIMEOUT_MS = 10_000;

export class FlyctlCheckError extends Error {
  override readonly name = 'FlyctlCheckError';
}

/**
 * The environment for running a program that is not known to be flyctl yet: no Fly token, and
 * nothing else that looks like a credential. Tarmac hands the Fly token only to a flyctl it
 * checked (a program chosen by hand edit or by another process is not one).
 */
export function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^FLY_/i.test(k) && !/TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE/i.test(k)));
}

/**
 * Is this the Fly.io CLI? An absolute path to an executable that answers `version` like flyctl,
 * run with no credential in its environment and in an empty temporary folder. Returns its
 * version; throws a FlyctlCheckError that says what to fix.
 */
export async function checkFlyctlProgram(path: string, env: NodeJS.ProcessEnv): Promise<string> {
  const p = path.trim();
  if (!isAbsolute(p)) throw new FlyctlCheckError(`"${p}" is not a full path; give flyctl's absolute path (for example /usr/local/bin/flyctl). The setting was not changed.`);
  try {
    await access(p, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
  } catch {
    throw new FlyctlCheckError(`${p} is not an executable file. Check the path (\`which flyctl\` shows it) and try again; the setting was not changed.`);
  }
  // An empty folder of its own, removed after: nothing of anyone's is where the program runs.
  const cwd = await mkdtemp(join(tmpdir(), 'tarmac-flyctl-check-'));
  const res = await runFlyctl({
    binary: p,
    argv: ['version'],
    env: withoutCredentials(env),
    cwd,
    signal: AbortSignal.timeout(CHECK_TIMEOUT_MS + 1000),
    timeoutMs: CHECK_TIMEOUT_MS,
  })
    .catch(() => null)
    .finally(() => rm(cwd, { recursive: true, force: true }));
  const version = res && res.exitCode === 0 && FLYCTL_VERSION_LINE.test(res.stdout) ? parseVersion(res.stdout) : null;
  if (!version) {
    throw new FlyctlCheckError(`${p} did not answer \`version\` like flyctl ("flyctl v0.x.y ..."), so Tarmac will not run it with your Fly.io token. Choose the Fly.io CLI itself (\`which flyctl\`); the setting was not changed.`);
  }
  return version;
}
