/**
 * Browser mode: the built renderer and the whole TarmacApi over HTTP + server-sent events on
 * loopback. This page can sign in and change settings, so it is guarded like the MCP endpoint
 * and more: a one-time URL secret becomes an HttpOnly SameSite=Strict cookie; Host and Origin are
 * checked; state-changing requests need the cookie and a same-origin Origin; no CORS; strict CSP.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { ApiResult, TarmacEvent } from '../../shared/api.js';
import { createLimitedServer, DEFAULT_HTTP_LIMITS, parseJsonLimited, readRequestBody, RequestBodyError, type HttpLimits } from '../host/http/limits.js';
import type { Logger } from '../host/log.js';

const COOKIE = 'tarmac_ui';
/** The app icon in the built renderer (resources/icon.png, emitted by electron.vite.config.ts). */
const FAVICON = 'favicon.png';
/** The page secret's header, and its name in the fragment and in the query (see #authenticated). */
const PAGE_SECRET_HEADER = 'x-tarmac-page';
const PAGE_SECRET_PARAM = 'k';
const MAX_BODY_BYTES = 1024 * 1024;
const KEEPALIVE_MS = 25_000;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** style-src allows inline styles (UI primitives position popovers with them); scripts are ours only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface WebServerOptions {
  /** The folder of the built renderer (index.html and assets/). */
  rendererDir: string;
  /** Runs one API request; errors come back as data. */
  call(method: string, args: unknown): Promise<ApiResult<unknown>>;
  log: Logger;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * The download behind `GET /api/export?format=jsonl|csv&filter=<json>`: the filtered calls as
   * text chunks. Throws (a ZodError) on a bad filter or format, before anything is sent.
   */
  exportActivity?(filter: unknown, format: unknown): { name: string; type: string; chunks: AsyncIterable<string> };
  /** Header, body and idle-connection time limits, as for the MCP endpoint (tests use short ones). */
  httpLimits?: Partial<HttpLimits>;
}

export class WebServer {
  readonly #o: WebServerOptions;
  readonly #http: Server;
  readonly #streams = new Set<ServerResponse>();
  /** sha256 of the one-time secret still waiting to be used; null once used. */
  #secret: Buffer | null;
  readonly #secretText: string;
  /**
   * Live sessions: sha256 of the cookie -> sha256 of that page's own secret. Browsers send a
   * 127.0.0.1 cookie to every port of the host, so any local web server the browser visits
   * receives it; the page secret travels only in the redirect's fragment (never sent to a
   * server) and then in a header (or, where a browser cannot set one, the query) of this page's
   * own requests, so a leaked cookie alone opens nothing.
   */
  readonly #sessions = new Map<string, Buffer>();
  #port = 0;
  #keepalive: NodeJS.Timeout | undefined;

