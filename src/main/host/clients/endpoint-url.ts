import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PORT } from '../defaults.js';
import { readInstance } from '../instance.js';
import type { SettingsStore } from '../settings.js';
import type { Launcher } from './types.js';

/** The URL to write: that of the Tarmac running on this data dir, else the configured port's. */
export async function endpointUrl(dataDir: string, settings: SettingsStore): Promise<string> {
  const running = await readInstance(dataDir);
  if (running.state === 'running') return running.instance.url;
  const port = (await settings.read()).port ?? DEFAULT_PORT;
  return `http://127.0.0.1:${port}/mcp`;
}

/**
 * How a client starts this Tarmac's CLI: never a bare `node` or `npx` (GUI apps do not get the
 * shell's PATH, and the first `node` found may be too old). From the packaged app, the app's own
 * executable with ELECTRON_RUN_AS_NODE=1 and the bundled CLI (the desktop shell passes that in);
 * from a source checkout, the absolute path of the Node running Tarmac and its entry script, with
 * the loader flags it runs under (tsx in tests).
 */
export function launcherFromProcess(): Launcher {
  const script = process.argv[1] ? safeRealpath(process.argv[1]) : '';
  const loader: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader') && process.execArgv[i + 1]) loader.push(a, absolute(process.execArgv[++i]!));
    else if (/^--(import|require|loader)=/.test(a)) loader.push(a.replace(/=(.*)$/, (_m, v: string) => `=${absolute(v)}`));
  }
  const electron = Boolean(process.versions.electron) && process.env.ELECTRON_RUN_AS_NODE === '1';
  return { command: process.execPath, args: [...loader, script], env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

/**
 * The packaged app's launcher: its own executable run as Node (ELECTRON_RUN_AS_NODE=1) with the
 * bundled CLI. The desktop shell passes this to createClientRegistrar; the host cannot know where
 * the bundle lies inside the app.
 */
export function electronLauncher(appExecutable: string, bundledCli: string): Launcher {
  return { command: appExecutable, args: [bundledCli], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** A relative loader path would be read from the client's working folder: make it absolute. */
function absolute(spec: string): string {
  return spec.startsWith('.') ? resolve(spec) : spec;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
