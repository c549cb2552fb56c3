import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'Tarmac';

/**
 * The same folder Electron's app.getPath('userData') gives the desktop app, so the headless
 * host and the tray app share settings, tokens index and history.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TARMAC_DATA_DIR) return env.TARMAC_DATA_DIR;
  const home = homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME);
  }
}
