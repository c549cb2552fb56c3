import type { TarmacApi, TarmacEvent, TarmacEvents } from '../shared/api.js';

declare global {
  interface Window {
    tarmac?: TarmacApi & TarmacEvents;
  }
}

/** The host API: Electron's preload bridge when present. Browser mode arrives with the UI issue. */
export function getApi(): TarmacApi | null {
  return window.tarmac ?? null;
}

/** Listen to the host's pushes (sign-in progress); returns the function that stops listening. */
export function onHostEvent(listener: (event: TarmacEvent) => void): () => void {
  return window.tarmac?.onEvent(listener) ?? (() => undefined);
}
