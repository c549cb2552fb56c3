import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type TarmacApi } from '../../shared/api.js';

// Exactly the TarmacApi, nothing more: the renderer never sees ipcRenderer itself.
const api: TarmacApi = {
  getStatus: () => ipcRenderer.invoke(IPC.getStatus),
};

contextBridge.exposeInMainWorld('tarmac', api);
