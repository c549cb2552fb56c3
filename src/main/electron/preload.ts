import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, EVENT_CHANNEL, ipcChannel, type TarmacApi, type TarmacEvent, type TarmacEvents } from '../../shared/api.js';

// Exactly the TarmacApi, nothing more: the renderer never sees ipcRenderer itself.
const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args)]),
) as unknown as TarmacApi;

// The host's pushes: the listener gets the event only, never the IpcRendererEvent (and its sender).
const events: TarmacEvents = {
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: TarmacEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('tarmac', { ...api, ...events } satisfies TarmacApi & TarmacEvents);
