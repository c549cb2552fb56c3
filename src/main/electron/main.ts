import { app, dialog, Notification, screen, shell, type BrowserWindow } from 'electron';
import { createWriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ToolCall } from '../../shared/activity.js';
import { EVENT_CHANNEL, type HostStatus, type TarmacEvent } from '../../shared/api.js';
import { createHostApi, type NotifyAction, type ShellCapabilities } from '../host/api.js';
import { createHost, type Host } from '../host/index.js';
import { V8_MEMORY_FLAGS } from '../host/memory.js';
import { defaultProviders } from '../host/providers/index.js';
import { linuxAutostart } from './autostart.js';
import { bundledCliLauncher } from './cli-launcher.js';
import { serveApiOverIpc } from './ipc.js';
import { rendererLocation } from './sender.js';
import { TarmacTray } from './tray.js';
import type { TrayState } from './tray-menu.js';
import { createMainWindow } from './window.js';
import { restoreBounds, type Bounds } from './window-state.js';

// V8 reads heap flags when an isolate starts: set before any window (renderer) exists.
app.commandLine.appendSwitch('js-flags', V8_MEMORY_FLAGS);

// One Tarmac per user: a second launch focuses the first instead of fighting for the port.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let host: Host | null = null;
  let tray: TarmacTray | null = null;
  let window: BrowserWindow | null = null;
  let trayState: TrayState = {
    endpoint: { state: 'starting', url: null, tools: 0, sessions: 0 },
    providers: [],
    keychain: { state: 'ok', message: null },
  };

  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  // A packaged app ignores ELECTRON_RENDERER_URL: it only ever shows its own files.
  const renderer = rendererLocation(app.isPackaged, process.env.ELECTRON_RENDERER_URL, join(import.meta.dirname, '../renderer/index.html'));

  const windowAlive = (w: BrowserWindow | null): w is BrowserWindow => w !== null && !w.isDestroyed() && !w.webContents.isDestroyed();
  const send = (event: TarmacEvent) => {
    if (event.type === 'statusChanged') showStatus(event.data);
    if (event.type === 'guardrails') {
      trayState = { ...trayState, guard: { waiting: event.data.pending.length, paused: event.data.paused, readOnly: event.data.readOnly } };
      tray?.update(trayState);
    }
    if (event.type === 'activity' && event.data.type === 'finished') countCall(event.data.call);
    // The window may be closed (or never opened): then there is no one to tell.
    if (windowAlive(window)) window.webContents.send(EVENT_CHANNEL, event);
  };
  const showStatus = (status: HostStatus) => {
    trayState = { ...trayState, endpoint: status.endpoint, providers: status.providers, keychain: status.keychain };
    tray?.update(trayState);
  };
  // Failed calls count until the person looks at the window.
  const countCall = (call: ToolCall) => {
    const failed = call.status === 'error' || call.status === 'timeout';
    const looking = windowAlive(window) && window.isVisible() && window.isFocused();
    trayState = { ...trayState, failed: (trayState.failed ?? 0) + (failed && !looking ? 1 : 0), lastCall: { tool: call.tool, status: call.status } };
    tray?.update(trayState);
  };
  const seen = () => {
    if (!trayState.failed) return;
    trayState = { ...trayState, failed: 0 };
    tray?.update(trayState);
  };

  const openWindow = async () => {
    if (windowAlive(window)) {
      if (window.isMinimized()) window.restore();
      return window.focus();
    }
    const saved = (await host?.settings.read().catch(() => undefined))?.window;
    const bounds = restoreBounds(saved, screen.getAllDisplays().map((d) => d.workArea));
    const win = createMainWindow(join(import.meta.dirname, '../preload/preload.cjs'), renderer.devServerUrl, renderer.file, bounds);
    window = win;
    win.on('focus', seen);
    seen();
    // The last size and place are kept for the next time the window opens.
    win.on('close', () => {
      if (win.isMinimized() || win.isFullScreen()) return;
      const b: Bounds = win.getBounds();
      void host?.settings.update((s) => ({ ...s, window: b })).catch(() => undefined);
    });
  };

  const launchAtLogin = (): ShellCapabilities['launchAtLogin'] => {
    if (process.platform === 'linux') return linuxAutostart(process.execPath, app.isPackaged ? ['--hidden'] : [app.getAppPath(), '--hidden']);
    return {
      get: () => app.getLoginItemSettings().openAtLogin,
      set: (on) => app.setLoginItemSettings({ openAtLogin: on, args: ['--hidden'] }),
    };
  };

  /** An OS notification (approvals, failed calls) that opens the window when clicked. */
  const notify = (title: string, body: string, actions: NotifyAction[] = []) => {
    if (!Notification.isSupported()) return;
    // Buttons only where the OS shows them (macOS); elsewhere a click opens the window.
    const buttons = process.platform === 'darwin' ? actions : [];
    const n = new Notification({ title, body, silent: false, actions: buttons.map((a) => ({ type: 'button' as const, text: a.label })) });
    n.on('click', () => void openWindow());
    n.on('action', (_event, index) => buttons[index]?.run());
    n.show();
  };


  app.on('second-instance', () => void openWindow());
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);

  void app.whenReady().then(async () => {
    if (process.platform === 'darwin') app.dock?.hide();
    tray = new TarmacTray(
      resources,
      {
        openWindow: () => void openWindow(),
        quit: () => app.quit(),
        setPaused: (on) => void host?.guardrails.setPaused(on).catch(() => undefined),
        setReadOnly: (on) => void host?.guardrails.setReadOnly(on).catch(() => undefined),
      },
      trayState,
    );
    host = createHost({ dataDir: app.getPath('userData'), providers: defaultProviders() });
    const api = createHostApi(host, {
      // Only web URLs reach the system browser: a sign-in URL is never a file or custom scheme.
      openBrowser: async (url) => {
        if (!/^https?:\/\//i.test(url)) throw new Error('Refusing to open a non-web URL');
        await shell.openExternal(url);
      },
      emit: send,
      // Clients start `tarmac bridge` with this app's own executable as Node: no system Node needed.
      clientLauncher: bundledCliLauncher(process.execPath, app.getAppPath()),
      shell: {
        launchAtLogin: launchAtLogin(),
        openPath: async (path) => {
          const error = await shell.openPath(path);
          if (error) throw new Error(`Could not open ${path}: ${error}`);
        },
        notify,
        saveFile: async (suggestedName, chunks) => {
          const options = { defaultPath: join(app.getPath('downloads'), suggestedName) };
          const picked = windowAlive(window) ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
          if (picked.canceled || !picked.filePath) return null;
          await pipeline(Readable.from(chunks), createWriteStream(picked.filePath, { mode: 0o600 }));
          // The mode above applies to a new file only: a file written over becomes the user's alone too.
          await chmod(picked.filePath, 0o600).catch(() => undefined);
          return picked.filePath;
        },
      },
    });
    // Only the main window showing our own renderer may call it.
    serveApiOverIpc((method, args) => api.call(method, args), { mainWindow: () => window, renderer });
    await host.start().catch(() => undefined); // the status (and so the tray and window) says why
    showStatus(await api.api.getStatus());
    const guard = await api.api.getGuardrails().catch(() => null);
    if (guard) send({ type: 'guardrails', data: guard });
    if (!process.argv.includes('--hidden')) await openWindow();
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
