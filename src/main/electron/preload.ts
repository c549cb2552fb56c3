import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, ipcChannel, type TarmacApi } from '../../shared/api.js';

// Exactly the TarmacApi, nothing more: the renderer never sees ipcRenderer itself.
const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args)]),
) as unknown as TarmacApi;

contextBridge.exposeInMainWorld('tarmac', api);
