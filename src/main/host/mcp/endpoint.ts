import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NodeMcpRequestHandler, NodeStreamableHTTPServerTransport, StreamableHTTPServerTransportOptions } from '@modelcontextprotocol/node';
import type { AuthInfo, McpHttpHandler, McpServer, ServerNotifier } from '@modelcontextprotocol/server';
import type { SSEServerTransport } from '@modelcontextprotocol/server-legacy/sse';
import type * as SdkNode from '@modelcontextprotocol/node';
import type * as SdkServer from '@modelcontextprotocol/server';
import type * as SdkSse from '@modelcontextprotocol/server-legacy/sse';
import { createLimitedServer, DEFAULT_HTTP_LIMITS, idleLimitApplies, type HttpLimits } from '../http/limits.js';
import type { Logger } from '../log.js';
import { KEYCHAIN_RETRY_AFTER_SECONDS, KeychainUnavailableError } from '../secrets.js';
import { BodyError, DEFAULT_MAX_BODY_BYTES, readJsonBody } from './body.js';
import { ClientActivity } from './client-activity.js';
import { isLegacyPost } from './era.js';
import { bearerToken, checkHost, checkOrigin, isJsonContentType, unauthorized, type GateRejection, type Unauthorized } from './gate.js';

import { DEFAULT_PORT } from '../defaults.js';
export { DEFAULT_PORT };
export const DEFAULT_MAX_SESSIONS = 64;
/** One client (a restart loop, a leak) cannot take every session from the others. */
export const DEFAULT_MAX_SESSIONS_PER_CLIENT = 32;
/** A session idle for less than this is never closed to make room: it may be mid-handshake or between calls. */
export const DEFAULT_EVICTABLE_AFTER_MS = 60_000;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
const LOOPBACK_BIND = new Set(['127.0.0.1', '::1', 'localhost']);

export type Authenticate = (token: string) => Promise<string | null>;

/**
 * Routes the endpoint does not own (OAuth metadata, /authorize, /token, /register), tried before
 * the gate. Resolves true when it answered the request; false hands it on to the endpoint.
 */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export interface EndpointOptions {
  port?: number;
  /** Only loopback addresses are accepted. */
  bindHost?: string;
  /** Maps a bearer token to a client name. null switches authentication off: conformance fixture only. */
  authenticate: Authenticate | null;
  /** Answers for paths outside the MCP endpoint (see ExtraRoutes); runs before Host/Origin/bearer checks. */
  routes?: ExtraRoutes;
  /** The 401 answer's headers (WWW-Authenticate); the default names the realm only. */
  unauthorizedHeaders?: Unauthorized;
  /** A new McpServer for one session (or one modern request) of one client. */
  /**
   * `tool`: the request is a call of this tool and nothing else (a 2026-07-28 request): a server
   * holding only it will do, if the catalogue has it.
   */
  createServer(client: string, tool?: string): McpServer | Promise<McpServer>;
  log: Logger;
  maxSessions?: number;
  maxSessionsPerClient?: number;
  /** How long a session must have been idle before it may be closed to make room for another. */
  evictableAfterMs?: number;
  idleMs?: number;
  maxBodyBytes?: number;
  /** Header, body and idle-connection time limits (tests use short ones); see http/limits.ts. */
  httpLimits?: Partial<HttpLimits>;
  /**
   * Extra transport options (event store, retry interval) for fixtures that need them. A function is
   * called once per session: give each session its own event store, since the SDK names every
   * session's standalone GET stream "_GET_stream" and a shared store would replay across sessions.
   */
  transportOptions?: TransportExtras | (() => TransportExtras);
  /** Told whenever a session opens or closes (the window shows sessions per client). */
  onSessionsChange?: () => void;
  /** A 2025-era session ended (closed by the client, reaped, evicted or revoked): how long it lasted. */
  onSessionEnd?: (info: { transport: 'tcp'; protocolVersion: string | undefined; durationMs: number }) => void;
  /** Told when clients' requests start and end (at most once per `clientActivityNotifyMs`): the Overview's "active now". */
  onClientActivity?: () => void;
  clientActivityNotifyMs?: number;
}

