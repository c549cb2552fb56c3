import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignInError } from './errors.js';

/** The flightctl CLI's default, so identity providers set up for the CLI accept Tarmac's redirect too. */
export const DEFAULT_CALLBACK_PORT = 8080;
export const CALLBACK_PATH = '/callback';

/** The redirect URI registered at the identity provider for a port (`localhost`, like the flightctl CLI). */
export function redirectUriFor(port: number): string {
  return `http://localhost:${port}${CALLBACK_PATH}`;
}

/** The port a sign-in listens on: the one asked for, else 8080. */
export function resolveCallbackPort(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_CALLBACK_PORT;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new SignInError('input', `The callback port must be a whole number from 0 (any free port) to 65535, not ${String(requested)}.`);
  }
  return requested;
}

export interface CallbackOutcome {
  ok: boolean;
  title: string;
  message: string;
}

export interface CallbackListener {
  readonly port: number;
  readonly redirectUri: string;
  /**
   * The query of the first request to /callback that is not ignored. Rejects with SignInError
   * 'timeout' or 'cancelled'; the browser's request stays open until respond() or close().
   */
  wait(options: { signal?: AbortSignal; timeoutMs: number }): Promise<URLSearchParams>;
  /** Answer the browser's callback request with a small page. */
  respond(outcome: CallbackOutcome): void;
  /** Stop listening; any request still open gets a neutral page. Idempotent. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Looks at each callback before it is taken: an outcome means "not for us", answered 400 with
   * that page while the listener keeps waiting for the real answer; null takes it.
   */
  ignore?: (query: URLSearchParams) => CallbackOutcome | null;
}

/**
 * A one-shot HTTP listener for the OAuth redirect on 127.0.0.1 (and ::1 where the machine has
 * it, since browsers may resolve `localhost` to either). Port 0 takes any free port.
 * A busy port is a SignInError 'port' naming the port and the way out.
 */
export async function listenForCallback(requestedPort: number, options: ListenOptions = {}): Promise<CallbackListener> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await bindListener(requestedPort, options);
    } catch (err) {
      // With port 0 the OS chose a port free on 127.0.0.1 that may be taken on ::1: choose again.
      if (requestedPort === 0 && attempt < 5 && err instanceof RetryableBind) continue;
      throw err instanceof RetryableBind ? err.error : err;
    }
  }
}

class RetryableBind extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

async function bindListener(requestedPort: number, options: ListenOptions): Promise<CallbackListener> {
  let received: (query: URLSearchParams) => void = () => undefined;
  const callback = new Promise<URLSearchParams>((resolve) => {
    received = resolve;
  });
  let answered = false;
  let pending: http.ServerResponse | null = null;
  let port = requestedPort;
  const allowedHosts = () => new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // Only requests addressed to loopback by name: a page on another origin cannot rebind a DNS name to us.
    if (!allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) {
      res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end('bad host');
      return;
    }
    const url = new URL(req.url ?? '/', `http://localhost:${port}`);
    if (url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not found');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET', connection: 'close' }).end('method not allowed');
      return;
    }
    if (answered) {
      writePage(res, 409, { ok: false, title: 'Already answered', message: 'This sign-in already received an answer. Return to Tarmac.' });
      return;
    }
    const refused = options.ignore?.(url.searchParams);
    if (refused) {
      writePage(res, 400, refused);
      return;
    }
    answered = true;
    pending = res;
    res.on('close', () => {
      if (pending === res) pending = null;
    });
    received(url.searchParams);
  };

  const servers: http.Server[] = [];
  const v4 = http.createServer(onRequest);
  try {
    await listen(v4, requestedPort, '127.0.0.1');
  } catch (err) {
    throw portError(err, requestedPort);
  }
  servers.push(v4);
  port = (v4.address() as AddressInfo).port;
  const v6 = http.createServer(onRequest);
  try {
    await listen(v6, port, '::1');
    servers.push(v6);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      // Someone else answers localhost on ::1 at this port: the browser might hand them the code.
      await closeServers(servers);
      throw new RetryableBind(portError(err, port));
    }
    // No IPv6 loopback on this machine (EADDRNOTAVAIL, EAFNOSUPPORT): 127.0.0.1 alone serves localhost.
  }

  let closing: Promise<void> | null = null;
  const listener: CallbackListener = {
    port,
    redirectUri: redirectUriFor(port),
    wait({ signal, timeoutMs }) {
      return new Promise<URLSearchParams>((resolve, reject) => {
        if (signal?.aborted) {
          reject(cancelledError());
          return;
        }
        let settled = false;
        const finish = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          fn();
        };
        const timer = setTimeout(() => finish(() => reject(timeoutError(timeoutMs))), timeoutMs);
        const onAbort = () => finish(() => reject(cancelledError()));
        signal?.addEventListener('abort', onAbort, { once: true });
        void callback.then((query) => finish(() => resolve(query)));
      });
    },
    respond(outcome) {
      const res = pending;
      pending = null;
      if (res && !res.headersSent) writePage(res, outcome.ok ? 200 : 400, outcome);
    },
    close() {
      closing ??= (async () => {
        listener.respond({ ok: false, title: 'Sign-in ended', message: 'Tarmac stopped waiting for this sign-in. Return to Tarmac.' });
        // Nothing more may arrive: a late browser tab would otherwise hold the flow open.
        answered = true;
        await closeServers(servers);
      })();
      return closing;
    },
  };
  return listener;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function closeServers(servers: http.Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (!s.listening) return resolve();
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}

function portError(err: unknown, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const other = 'choose another port with --callback-port (CLI) or in the sign-in form, and allow http://localhost:<port>/callback as a redirect URI at the identity provider';
  if (code === 'EADDRINUSE') {
    return new SignInError('port', `Port ${port} on localhost is already in use, so Tarmac cannot receive the sign-in answer there. Close the program using it, or ${other}.`, { cause: err });
  }
  if (code === 'EACCES') {
    return new SignInError('port', `Tarmac may not listen on port ${port} on localhost (permission denied); ${other}.`, { cause: err });
  }
  return new SignInError('port', `Tarmac could not listen on localhost:${port} for the sign-in answer (${code ?? (err instanceof Error ? err.message : String(err))}).`, { cause: err });
}

function timeoutError(ms: number): SignInError {
  const span = ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Number((ms / 1000).toFixed(1))} seconds`;
  return new SignInError('timeout', `The sign-in was not finished in the browser within ${span}; Tarmac stopped waiting and saved nothing. Start the sign-in again.`);
}

function cancelledError(): SignInError {
  return new SignInError('cancelled', 'The sign-in was cancelled; nothing was saved.');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function writePage(res: http.ServerResponse, status: number, outcome: CallbackOutcome): void {
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>Tarmac: ${escapeHtml(outcome.title)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em}</style></head>' +
    `<body><h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.message)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page's URL carries the authorization code: no scripts, no requests, no Referer.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(body);
}
