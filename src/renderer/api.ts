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

/**
 * Browser mode's page secret: the one-time link's redirect hands it over in the fragment (which no
 * server sees); this tab keeps it in sessionStorage (other origins, other localhost ports
 * included, cannot read it) and sends it with every API request. The cookie alone opens nothing.
 */
const PAGE_KEY = 'tarmac-page-secret';
function pageSecret(): string {
  const fromLink = /(?:^#|&)k=([A-Za-z0-9_-]+)/.exec(window.location.hash)?.[1];
  if (fromLink) {
    window.sessionStorage.setItem(PAGE_KEY, fromLink);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return window.sessionStorage.getItem(PAGE_KEY) ?? '';
}

/** The event stream's URL: EventSource cannot send a header, so the page secret rides in the query. */
function eventsUrl(): string {
  return `api/events?k=${encodeURIComponent(pageSecret())}`;
}

/**
 * Browser mode: download an API file (an export) with the page secret in a header, never in a URL
 * (a download's URL is kept in the browser's history and in the saved file's metadata).
 */
export async function downloadFromApi(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(`api/${path}`, { headers: { 'X-Tarmac-Page': pageSecret() }, credentials: 'same-origin' });
  if (!res.ok) throw new Error(res.status === 401 ? SIGNED_OUT : `Tarmac answered ${res.status}; try again.`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function httpBridge(): TarmacBridge {
  const secret = pageSecret();
  return makeBridge(async (method, args): Promise<ApiResult<unknown>> => {
    let res: Response;
    try {
      res = await fetch(`api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Tarmac-Page': secret },
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
        source = new EventSource(eventsUrl());
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