export type TransportExtras = Pick<StreamableHTTPServerTransportOptions, 'eventStore' | 'retryInterval'>;

export class BindError extends Error {
  override readonly name = 'BindError';
}

interface Session {
  id: string;
  client: string;
  kind: 'streamable' | 'sse';
  transport: NodeStreamableHTTPServerTransport | SSEServerTransport;
  server: McpServer;
  lastSeen: number;
  /** When it opened (ms since the epoch), for its duration once it ends. */
  opened: number;
  /** Open requests and streams; a session with any is not idle. */
  open: number;
  /**
   * Legacy HTTP+SSE: ids of requests posted and not answered yet. Its stream is the session itself,
   * not activity: the session is busy while a request waits for its answer, idle otherwise.
   */
  pending?: Set<string | number>;
}

export interface SessionInfo {
  id: string;
  client: string;
  kind: Session['kind'];
  idleMs: number;
}

/** One client as the endpoint sees it now: its sessions, its requests in flight and streams open, its last request. */
export interface ClientActivityInfo {
  client: string;
  sessions: number;
  inFlight: number;
  streams: number;
  /** Epoch ms of its last request; null when none is known (a revoked client's sessions still closing). */
  lastRequestAt: number | null;
}

/**
 * The MCP endpoint on loopback: Streamable HTTP at /mcp for both protocol eras, and legacy
 * HTTP+SSE at /sse + /messages. Every request passes the gate (Host, Origin, bearer token,
 * content type, body size) before the SDK sees it. Modern (2026-07-28) requests are stateless:
 * each gets a fresh McpServer for its client. Legacy (2025-era) clients get sessions, each with
 * its own McpServer and transport and bound to one client.
 */
export class McpEndpoint {
  readonly #o: EndpointOptions;
  readonly #sessions = new Map<string, Session>();
  /** The SDK and the modern handler, loaded by the first MCP request: an idle server does without them. */
  #sdk: Promise<Sdk> | undefined;
  #modern: McpHttpHandler | undefined;
  #modernNode: NodeMcpRequestHandler | undefined;
  /** Responses of modern requests still open, per client: a revoked client's are cut at once. */
  readonly #modernOpen = new Map<string, Set<ServerResponse>>();
  readonly #http: Server;
  readonly #activity: ClientActivity;
  #port: number;
  #reaper: NodeJS.Timeout | undefined;

