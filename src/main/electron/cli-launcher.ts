import { join } from 'node:path';
import { electronLauncher } from '../host/clients/endpoint-url.js';
import type { Launcher } from '../host/clients/types.js';

/**
 * How AI clients start `tarmac bridge` from the desktop app: its own executable as Node
 * (ELECTRON_RUN_AS_NODE=1) with the CLI bundled inside the app (out/cli, inside app.asar when
 * packaged), so no system Node is needed. `appPath` is app.getAppPath().
 */
export function bundledCliLauncher(executable: string, appPath: string): Launcher {
  return electronLauncher(executable, join(appPath, 'out', 'cli', 'tarmac.cjs'));
}