  constructor(options: WebServerOptions) {
    this.#o = options;
    this.#secretText = randomBytes(32).toString('base64url');
    this.#secret = sha256(this.#secretText);
    this.#http = createLimitedServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'browser-mode request failed');
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
        else res.end();
      });
    }, options.httpLimits);
  }

  /** Listen on 127.0.0.1; resolves with the URL to open (it carries the one-time secret). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE' ? new Error(`Port ${this.#o.port} is already in use; choose another with --port (0 picks a free one).`) : err);
      };
      this.#http.once('error', onError);
      this.#http.listen(this.#o.port ?? 0, '127.0.0.1', () => {
        this.#http.off('error', onError);
        resolve();
      });
    });
    const address = this.#http.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#keepalive = setInterval(() => {
      for (const res of this.#streams) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
    return this.url;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The link that signs this browser in, once. */
  get url(): string {
    return `${this.origin}/?t=${this.#secretText}`;
  }

  /** Push an event to every open page. */
  broadcast(event: TarmacEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of this.#streams) res.write(frame);
  }

  async close(): Promise<void> {
    clearInterval(this.#keepalive);
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostOk = LOOPBACK_HOSTS.some((h) => req.headers.host === `${h}:${this.#port}`);
    if (!hostOk) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: this address is only served as 127.0.0.1 or localhost.');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#ownOrigin(origin)) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: cross-origin request.');

    // The request target is a path: appended to the origin, never resolved against it (`//` or
    // `//x` would be read as another host, and an invalid one throws).
    const url = URL.parse(`${this.origin}${req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`}`);
    if (!url) return send(res, 400, 'text/plain; charset=utf-8', 'Bad request');
    const method = req.method ?? 'GET';

    // The one-time link: trade the secret for a session cookie, then drop it from the address bar.
    if (method === 'GET' && url.pathname === '/' && url.searchParams.has('t')) return this.#exchange(url.searchParams.get('t') ?? '', res);

    const api = url.pathname.startsWith('/api/');
    if (!this.#authenticated(req, api ? url : null)) {
      if (url.pathname.startsWith('/api/')) return json(res, 401, { ok: false, error: { code: 'denied', message: 'This browser is not signed in to Tarmac: run `tarmac ui` again and open the link it prints.' } });
      return page(res, 401, 'Open Tarmac from its link', 'This page needs the one-time link that <code>tarmac ui</code> printed. Run <code>tarmac ui</code> again and open the new link.');
    }

    if (url.pathname === '/api/events' && method === 'GET') return this.#events(req, res);
    if (url.pathname === '/api/export' && method === 'GET') return this.#export(url, res);
    if (url.pathname.startsWith('/api/')) {
      if (method !== 'POST') return json(res, 405, { ok: false, error: { code: 'invalid-input', message: 'Use POST for API requests.' } });
      // A state-changing request must say where it comes from, and that must be this page.
      if (origin === undefined) return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: missing Origin.');
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return json(res, 415, { ok: false, error: { code: 'invalid-input', message: 'Send application/json.' } });
      const parsed = await this.#readJson(req, res);
      if (parsed === NO_BODY) return;
      const args = (parsed as { args?: unknown } | null)?.args;
      return json(res, 200, await this.#o.call(decodeURIComponent(url.pathname.slice('/api/'.length)), args));
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    return this.#static(url.pathname, res);
  }

  /** The request's JSON body, or NO_BODY once a refusal (too large, too slow, too deep, not JSON) was sent. */
  async #readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      const timeoutMs = this.#o.httpLimits?.bodyTimeoutMs ?? DEFAULT_HTTP_LIMITS.bodyTimeoutMs;
      return parseJsonLimited(await readRequestBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs }));
    } catch (err) {
      if (err instanceof RequestBodyError) {
        const message = err.problem === 'too-large' ? 'The request is too large.' : err.message;
        res.setHeader('Connection', 'close');
        json(res, err.status, { ok: false, error: { code: 'invalid-input', message } });
        if (err.problem === 'timeout') res.once('finish', () => req.socket.destroy());
        else if (err.problem === 'too-large') req.resume();
      } else if (err instanceof SyntaxError) {
        json(res, 400, { ok: false, error: { code: 'invalid-input', message: 'The request body is not JSON.' } });
      } else throw err;
      return NO_BODY;
    }
  }

  #ownOrigin(origin: string): boolean {
    return LOOPBACK_HOSTS.some((h) => origin === `http://${h}:${this.#port}`);
  }

  #exchange(given: string, res: ServerResponse): void {
    const expected = this.#secret;
    if (!expected || !timingSafeEqual(sha256(given), expected)) {
      return page(res, 401, 'This link no longer works', 'Each link from <code>tarmac ui</code> opens Tarmac once. Run <code>tarmac ui</code> again and open the new link.');
    }
    this.#secret = null;
    const session = randomBytes(32).toString('base64url');
    const pageSecret = randomBytes(32).toString('base64url');
    this.#sessions.set(sha256(session).toString('hex'), sha256(pageSecret));
    res.writeHead(303, {
      ...securityHeaders(),
      'Set-Cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      // The fragment stays in the browser: the page keeps it (sessionStorage, this tab only).
      Location: `/#${PAGE_SECRET_PARAM}=${pageSecret}`,
      'Cache-Control': 'no-store',
    });
    res.end();
  }

  async #export(url: URL, res: ServerResponse): Promise<void> {
    if (!this.#o.exportActivity) return json(res, 404, { ok: false, error: { code: 'unsupported', message: 'Export is not available here.' } });
    let download: ReturnType<NonNullable<WebServerOptions['exportActivity']>>;
    try {
      download = this.#o.exportActivity(parseJsonLimited(Buffer.from(url.searchParams.get('filter') ?? '{}')), url.searchParams.get('format'));
    } catch {
      return json(res, 400, { ok: false, error: { code: 'invalid-input', message: 'The export asks for an unknown format or filter; use format=jsonl or csv.' } });
    }
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': download.type,
      'Content-Disposition': `attachment; filename="${download.name}"`,
      'Cache-Control': 'no-store',
    });
    try {
      for await (const chunk of download.chunks) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
    } finally {
      res.end();
    }
  }

  /**
   * The cookie of a live session; for the API (`api` set: the request's URL) also that session's
   * page secret, in the X-Tarmac-Page header or, for the event stream only (EventSource sends no
   * header), the `k` query parameter.
   */
  #authenticated(req: IncomingMessage, api: URL | null): boolean {
    const cookie = cookieValue(req.headers.cookie, COOKIE);
    if (cookie === null) return false;
    const expected = this.#sessions.get(sha256(cookie).toString('hex'));
    if (!expected) return false;
    if (!api) return true;
    const header = req.headers[PAGE_SECRET_HEADER];
    // Only the event stream may carry it in the query (EventSource sends no header).
    const given = typeof header === 'string' ? header : req.method === 'GET' && api.pathname === '/api/events' ? api.searchParams.get(PAGE_SECRET_PARAM) : null;
    return given !== null && timingSafeEqual(sha256(given), expected);
  }

  #events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.#streams.add(res);
    req.on('close', () => this.#streams.delete(res));
  }

  async #static(pathname: string, res: ServerResponse): Promise<void> {
    // Browsers ask for /favicon.ico whatever the page links: the app icon (a PNG) answers.
    const relative = pathname === '/' ? 'index.html' : pathname === '/favicon.ico' ? FAVICON : decodeSafe(pathname.slice(1));
    const root = normalize(this.#o.rendererDir + sep);
    const file = relative === null ? null : normalize(join(root, relative));
    if (!file || !file.startsWith(root)) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    let size: number;
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      size = s.size;
    } catch {
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    }
    const immutable = relative?.startsWith('assets/') ?? false;
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    createReadStream(file).pipe(res);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

/** A small page of its own (no script), for the cases where the app cannot load. */
function page(res: ServerResponse, status: number, title: string, html: string): void {
  send(
    res,
    status,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tarmac: ${title}</title>` +
      `<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#16181d}` +
      `main{max-width:32rem;padding:2rem;background:#fff;border:1px solid #dfe2e8;border-radius:12px}code{font-family:ui-monospace,monospace;background:#eef0f4;padding:0 .3em;border-radius:4px}` +
      `@media (prefers-color-scheme:dark){body{background:#0f1115;color:#e7e9ee}main{background:#171a21;border-color:#2a2f3a}code{background:#232834}}</style></head>` +
      `<body><main><h1>${title}</h1><p>${html}</p></main></body></html>`,
  );
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function decodeSafe(path: string): string | null {
  try {
    const decoded = decodeURIComponent(path);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

const NO_BODY = Symbol('no body');
