/**
 * The time, size and depth limits every request to Tarmac's HTTP servers passes (the MCP endpoint
 * and browser mode share them): headers must arrive within `headersTimeoutMs`, a body within
 * `bodyTimeoutMs`, a connection with no byte either way for `idleTimeoutMs` is closed, and a JSON
 * body nested deeper than MAX_JSON_DEPTH is refused before JSON.parse (or anything recursing over
 * the parsed value) sees it.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpLimits {
  /** Time for a request's headers to arrive (slow-loris). */
  headersTimeoutMs: number;
  /** Time for its body to arrive once Tarmac reads it; Node's own request timeout is headers + body. */
  bodyTimeoutMs: number;
  /**
   * A connection with no byte in either direction for this long is closed: a keep-alive socket, a
   * long-lived stream (SSE) nothing was sent on. Never one whose request Tarmac is still answering
   * (a tool call waiting for a person or for flyctl): those have their own timeouts.
   */
  idleTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, bodyTimeoutMs: 30_000, idleTimeoutMs: 10 * 60_000 };

/** Deeper JSON is no request Tarmac serves; it only makes recursion over the parsed value throw. */
export const MAX_JSON_DEPTH = 64;

/** Sockets whose response Tarmac is still working on (the idle limit spares them). */
const BUSY = Symbol('tarmac.busy');
type TrackedSocket = Socket & { [BUSY]?: boolean };

/**
 * A node:http server with the limits applied. Node checks the headers and request deadlines
 * every `connectionsCheckingInterval`, so that follows the shorter limit (tests use short ones).
 */
export function createLimitedServer(handler: RequestListener, limits: Partial<HttpLimits> = {}): Server {
  const l = { ...DEFAULT_HTTP_LIMITS, ...limits };
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      // From the first byte of the request to the last of its body.
      requestTimeout: l.headersTimeoutMs + l.bodyTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(Math.min(l.headersTimeoutMs, l.bodyTimeoutMs) / 4))),
    },
    (req, res) => {
      const socket = req.socket as TrackedSocket;
      socket[BUSY] = true;
      res.once('close', () => (socket[BUSY] = false));
      handler(req, res);
    },
  );
  server.setTimeout(l.idleTimeoutMs, (socket: TrackedSocket) => {
    // A request being answered is not idle: the server is the one still working.
    if (!socket[BUSY]) socket.destroy();
  });
  return server;
}

/**
 * This response is a long-lived stream (SSE): from now on the idle limit applies to it, so a
 * stream nothing was sent on for that long is closed. Activity keeps it open for any length.
 */
export function idleLimitApplies(res: ServerResponse): void {
  const socket = res.socket as TrackedSocket | null;
  if (socket) socket[BUSY] = false;
}

export type BodyProblem = 'too-large' | 'timeout' | 'too-deep';

/** The body could not be taken: too large, too slow, or (for JSON) nested too deep. */
export class RequestBodyError extends Error {
  constructor(
    readonly problem: BodyProblem,
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status for the answer. */
  get status(): 400 | 408 | 413 {
    return this.problem === 'too-large' ? 413 : this.problem === 'timeout' ? 408 : 400;
  }
}

export interface ReadBodyOptions {
  maxBytes: number;
  /** The whole body must have arrived by then; 0 or absent: no deadline of its own. */
  timeoutMs?: number;
}

/**
 * Read a request body, refusing anything over the cap before buffering it and anything slower
 * than the deadline. Plain stream events, not `for await`: the async iterator cost more than the
 * rest of reading a small body. On a timeout the caller answers (408) and closes the connection.
 */
export function readRequestBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes } = options;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // Gone while the request waited for its route or its token check: its events have fired already.
  if (req.destroyed || req.readableAborted) return Promise.reject(clientGone());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // The rest is left to flow and be dropped: the caller answers 413 and closes the connection.
      stop();
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // Closed before the end: the client went away mid-request.
    const onClose = () => {
      if (req.readableEnded) return;
      stop();
      reject(clientGone());
    };
    if (options.timeoutMs) {
      const seconds = Math.max(1, Math.round(options.timeoutMs / 1000));
      timer = setTimeout(() => {
        stop();
        reject(new RequestBodyError('timeout', `Request Timeout: the request body did not arrive within ${seconds} s`));
      }, options.timeoutMs);
      timer.unref();
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Parse a JSON body after a scan of its bytes for nesting deeper than `maxDepth`: V8's JSON.parse
 * copes with any depth, but whatever walks the result recursively (schema checks, stringify) would
 * throw "Maximum call stack size exceeded". Quotes, backslashes and brackets are ASCII, so the scan
 * reads UTF-8 bytes as they are. Throws RequestBodyError('too-deep') or a SyntaxError.
 */
export function parseJsonLimited(body: Buffer, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepthExceeds(body, maxDepth)) {
    throw new RequestBodyError('too-deep', `Parse error: the JSON body is nested more than ${maxDepth} levels deep`);
  }
  return JSON.parse(body.toString('utf8')) as unknown;
}

/** True when arrays and objects nest more than `maxDepth` levels anywhere in the text (strings skipped). */
export function jsonDepthExceeds(body: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  // Each level needs at least one byte: a short body cannot be too deep.
  if (body.length <= maxDepth) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function clientGone(): Error {
  return new Error('the client closed the connection before the request body ended');
}

function tooLarge(maxBytes: number): RequestBodyError {
  return new RequestBodyError('too-large', `Payload too large: requests are limited to ${formatBytes(maxBytes)}`);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${Math.round(n / 1024)} KiB`;
}
