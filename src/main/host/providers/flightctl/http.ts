import type { IncomingHttpHeaders } from 'node:http';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { FlightctlError, isTlsError, networkError, originOf, timeoutError, tlsError } from './errors.js';
import { activeCall, type ChildOutcome } from '../../telemetry/active.js';

// Not `import ... from 'node:http'`: importing node:http as ES module reads all of its exports,
// which loads Node's fetch (undici) for http.WebSocket, a noticeable part of `tarmac status`.
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

const gunzipAsync = promisify(gunzip);

/** How to trust a server. Extra CAs are added to Node's roots, never replacing them (an IdP may use a public CA). */
export interface TlsOptions {
  /** PEM certificates to trust in addition to the public roots. */
  ca?: string[];
  insecureSkipVerify?: boolean;
}

export interface TransportOptions extends TlsOptions {
  /** Largest response body read, as sent and after gunzip (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

/** A response body larger than this (raw, or once decompressed) is refused rather than held in memory. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Words for error messages, e.g. "listing devices". */
  what?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * node:http(s) with keep-alive and our own trust settings. Built on node:https rather than
 * fetch so a custom CA or skip-verify needs no extra dependency, and so the same settings
 * serve REST, openid-client (through `fetch`) and the WebSocket console.
 */
export class HttpTransport {
  readonly #tls: TlsOptions;
  readonly #maxBodyBytes: number;
  readonly #httpsAgent: InstanceType<typeof https.Agent>;
  readonly #httpAgent: InstanceType<typeof http.Agent>;
  readonly #secureContext: SecureContext | undefined;

  constructor(tls: TransportOptions = {}) {
    this.#tls = tls;
    this.#maxBodyBytes = tls.maxBodyBytes ?? MAX_BODY_BYTES;
    // One secure context: parsing ~150 roots per connection would be wasted work.
    this.#secureContext = tls.ca?.length ? createSecureContext({ ca: [...rootCertificates, ...tls.ca] }) : undefined;
    this.#httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: !tls.insecureSkipVerify,
      ...(this.#secureContext ? { secureContext: this.#secureContext } : {}),
    });
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  get insecure(): boolean {
    return Boolean(this.#tls.insecureSkipVerify);
  }

  /** Options for `ws` so the console trusts exactly what REST trusts. */
  wsTlsOptions(): { rejectUnauthorized: boolean; secureContext?: SecureContext } {
    return { rejectUnauthorized: !this.#tls.insecureSkipVerify, ...(this.#secureContext ? { secureContext: this.#secureContext } : {}) };
  }

  request(url: string | URL, init: HttpRequest = {}): Promise<HttpResponse> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const timeoutMs = init.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const what = init.what ?? `${init.method ?? 'GET'} ${target.pathname}`;
    const isHttps = target.protocol === 'https:';
    if (!isHttps && target.protocol !== 'http:') {
      return Promise.reject(new FlightctlError('config', `Unsupported URL scheme in ${target.origin}: use https://`));
    }
    if (init.signal?.aborted) return Promise.reject(init.signal.reason);
    // A child span of the tool call's when telemetry export is on; the server joins its trace.
    const span = activeCall()?.http({ method: init.method ?? 'GET', url: target });

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void, outcome?: ChildOutcome) => {
        if (settled) return;
        settled = true;
        span?.end(outcome ?? {});
        clearTimeout(timer);
        init.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...init.headers, ...span?.headers() };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const req = (isHttps ? https : http).request(target, {
        method: init.method ?? 'GET',
        headers,
        agent: isHttps ? this.#httpsAgent : this.#httpAgent,
      });
      const timer = setTimeout(() => {
        finish(() => reject(timeoutError(what, timeoutMs)), { errorType: 'timeout' });
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(() => reject(init.signal?.reason ?? new Error('aborted')), { errorType: 'cancelled' });
        req.destroy();
      };
      init.signal?.addEventListener('abort', onAbort, { once: true });

      req.on('error', (err) => finish(() => reject(isTlsError(err) ? tlsError(err, target.href) : networkError(err, target.href)), { errorType: (err as NodeJS.ErrnoException).code ?? err.name }));
      const max = this.#maxBodyBytes;
      const tooLarge = (decompressed: boolean) => {
        finish(() => reject(tooLargeError(what, max, target.href, decompressed)), { errorType: 'response_too_large' });
        req.destroy();
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > max) return tooLarge(false);
        res.on('data', (c: Buffer) => {
          if (settled) return;
          size += c.length;
          if (size > max) return tooLarge(false);
          chunks.push(c);
        });
        res.on('error', (err) => finish(() => reject(networkError(err, target.href)), { errorType: (err as NodeJS.ErrnoException).code ?? err.name }));
        res.on('end', () => {
          if (settled) return;
          const raw = Buffer.concat(chunks);
          const gz = String(res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
          (gz ? gunzipAsync(raw, { maxOutputLength: max }) : Promise.resolve(raw)).then(
            (body) => finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), { statusCode: res.statusCode ?? 0 }),
            (err: unknown) => finish(() => reject((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? tooLargeError(what, max, target.href, true) : networkError(err, target.href))),
          );
        });
      });
      if (init.body !== undefined) req.end(init.body);
      else req.end();
    });
  }

  /**
   * A WHATWG-fetch shaped function over the same agents, for openid-client's customFetch.
   * Only what openid-client uses: method, headers, string/URLSearchParams body, signal.
   */
  readonly fetch = async (url: string, options: { method?: string; headers?: Record<string, string> | Headers; body?: unknown; signal?: AbortSignal | null; redirect?: string }): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(options.headers ?? {}).forEach((value, key) => {
      headers[key] = value;
    });
    let body: string | Buffer | undefined;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body instanceof URLSearchParams) body = options.body.toString();
    else if (options.body instanceof Uint8Array) body = Buffer.from(options.body);
    else if (options.body != null) throw new TypeError('unsupported request body');
    const res = await this.request(url, {
      method: options.method ?? 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      what: 'the token request',
    });
    const out = new Headers();
    for (const [key, value] of Object.entries(res.headers)) {
      if (key === 'content-encoding' || key === 'content-length' || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) out.append(key, v);
    }
    const status = res.status;
    // Response forbids a body on these codes.
    const bodyless = status === 204 || status === 205 || status === 304;
    return new Response(bodyless ? null : new Uint8Array(res.body), { status, headers: out });
  };

  close(): void {
    this.#httpsAgent.destroy();
    this.#httpAgent.destroy();
  }
}

function tooLargeError(what: string, max: number, url: string, decompressed: boolean): FlightctlError {
  const size = max >= 1024 * 1024 ? `${Math.round(max / (1024 * 1024))} MiB` : `${max} bytes`;
  return new FlightctlError(
    'api',
    `Flight Control sent more than ${size}${decompressed ? ' (once decompressed)' : ''} for ${what} (${originOf(url)}), so Tarmac stopped reading it. Ask for less: narrow with label_selector or field_selector, or lower limit.`,
  );
}
