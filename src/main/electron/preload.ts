import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, ipcChannel, makeBridge, type ApiResult, type TarmacBridge, type TarmacEvent, type TarmacEvents } from '../../shared/api.js';

// Exactly the bridge of the API list and the event subscription, nothing more: the renderer never sees ipcRenderer itself.
const bridge: TarmacBridge = makeBridge((method, args): Promise<ApiResult<unknown>> => ipcRenderer.invoke(ipcChannel(method), ...args));

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

contextBridge.exposeInMainWorld('tarmac', { ...bridge, ...events } satisfies TarmacBridge & TarmacEvents);
