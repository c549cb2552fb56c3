import { app, shell, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL, type EndpointStatus } from '../../shared/api.js';
import { createHostApi } from '../host/api.js';
import { createHost, type Host } from '../host/index.js';
import { V8_MEMORY_FLAGS } from '../host/memory.js';
import { defaultProviders } from '../host/providers/index.js';
import { serveApiOverIpc } from './ipc.js';
import { rendererLocation } from './sender.js';
import { TarmacTray } from './tray.js';
import type { TrayState } from './tray-menu.js';
import { createMainWindow } from './window.js';

// V8 reads heap flags when an isolate starts: set before any window (renderer) exists.
app.commandLine.appendSwitch('js-flags', V8_MEMORY_FLAGS);

// One Tarmac per user: a second launch focuses the first instead of fighting for the port.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let host: Host | null = null;
  let tray: TarmacTray | null = null;
  let window: BrowserWindow | null = null;
  let status: EndpointStatus = { state: 'starting', url: null, tools: 0, sessions: 0 };

  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  // A packaged app ignores ELECTRON_RENDERER_URL: it only ever shows its own files.
  const renderer = rendererLocation(app.isPackaged, process.env.ELECTRON_RENDERER_URL, join(import.meta.dirname, '../renderer/index.html'));
  const trayState = (): TrayState => ({
    endpoint: { state: status.state, url: status.url, ...(status.error ? { error: status.error } : {}) },
    tools: status.tools,
    sessions: status.sessions,
  });
  const refresh = () => {
    if (host?.endpoint) status = { ...status, sessions: host.endpoint.sessionCount };
    tray?.update(trayState());
  };
  const openWindow = () => {
    if (window && !window.isDestroyed()) return window.focus();
    window = createMainWindow(join(import.meta.dirname, '../preload/preload.cjs'), renderer.devServerUrl, renderer.file);
  };

  app.on('second-instance', openWindow);
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);

  void app.whenReady().then(async () => {
    if (process.platform === 'darwin') app.dock?.hide();
    tray = new TarmacTray(resources, { openWindow, quit: () => app.quit() }, trayState());
    host = createHost({ dataDir: app.getPath('userData'), providers: defaultProviders() });
    const api = createHostApi(host, {
      // Only web URLs reach the system browser: a sign-in URL is never a file or custom scheme.
      openBrowser: async (url) => {
        if (!/^https?:\/\//i.test(url)) throw new Error('Refusing to open a non-web URL');
        await shell.openExternal(url);
      },
      // The window may be closed (or never opened): then there is no one to tell.
      onSignInEvent: (event) => {
        if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
      },
    });
    // The endpoint's state (including a failure to start) is the shell's to report.
    // Only the main window showing our own renderer may call it.
    serveApiOverIpc({ ...api, getStatus: async () => status }, { mainWindow: () => window, renderer });
    try {
      const url = await host.start();
      status = { state: 'running', url, tools: host.catalogue.size, sessions: 0 };
    } catch (err) {
      status = { state: 'error', url: null, error: err instanceof Error ? err.message : String(err), tools: host.catalogue.size, sessions: 0 };
    }
    refresh();
    setInterval(refresh, 5_000).unref();
  });

  app.on('before-quit', (event) => {
    if (!host) return;
    event.preventDefault();
    const stopping = host;
    host = null;
    void stopping.stop().finally(() => {
      tray?.destroy();
      app.exit(0);
    });
  });
}
