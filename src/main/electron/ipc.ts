import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, ipcChannel, type ApiResult } from '../../shared/api.js';
import { isAllowedSender, type RendererLocation, type SenderFacts } from './sender.js';

/** Who may call the API: the main window (when it is open) showing our own renderer. */
export interface IpcTrust {
  mainWindow(): BrowserWindow | null;
  renderer: RendererLocation;
}

/**
 * Serve every request of the API over IPC; the preload exposes exactly the same list. Answers
 * are ApiResult data, since Electron keeps only an Error's message across IPC and the UI
 * branches on the code. `call` validates the arguments (the renderer is not trusted).
 */
export function serveApiOverIpc(call: (method: string, args: unknown) => Promise<ApiResult<unknown>>, trust: IpcTrust): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, ...args: unknown[]): Promise<ApiResult<unknown>> => {
      // Any other window, iframe or page that got hold of IPC gets nothing, not even a status.
      if (!isAllowedSender(senderFacts(event, trust.mainWindow()), trust.renderer)) {
        return Promise.resolve({ ok: false, error: { code: 'denied', message: `Refused ${method}: the request did not come from Tarmac's window.` } });
      }
      return call(method, args);
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}

function senderFacts(event: IpcMainInvokeEvent, window: BrowserWindow | null): SenderFacts {
  try {
    return readSenderFacts(event, window);
  } catch {
    // A frame that was disposed meanwhile throws on access: it is not a sender to trust.
    return { fromMainWindow: false, isMainFrame: false, url: null };
  }
}

function readSenderFacts(event: IpcMainInvokeEvent, window: BrowserWindow | null): SenderFacts {
  const live = window !== null && !window.isDestroyed() && !window.webContents.isDestroyed();
  const fromMainWindow = live && event.sender === window.webContents;
  const frame = event.senderFrame;
  const isMainFrame =
    fromMainWindow && frame !== null && !frame.detached && frame.parent === null && frame.frameTreeNodeId === window.webContents.mainFrame.frameTreeNodeId;
  return { fromMainWindow, isMainFrame, url: frame?.url ?? null };
}
