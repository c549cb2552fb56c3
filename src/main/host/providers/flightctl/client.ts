import type { Logger } from '../../log.js';
import type { TokenManager } from './auth.js';
import { apiError, FlightctlError, signedOutError } from './errors.js';
import type { HttpResponse, HttpTransport } from './http.js';

/** The API refuses pages above this (limit > 1000 → 400). */
export const PAGE_SIZE_MAX = 1000;
/** Hard stop: a server that keeps answering with a continue token cannot keep us looping. */
export const MAX_PAGES = 50;

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  signal?: AbortSignal;
  /** Words for error messages ("listing devices"). */
  what: string;
  /** Statuses returned to the caller instead of thrown (e.g. 204 and 404 for /lastseen). */
  accept?: number[];
  /** Calls that must not carry org_id (listing organizations, auth endpoints). */
  noOrg?: boolean;
  /** Extra request headers (e.g. Flightctl-API-Version for v1alpha1 resources). */
  headers?: Record<string, string>;
}

/** A request that changes something: its method and JSON body. */
export interface WriteRequest {
  method: 'POST' | 'PUT';
  /** Sent as JSON; omitted for a POST without a body. */
  body?: unknown;
}

export interface ListOptions<T = unknown, U = T> {
  labelSelector?: string;
  fieldSelector?: string;
  /** Total items wanted across pages. */
  limit: number;
  /** Extra query parameters (e.g. order for events). */
  params?: Query;
  signal?: AbortSignal;
  what: string;
  /** Extra request headers (e.g. Flightctl-API-Version for v1alpha1 resources). */
  headers?: Record<string, string>;
  /** Called after each page with the running count (progress reporting). */
  onPage?: (fetched: number, page: number) => void;
  /**
   * Turns each page into what the caller keeps, as it arrives, so the raw objects of a large
   * answer can be collected page by page instead of all living until the end.
   */
  mapPage?: (page: T[]) => U[];
}

export interface ListResult<T> {
  items: T[];
  /** The server has more items than were returned. */
  more: boolean;
  /** Items left after the last page, when the server says (it does not when selectors are used). */
  remaining: number | undefined;
  pages: number;
  /** Stopped by MAX_PAGES (or a repeated continue token) rather than by the limit or the last page. */
  capped: boolean;
  /** The server sent a continue token it had sent before (its pages would repeat). */
  repeatedToken?: boolean;
}

interface ListBody<T> {
  items?: T[];
  metadata?: { continue?: string; remainingItemCount?: number };
}

export interface ClientOptions {
  apiUrl: string;
  transport: HttpTransport;
  tokens: TokenManager;
  /** The organization to send as org_id, or undefined when the server has none. */
  orgId: (signal?: AbortSignal) => Promise<string | undefined>;
  log: Logger;
  requestTimeoutMs?: number;
}

/** REST against `${apiUrl}/api/v1`: bearer, org_id, one retry after a refresh on 401, Status → error. */
export class FlightctlClient {
  readonly #o: ClientOptions;

  constructor(options: ClientOptions) {
    this.#o = options;
  }

  get apiUrl(): string {
    return this.#o.apiUrl;
  }

  /** GET and parse JSON; statuses in `accept` come back with body undefined when empty. */
  async get<T>(path: string, query: Query, options: CallOptions): Promise<{ status: number; body: T | undefined }> {
    const res = await this.#send(path, query, options);
    if (res.status >= 200 && res.status < 300) {
      return { status: res.status, body: res.body.length ? parseJson<T>(res, options.what) : undefined };
    }
    return { status: res.status, body: undefined };
  }

  /**
   * A write (PUT/POST with a JSON body): the parsed answer, or, for a status in `accept`, the
   * status with body undefined. A 401 is retried once after a refresh like a read: the server
   * refused the request before acting on it.
   */
  async write<T>(path: string, request: WriteRequest, options: CallOptions): Promise<{ status: number; body: T | undefined }> {
    const res = await this.#send(path, {}, options, request);
    if (res.status >= 200 && res.status < 300) {
      return { status: res.status, body: res.body.length ? parseJson<T>(res, options.what) : undefined };
    }
    return { status: res.status, body: undefined };
  }

  /** GET that must succeed with a JSON body. */
  async getJson<T>(path: string, query: Query, options: CallOptions): Promise<T> {
    const { body } = await this.get<T>(path, query, options);
    if (body === undefined) throw new FlightctlError('api', `Flight Control returned an empty answer for ${options.what}.`);
    return body;
  }

