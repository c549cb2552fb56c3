import { ipcMain } from 'electron';
import { API_METHODS, ipcChannel, type TarmacApi } from '../../shared/api.js';

/** Serve every request of the API over IPC; the preload exposes exactly the same list. */
export function serveApiOverIpc(api: TarmacApi): () => void {
  for (const method of API_METHODS) {
    const fn = api[method] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(ipcChannel(method), (_event, ...args: unknown[]) => fn(...args));
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