  constructor(options: EndpointOptions) {
    const bindHost = options.bindHost ?? '127.0.0.1';
    if (!LOOPBACK_BIND.has(bindHost)) {
      throw new BindError(`Refusing to listen on ${bindHost}: Tarmac only binds to a loopback address (127.0.0.1 or ::1)`);
    }
    this.#o = { ...options, bindHost };
    this.#port = options.port ?? DEFAULT_PORT;
    this.#activity = new ClientActivity({
      ...(options.onClientActivity ? { onChange: options.onClientActivity } : {}),
      ...(options.clientActivityNotifyMs !== undefined ? { notifyMs: options.clientActivityNotifyMs } : {}),
    });

    this.#http = createLimitedServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'request failed');
        if (!res.headersSent) sendError(res, 500, -32603, 'Internal error');
        else res.end();
      });
    }, options.httpLimits);
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    const host = this.#o.bindHost === '::1' ? '[::1]' : '127.0.0.1';
    return `http://${host}:${this.#port}/mcp`;
  }

  /** Tells modern clients listening on subscriptions/listen that the tool (or prompt) list changed. */
  get notify(): ServerNotifier {
    // Before the first MCP request nobody can be listening: nothing to tell.
    const modern = () => this.#modern?.notify;
    return {
      toolsChanged: () => modern()?.toolsChanged(),
      promptsChanged: () => modern()?.promptsChanged(),
      resourcesChanged: () => modern()?.resourcesChanged(),
      resourceUpdated: (uri) => modern()?.resourceUpdated(uri),
    };
  }

  /** Loads the SDK once; the modern (2026-07-28) handler is built with it. */
  #loadSdk(): Promise<Sdk> {
    return (this.#sdk ??= loadSdk().then((sdk) => {
      const maxRequestBodySize = this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      // Legacy traffic is routed to the sessionful wiring below before it reaches this handler.
      this.#modern = sdk.server.createMcpHandler((ctx) => this.#o.createServer(ctx.authInfo?.clientId ?? 'anonymous', calledTool(ctx.authInfo)), {
        legacy: 'reject',
        onerror: (err) => this.#o.log.debug({ err: err.message }, 'modern request rejected'),
        maxRequestBodySize,
      });
      this.#modernNode = sdk.node.toNodeHandler(this.#modern, { maxRequestBodySize });
      return sdk;
    }));
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  sessions(): SessionInfo[] {
    const now = Date.now();
    return [...this.#sessions.values()].map((s) => ({ id: s.id, client: s.client, kind: s.kind, idleMs: now - s.lastSeen }));
  }

  /** Every client with a session, a request or a stream since this endpoint started. */
  clientActivity(): ClientActivityInfo[] {
    const sessions = new Map<string, number>();
    for (const s of this.#sessions.values()) sessions.set(s.client, (sessions.get(s.client) ?? 0) + 1);
    const names = new Set([...sessions.keys(), ...this.#activity.clients()]);
    return [...names].map((client) => ({
      client,
      sessions: sessions.get(client) ?? 0,
      inFlight: this.#activity.open(client, 'call'),
      streams: this.#activity.open(client, 'stream'),
      lastRequestAt: this.#activity.lastRequest(client),
    }));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.#http.off('listening', onListening);
        if (err.code === 'EADDRINUSE') {
          reject(new BindError(`Port ${this.#port} on ${this.#o.bindHost} is already in use (is Tarmac already running?). Stop the other process or choose another port with --port.`));
        } else if (err.code === 'EACCES') {
          reject(new BindError(`Not allowed to listen on port ${this.#port}; choose a port above 1023 with --port.`));
        } else reject(err);
      };
      const onListening = () => {
        this.#http.off('error', onError);
        resolve();
      };
      this.#http.once('error', onError);
      this.#http.once('listening', onListening);
      this.#http.listen(this.#port, this.#o.bindHost === 'localhost' ? '127.0.0.1' : this.#o.bindHost);
    });
    const address = this.#http.address();
    if (address && typeof address === 'object') this.#port = address.port;
    const idleMs = this.#o.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.#reaper = setInterval(() => this.reapIdle(), Math.max(1_000, Math.min(idleMs / 4, 60_000)));
    this.#reaper.unref();
    return this.#port;
  }

  /** Close sessions idle longer than the limit; returns how many were closed. */
  reapIdle(now = Date.now()): number {
    const idleMs = this.#o.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    let closed = 0;
    for (const session of this.#sessions.values()) {
      if (session.open === 0 && now - session.lastSeen >= idleMs) {
        this.#o.log.info({ session: session.id, client: session.client }, 'closing idle session');
        void this.#closeSession(session);
        closed++;
      }
    }
    return closed;
  }

  async close(): Promise<void> {
    clearInterval(this.#reaper);
    this.#activity.close();
    await this.#modern?.close().catch(() => undefined);
    await Promise.allSettled([...this.#sessions.values()].map((s) => this.#closeSession(s)));
    await new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Host first for every path: a DNS-rebinding page must not reach the OAuth routes either.
    const badHost = checkHost(req, this.#port);
    if (badHost) return reject(res, badHost);
    if (this.#o.routes && !OWN_PATHS.has(path) && (await this.#o.routes(req, res, path))) return;
    // Discovery documents answer without a token; one nobody serves is missing, not forbidden.
    if (path.startsWith('/.well-known/')) return sendError(res, 404, -32601, `Not found: ${path}`);
    const rejection = checkOrigin(req, this.#port);
    if (rejection) return reject(res, rejection);


    let client = 'anonymous';
    if (this.#o.authenticate) {
      const token = bearerToken(req);
      let name: string | null;
      try {
        name = token ? await this.#o.authenticate(token) : null;
      } catch (err) {
        // The keychain holding the client tokens is locked or gone: a passing state, not a server bug.
        if (!(err instanceof KeychainUnavailableError)) throw err;
        this.#o.log.warn({ err: err.message }, 'cannot check client tokens');
        return sendError(res, 503, -32000, `Service unavailable: ${err.message}`, { 'Retry-After': String(KEYCHAIN_RETRY_AFTER_SECONDS) });
      }
      if (!name) return reject(res, (this.#o.unauthorizedHeaders ?? unauthorized)(req, token !== null));
      client = name;
    }

    // Only requests that reached a place of the endpoint count; a GET is a stream the client listens on, not a request for something.
    if (OWN_PATHS.has(path)) res.once('close', this.#activity.request(client, req.method === 'GET' ? 'stream' : 'call'));
    if (path === '/mcp') return this.#streamable(req, res, client);
    if (path === '/sse') return this.#sseOpen(req, res, client);
    if (path === '/messages') return this.#ssePost(req, res, client);
    sendError(res, 404, -32601, 'Not found: the MCP endpoint is /mcp (or /sse for legacy clients)');
  }

  async #streamable(req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (!['POST', 'GET', 'DELETE'].includes(method)) {
      return sendError(res, 405, -32000, 'Method not allowed', { Allow: 'GET, POST, DELETE' });
    }
    const sessionId = header(req, 'mcp-session-id');
    let body: unknown;
    if (method === 'POST') {
      const parsed = await this.#readBody(req, res);
      if (!parsed.ok) return;
      body = parsed.body;
    }

    if (sessionId !== undefined) {
      const session = this.#sessions.get(sessionId);
      // Another client's session id is answered exactly like an unknown one.
      if (!session || session.kind !== 'streamable' || session.client !== client) {
        return sendError(res, 404, -32001, 'Session not found: initialize a new session');
      }
      // The standalone stream: closed after the idle limit without a byte (the client reconnects).
      if (method === 'GET') idleLimitApplies(res);
      return this.#track(session, res, () => (session.transport as NodeStreamableHTTPServerTransport).handleRequest(req, res, body));
    }

    const sdk = await this.#loadSdk();
    if (method === 'POST' && !isLegacyPost(sdk.server.classifyInboundRequest, req.headers, body)) return this.#serveModern(req, res, client, body);
    if (method !== 'POST' || !isInitialize(sdk, body)) {
      return sendError(res, 400, -32000, 'Bad Request: No valid session ID provided');
    }
    if (!this.#makeRoom(client)) return this.#tooMany(res);

    const server = await this.#o.createServer(client);
    let session: Session | undefined;
    const transport = new sdk.node.NodeStreamableHTTPServerTransport({
      ...(typeof this.#o.transportOptions === 'function' ? this.#o.transportOptions() : this.#o.transportOptions),
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        session = { id, client, kind: 'streamable', transport, server, lastSeen: Date.now(), opened: Date.now(), open: 0 };
        this.#addSession(session);
        this.#o.log.info({ session: id, client }, 'session opened');
      },
      onsessionclosed: (id) => {
        this.#removeSession(id);
        this.#o.log.info({ session: id, client }, 'session ended by client');
      },
    });
    transport.onclose = () => {
      this.#removeSession(transport.sessionId);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the SDK rejected leaves no session behind.
    if (!session) await server.close().catch(() => undefined);
  }

  /** A 2026-07-28 request: stateless, served by a fresh server of this client; closing the response cancels it. */
  async #serveModern(req: IncomingMessage, res: ServerResponse, client: string, body: unknown): Promise<void> {
    // A tools/call names its tool: the factory is told through the pass-through auth info.
    const tool = toolCalled(body);
    const auth: AuthInfo = { token: '', clientId: client, scopes: [], ...(tool === undefined ? {} : { extra: { [CALLED_TOOL]: tool } }) };
    let open = this.#modernOpen.get(client);
    if (!open) this.#modernOpen.set(client, (open = new Set()));
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0 && this.#modernOpen.get(client) === open) this.#modernOpen.delete(client);
    });
    await this.#modernNode!(Object.assign(req, { auth }), res, body);
  }

  /**
   * A legacy HTTP+SSE session. Its stream lasts as long as the session, so it is counted like a
   * Streamable HTTP session: toward the per-client and total caps, busy only while a posted request
   * waits for its answer, closed when idle for the idle time or to make room after a minute.
   */
  async #sseOpen(req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
    if (req.method !== 'GET') return sendError(res, 405, -32000, 'Method not allowed', { Allow: 'GET' });
    const sdk = await this.#loadSdk();
    if (!this.#makeRoom(client)) return this.#tooMany(res);
    const server = await this.#o.createServer(client);
    const transport = new sdk.sse.SSEServerTransport('/messages', res);
    const pending = new Set<string | number>();
    const session: Session = { id: transport.sessionId, client, kind: 'sse', transport, server, lastSeen: Date.now(), opened: Date.now(), open: 0, pending };
    // An answer on the stream ends a pending request; any message sent is activity.
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      const id = responseId(message);
      if (id !== undefined && pending.delete(id)) session.open = pending.size;
      session.lastSeen = Date.now();
      return send(message, options);
    };
    this.#addSession(session);
    res.on('close', () => {
      this.#removeSession(session.id);
      void server.close().catch(() => undefined);
    });
    await server.connect(transport);
  }

  async #ssePost(req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 405, -32000, 'Method not allowed', { Allow: 'POST' });
    const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId') ?? '';
    const session = this.#sessions.get(id);
    if (!session || session.kind !== 'sse' || session.client !== client) {
      return sendError(res, 404, -32001, 'Session not found: open a new /sse stream');
    }
    const parsed = await this.#readBody(req, res);
    if (!parsed.ok) return;
    session.lastSeen = Date.now();
    if (session.pending) notePosted(session.pending, parsed.body);
    session.open = session.pending?.size ?? 0;
    await (session.transport as SSEServerTransport).handlePostMessage(req, res, parsed.body);
  }

  async #readBody(req: IncomingMessage, res: ServerResponse): Promise<{ ok: true; body: unknown } | { ok: false }> {
    if (!isJsonContentType(req)) {
      sendError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      return { ok: false };
    }
    const timeoutMs = this.#o.httpLimits?.bodyTimeoutMs ?? DEFAULT_HTTP_LIMITS.bodyTimeoutMs;
    try {
      return { ok: true, body: await readJsonBody(req, this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, { timeoutMs }) };
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      const unread = err.status === 413 || err.status === 408;
      sendError(res, err.status, err.rpcCode, err.message, unread ? { Connection: 'close' } : undefined);
      // Too large: the rest flows and is dropped. Too slow: the client that trickles it is cut off.
      if (err.status === 413) req.resume();
      if (err.status === 408) res.once('finish', () => req.socket.destroy());
      return { ok: false };
    }
  }

  /** Runs a request on a session, keeping it out of the reaper's hands until the response ends. */
  async #track(session: Session, res: ServerResponse, run: () => Promise<void>): Promise<void> {
    session.open++;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.open--;
      session.lastSeen = Date.now();
    });
    await run();
  }

  get #maxSessions(): number {
    return this.#o.maxSessions ?? DEFAULT_MAX_SESSIONS;
  }

  /**
   * Room for one more session of this client. A client at its own limit gives up its least
   * recently used idle session; a full server first reaps idle sessions, then closes the least
   * recently used one that has no request or stream open and has been idle a minute. Otherwise
   * the answer is no (503), so a burst of new sessions cannot push out ones in use.
   */
  #makeRoom(client: string): boolean {
    const perClient = this.#o.maxSessionsPerClient ?? DEFAULT_MAX_SESSIONS_PER_CLIENT;
    const mine = [...this.#sessions.values()].filter((s) => s.client === client);
    if (mine.length >= perClient && !this.#evictLeastRecent(mine)) return false;
    if (this.#sessions.size < this.#maxSessions) return true;
    this.reapIdle();
    return this.#sessions.size < this.#maxSessions || this.#evictLeastRecent([...this.#sessions.values()]);
  }

  #evictLeastRecent(candidates: Session[]): boolean {
    const cutoff = Date.now() - (this.#o.evictableAfterMs ?? DEFAULT_EVICTABLE_AFTER_MS);
    const idle = candidates.filter((s) => s.open === 0 && s.lastSeen <= cutoff).sort((a, b) => a.lastSeen - b.lastSeen)[0];
    if (!idle) return false;
    this.#o.log.info({ session: idle.id, client: idle.client }, 'closing least recently used session to make room');
    void this.#closeSession(idle);
    return true;
  }

  #tooMany(res: ServerResponse): void {
    sendError(res, 503, -32000, `Too many sessions: all ${this.#maxSessions} sessions are busy; retry shortly`, { 'Retry-After': '5' });
  }

  /** Close every session of the clients that fail the test (their token was revoked). */
  closeSessionsWhere(test: (client: string) => boolean): number {
    let closed = 0;
    for (const client of this.#activity.clients()) if (test(client)) this.#activity.forget(client);
    for (const [client, open] of this.#modernOpen) {
      if (!test(client)) continue;
      for (const res of open) res.destroy();
      closed += open.size;
      this.#modernOpen.delete(client);
    }
    for (const session of this.#sessions.values()) {
      if (!test(session.client)) continue;
      this.#o.log.info({ session: session.id, client: session.client }, 'closing session of a revoked client');
      void this.#closeSession(session);
      closed++;
    }
    return closed;
  }

  /** Every session opens and closes here, so whoever watches the count hears each change once. */
  #addSession(session: Session): void {
    this.#sessions.set(session.id, session);
    this.#o.onSessionsChange?.();
  }

  #removeSession(id: string | undefined): void {
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (!session || !this.#sessions.delete(session.id)) return;
    this.#o.onSessionsChange?.();
    if (this.#o.onSessionEnd) {
      const protocolVersion = session.server.server.getNegotiatedProtocolVersion();
      this.#o.onSessionEnd({ transport: 'tcp', protocolVersion, durationMs: Date.now() - session.opened });
    }
  }

  async #closeSession(session: Session): Promise<void> {
    this.#removeSession(session.id);
    await session.transport.close().catch(() => undefined);
    await session.server.close().catch(() => undefined);
  }
}