  /**
   * Follows metadata.continue with pages of at most 1000, stopping at `limit` items, at the
   * last page, or at MAX_PAGES. Each page asks for only what is still wanted.
   */
  async list<T, U = T>(path: string, options: ListOptions<T, U>): Promise<ListResult<U>> {
    const items: U[] = [];
    let token: string | undefined;
    const seen = new Set<string>();
    // Items already listed, by name: a server that serves a page again must not list them twice.
    const names = new Set<string>();
    let pages = 0;
    let remaining: number | undefined;
    let capped = false;
    for (;;) {
      const want = Math.min(PAGE_SIZE_MAX, options.limit - items.length);
      const query: Query = {
        ...options.params,
        labelSelector: options.labelSelector || undefined,
        fieldSelector: options.fieldSelector || undefined,
        limit: want,
        continue: token,
      };
      const body = await this.getJson<ListBody<T>>(path, query, { what: options.what, ...(options.signal ? { signal: options.signal } : {}), ...(options.headers ? { headers: options.headers } : {}) });
      pages++;
      const page = (Array.isArray(body.items) ? body.items : []).filter((item) => {
        const name = itemName(item);
        if (name === undefined) return true;
        if (names.has(name)) return false;
        names.add(name);
        return true;
      });
      // A server may ignore limit; never hand back more than asked for.
      const kept = page.length > options.limit - items.length ? page.slice(0, options.limit - items.length) : page;
      const mapped = options.mapPage ? options.mapPage(kept) : (kept as unknown as U[]);
      for (const item of mapped) items.push(item);
      token = body.metadata?.continue || undefined;
      remaining = itemCount(body.metadata?.remainingItemCount);
      options.onPage?.(items.length, pages);
      if (!token) return { items, more: page.length > want, remaining, pages, capped };
      if (items.length >= options.limit) return { items, more: true, remaining, pages, capped };
      const repeatedToken = seen.has(token);
      if (pages >= MAX_PAGES || repeatedToken) {
        capped = true;
        this.#o.log.warn({ path, pages, repeatedToken }, repeatedToken ? 'flightctl list stopped: the server repeated a continue token' : 'flightctl list stopped at the page cap');
        return { items, more: true, remaining, pages, capped, ...(repeatedToken ? { repeatedToken } : {}) };
      }
      seen.add(token);
    }
  }

  async #send(path: string, query: Query, options: CallOptions, write?: WriteRequest): Promise<HttpResponse> {
    const { signal } = options;
    const url = new URL(`${this.#o.apiUrl}/api/v1${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    if (!options.noOrg) {
      const org = await this.#o.orgId(signal);
      if (org) url.searchParams.set('org_id', org);
    }
    const payload = write?.body === undefined ? undefined : JSON.stringify(write.body);
    const attempt = async (): Promise<{ res: HttpResponse; hadBearer: boolean }> => {
      const bearer = await this.#o.tokens.bearer(signal);
      const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const res = await this.#o.transport.request(url, {
        headers,
        ...(write ? { method: write.method } : {}),
        ...(payload !== undefined ? { body: payload } : {}),
        what: options.what,
        ...(signal ? { signal } : {}),
        ...(this.#o.requestTimeoutMs ? { timeoutMs: this.#o.requestTimeoutMs } : {}),
      });
      return { res, hadBearer: Boolean(bearer) };
    };
    let { res, hadBearer } = await attempt();
    if (res.status === 401 && this.#o.tokens.canRefresh) {
      // The bearer may have been revoked or expired early: refresh once and retry.
      await this.#o.tokens.refresh(signal);
      ({ res, hadBearer } = await attempt());
    }
    if ((res.status >= 200 && res.status < 300) || options.accept?.includes(res.status)) return res;
    if (res.status === 401 && !hadBearer) throw signedOutError('no token is saved for this server');
    throw apiError(res.status, res.body, options.what);
  }
}

function parseJson<T>(res: HttpResponse, what: string): T {
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch {
    throw new FlightctlError('api', `Flight Control sent something that is not JSON for ${what} (HTTP ${res.status}); is the API URL right?`);
  }
}

/** An API object's metadata.name, which is unique within its kind. */
function itemName(item: unknown): string | undefined {
  const name = (item as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** remainingItemCount when it is a count at all; a negative or fractional one (seen from mocks) means unknown. */
function itemCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
