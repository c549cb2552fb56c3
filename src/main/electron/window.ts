import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { isClientInstallLink } from './sender.js';

/** The main window: sandboxed renderer, no Node, only the preload's API. */
export function createMainWindow(
  preloadPath: string,
  rendererUrl: string | undefined,
  rendererFile: string,
  bounds: { x?: number; y?: number; width: number; height: number },
): BrowserWindow {
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Tarmac',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // Links open in the system browser; the window never navigates away from Tarmac.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url) || isClientInstallLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (rendererUrl) void win.loadURL(rendererUrl);
  else void win.loadFile(join(rendererFile));
  win.once('ready-to-show', () => win.show());
  return win;
}