/** Paths the endpoint answers itself; the extra routes never see them. */
const OWN_PATHS = new Set(['/mcp', '/sse', '/messages']);

interface Sdk {
  server: typeof SdkServer;
  node: typeof SdkNode;
  sse: typeof SdkSse;
}

function loadSdk(): Promise<Sdk> {
  return Promise.all([import('@modelcontextprotocol/server'), import('@modelcontextprotocol/node'), import('@modelcontextprotocol/server-legacy/sse')]).then(
    ([server, node, sse]) => ({ server, node, sse }),
  );
}

function isInitialize(sdk: Sdk, body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => sdk.server.isInitializeRequest(m)) : sdk.server.isInitializeRequest(body);
}

/** Where #serveModern leaves the name of the tool a request calls, for the server factory. */
const CALLED_TOOL = 'tarmac.calledTool';

/** The tool a single tools/call request calls; undefined for anything else. */
function toolCalled(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { method, params } = body as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' && typeof params?.name === 'string' ? params.name : undefined;
}

/**
 * Keeps a legacy session's unanswered requests: each request posted is added; a cancellation
 * removes its request, which gets no answer then.
 */
function notePosted(pending: Set<string | number>, body: unknown): void {
  for (const m of Array.isArray(body) ? body : [body]) {
    if (m === null || typeof m !== 'object') continue;
    const { id, method, params } = m as { id?: unknown; method?: unknown; params?: { requestId?: unknown } };
    if (typeof method !== 'string') continue;
    if (isId(id)) pending.add(id);
    else if (method === 'notifications/cancelled' && isId(params?.requestId)) pending.delete(params.requestId);
  }
}

function isId(v: unknown): v is string | number {
  return typeof v === 'string' || typeof v === 'number';
}

/** The id a JSON-RPC response answers; undefined for requests and notifications. */
function responseId(message: unknown): string | number | undefined {
  if (message === null || typeof message !== 'object' || 'method' in message) return undefined;
  const { id } = message as { id?: unknown };
  return isId(id) ? id : undefined;
}

function calledTool(auth: AuthInfo | undefined): string | undefined {
  const tool = auth?.extra?.[CALLED_TOOL];
  return typeof tool === 'string' ? tool : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reject(res: ServerResponse, rejection: GateRejection): void {
  sendError(res, rejection.status, -32000, rejection.message, rejection.headers);
}

function sendError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
