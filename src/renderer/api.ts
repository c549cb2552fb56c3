import type { TarmacApi } from '../shared/api.js';

declare global {
  interface Window {
    tarmac?: TarmacApi;
  }
}

/** The host API: Electron's preload bridge when present. Browser mode arrives with the UI issue. */
export function getApi(): TarmacApi | null {
  return window.tarmac ?? null;
}
