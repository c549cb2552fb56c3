/**
 * The one place that knows how the window reaches the host: Electron's preload bridge when it is
 * there, else HTTP + server-sent events (browser mode, `tarmac ui`). Everything else imports `api`
 * and `onHostEvent` and never learns which transport it has.
 */
import { makeBridge, unwrapBridge, type ApiResult, type TarmacApi, type TarmacBridge, type TarmacEvent, type TarmacEvents } from '../shared/api.js';

declare global {
  interface Window {
    tarmac?: TarmacBridge & TarmacEvents;
  }
}

const NOT_RUNNING = 'Tarmac is not answering. If you opened this page with `tarmac ui`, it has stopped: run it again and open the new link.';
const SIGNED_OUT = 'This browser is no longer signed in to Tarmac: run `tarmac ui` again and open the link it prints.';

function httpBridge(): TarmacBridge {
  return makeBridge(async (method, args): Promise<ApiResult<unknown>> => {
    let res: Response;
    try {
      res = await fetch(`api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ args }),
        credentials: 'same-origin',
      });
    } catch {
      return { ok: false, error: { code: 'unreachable', message: NOT_RUNNING } };
    }
    if (res.status === 401 || res.status === 403) return { ok: false, error: { code: 'denied', message: SIGNED_OUT } };
    try {
      return (await res.json()) as ApiResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'internal', message: `Tarmac answered ${res.status} without a readable body; reload the page.` } };
    }
  });
}

function httpEvents(): TarmacEvents {
  const listeners = new Set<(event: TarmacEvent) => void>();
  let source: EventSource | null = null;
  return {
    onEvent(listener) {
      listeners.add(listener);
      if (!source) {
        // EventSource reconnects by itself when the stream drops.
        source = new EventSource('api/events');
        source.onmessage = (message: MessageEvent<string>) => {
          const event = JSON.parse(message.data) as TarmacEvent;
          for (const l of listeners) l(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (!listeners.size) {
          source?.close();
          source = null;
        }
      };
    },
  };
}

const desktop = window.tarmac;

export const transport: 'desktop' | 'browser' = desktop ? 'desktop' : 'browser';
export const api: TarmacApi = unwrapBridge(desktop ?? httpBridge());
const events: TarmacEvents = desktop ?? httpEvents();

/** Listen to the host's pushes; returns the function that stops listening. */
export function onHostEvent(listener: (event: TarmacEvent) => void): () => void {
  return events.onEvent(listener);
}
