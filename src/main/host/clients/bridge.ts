import type { Readable, Writable } from 'node:stream';
import {
  PROTOCOL_VERSION_META_KEY,
  SdkHttpError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

export interface BridgeOptions {
  input: Readable;
  output: Writable;
  /** The endpoint to reach, looked up on every (re)connection: Tarmac may have moved port. */
  resolveUrl(): Promise<string>;
  /** This client's token, from the keychain; null when it has none. */
  token(): Promise<string | null>;
  clientId: string;
  version: string;
  log?(message: string): void;
}

/** JSON-RPC error code for "Tarmac cannot be reached or refused us" (implementation-defined server error range). */
export const BRIDGE_ERROR = -32000;

class BridgeFailure extends Error {
  constructor(
    message: string,
    /** The session is gone (Tarmac restarted): a new one may work. */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/** A started transport to Tarmac and the URL it was made for. */
interface Connection {
  transport: StreamableHTTPClientTransport;
  url: string;
}

interface Upstream {
  transport: StreamableHTTPClientTransport;
  generation: number;
}

/**
 * `tarmac bridge`: stdio on one side, Tarmac's Streamable HTTP endpoint on the other, relaying raw
 * JSON-RPC both ways (requests, responses, notifications, progress, cancellation) without reading
 * more of them than it must. It remembers the client's initialize request so that when Tarmac
 * restarts it opens a new session on its own and carries on; requests that were running in the
 * old session get an error saying so. When Tarmac is not running it still answers initialize, and
 * answers each request with an error that says to start Tarmac, instead of exiting.
 *
 * A 2026-07-28 client (server/discover, every request carrying its protocol envelope) needs no
 * session: its requests go out statelessly, one POST each (the SDK's transport derives the
 * protocol headers from the body), and its cancellation closes that request's response, which is
 * how the 2026-07-28 HTTP binding cancels.
 */
export async function runBridge(options: BridgeOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const stdio = new StdioServerTransport(options.input, options.output);
  let initRequest: JSONRPCRequest | null = null;
  let upstream: Upstream | null = null;
  let connecting: Promise<Upstream> | null = null;
  let generation = 0;
  let answeredLocally = false;
  let closed = false;
  /** Requests sent upstream and not answered yet, with the session they went to. */
  const pending = new Map<RequestId, number>();
  /** Our own initialize requests (replays after a restart): answered to us, not to the client. */
  const internal = new Map<RequestId, (message: JSONRPCMessage) => void>();
  let internalId = 0;
  /** The stateless transport for 2026-07-28 requests (made on the first one). */
  let modern: Promise<Connection> | null = null;
  /** 2026-07-28 requests not answered yet: aborting one closes its response, which cancels it. */
  const modernCalls = new Map<RequestId, AbortController>();

  const toClient = (message: JSONRPCMessage) => {
    if (!closed) stdio.send(message).catch((err: unknown) => log(`writing to the client failed: ${String(err)}`));
  };
  const errorTo = (id: RequestId, message: string) => toClient({ jsonrpc: '2.0', id, error: { code: BRIDGE_ERROR, message } });

  /**
   * A started transport to Tarmac's endpoint as it is now: the URL looked up again and this
   * client's token from the keychain. Restarts are handled by the caller (a new session, or a new
   * stateless transport), so the SDK makes no retry loops against a stopped Tarmac.
   */
  async function connect(onmessage: (message: JSONRPCMessage, transport: StreamableHTTPClientTransport) => void): Promise<Connection> {
    const url = await options.resolveUrl();
    const token = await options.token();
    if (!token) throw noToken(options.clientId);
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
    });
    transport.onerror = (err) => log(`Tarmac stream: ${err.message}`);
    transport.onmessage = (message) => onmessage(message, transport);
    await transport.start();
    return { transport, url };
  }

  async function open(init: JSONRPCRequest, forward: boolean): Promise<Upstream> {
    const { transport, url } = await connect((message, transport) => {
      if ('id' in message && message.id !== undefined && !('method' in message)) {
        const own = internal.get(message.id);
        if (own) {
          internal.delete(message.id);
          own(message);
          return;
        }
        pending.delete(message.id);
        if (initRequest && message.id === initRequest.id && 'result' in message) setVersion(transport, message.result);
      }
      toClient(message);
    });
    const up: Upstream = { transport, generation: ++generation };
    const target = forward ? url : `${url} (again)`;
    try {
      if (forward) {
        await transport.send(init);
      } else {
        const id = `tarmac-bridge-init-${++internalId}`;
        const answered = new Promise<JSONRPCMessage>((resolve) => internal.set(id, resolve));
        await transport.send({ ...init, id });
        const reply = await answered;
        if ('error' in reply) throw new BridgeFailure(`Tarmac refused to start a session: ${reply.error.message}`, false);
        if ('result' in reply) setVersion(transport, reply.result);
        await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      }
    } catch (err) {
      await transport.close().catch(() => undefined);
      throw describe(err, target);
    }
    log(`connected to ${url} (session ${transport.sessionId ?? 'none'})`);
    return up;
  }

  /** The live session, opening a new one (single flight) when there is none. */
  async function live(): Promise<Upstream> {
    if (upstream) return upstream;
    if (!initRequest) throw new BridgeFailure('the client has not sent initialize yet', false);
    connecting ??= open(initRequest, false)
      .then((up) => {
        upstream = up;
        // Requests that were running in the previous session will never be answered there.
        for (const [id, gen] of pending) {
          if (gen !== up.generation) {
            pending.delete(id);
            errorTo(id, 'Tarmac restarted while this request was running: send it again');
          }
        }
        if (answeredLocally) {
          answeredLocally = false;
          // The tools exist now: a client that saw none asks again.
          toClient({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
        }
        return up;
      })
      .finally(() => (connecting = null));
    return connecting;
  }

  async function drop(up: Upstream): Promise<void> {
    if (upstream === up) upstream = null;
    await up.transport.close().catch(() => undefined);
  }

  async function relay(message: JSONRPCMessage, retried = false): Promise<void> {
    const isRequest = 'method' in message && 'id' in message && message.id !== undefined;
    let up: Upstream;
    try {
      up = await live();
    } catch (err) {
      if (isRequest) errorTo(message.id, failureText(err));
      return;
    }
    if (isRequest) pending.set(message.id, up.generation);
    try {
      await up.transport.send(message);
    } catch (err) {
      const failure = describe(err, 'Tarmac');
      if (failure.retry && !retried) {
        await drop(up);
        if (isRequest) pending.delete(message.id);
        return relay(message, true);
      }
      if (isRequest) {
        pending.delete(message.id);
        errorTo(message.id, failure.message);
      }
    }
  }

  /**
   * The transport for 2026-07-28 requests, made by the first one (single flight). It holds no
   * session, so after any failure it is simply made again: with the URL and token as they are then.
   */
  function modernUpstream(): Promise<Connection> {
    // An answer reaches the client, and its request is no longer running.
    modern ??= connect((message) => {
      if ('id' in message && message.id !== undefined && !('method' in message)) modernCalls.delete(message.id);
      toClient(message);
    });
    return modern;
  }

  /** A 2026-07-28 message: requests go out on their own, notifications alongside. */
  async function relayModern(message: JSONRPCMessage): Promise<void> {
    const id = 'method' in message && 'id' in message && message.id !== undefined ? message.id : undefined;
    const controller = new AbortController();
    if (id !== undefined) modernCalls.set(id, controller);
    const attempt = modernUpstream();
    let target = 'Tarmac';
    try {
      const up = await attempt;
      target = up.url;
      await up.transport.send(message, {
        requestSignal: controller.signal,
        // The answer streams in after send() returns; a stream that ends without one (Tarmac
        // stopped mid-call, the connection dropped) must still answer the client.
        onRequestStreamEnd: () => {
          if (id !== undefined && modernCalls.delete(id)) errorTo(id, 'Tarmac stopped answering while this request was running: send it again');
        },
      });
    } catch (err) {
      if (controller.signal.aborted) return;
      const failure = describe(err, target);
      // Tarmac stopped, moved port or refused the token: look again next time. Not for a failure
      // of this request alone (413, 415, 503): other requests are still streaming on the
      // transport, and it holds no session to lose, so it is never closed under them.
      if (modern === attempt && (failure.retry || isAuthFailure(err))) modern = null;
      if (id === undefined) return;
      modernCalls.delete(id);
      errorTo(id, failure.message);
    }
  }

  /** Messages are started in the order they arrive; initialize finishes before anything after it starts. */
  let queue: Promise<void> = Promise.resolve();
  stdio.onmessage = (message) => {
    queue = queue.then(async () => {
      if ('method' in message && message.method === 'initialize' && 'id' in message) {
        initRequest = message;
        if (upstream) await drop(upstream);
        try {
          upstream = await open(message, true);
        } catch (err) {
          answeredLocally = true;
          toClient({ jsonrpc: '2.0', id: message.id, result: localInitialize(message, failureText(err), options.version) });
        }
        return;
      }
      if ('method' in message && message.method === 'notifications/initialized' && !upstream) return;
      if ('method' in message && message.method === 'notifications/cancelled') {
        const running = modernCalls.get((message.params as { requestId?: RequestId } | undefined)?.requestId ?? '');
        if (running) {
          modernCalls.delete((message.params as { requestId: RequestId }).requestId);
          running.abort();
          return;
        }
      }
      if (isModern(message)) {
        void relayModern(message);
        return;
      }
      // Not awaited: a long tool call must not hold back the cancellation that follows it.
      void relay(message);
    });
  };
  stdio.onerror = (err) => log(`client stream: ${err.message}`);

  await stdio.start();
  await new Promise<void>((resolve) => {
    options.input.once('end', resolve);
    options.input.once('close', resolve);
  });
  closed = true;
  await queue.catch(() => undefined);
  const last = upstream as Upstream | null;
  if (last) {
    await last.transport.terminateSession().catch(() => undefined);
    await last.transport.close().catch(() => undefined);
  }
  for (const running of modernCalls.values()) running.abort();
  const stateless = modern as Promise<Connection> | null;
  await stateless?.then((up) => up.transport.close()).catch(() => undefined);
  await stdio.close();
}

/** A 2026-07-28 message: it carries the protocol revision in its own envelope. */
function isModern(message: JSONRPCMessage): boolean {
  if (!('method' in message)) return false;
  const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  return typeof meta?.[PROTOCOL_VERSION_META_KEY] === 'string';
}

function isAuthFailure(err: unknown): boolean {
  return err instanceof UnauthorizedError || (err instanceof SdkHttpError && err.status === 401);
}

function noToken(clientId: string): BridgeFailure {
  return new BridgeFailure(`Tarmac has no token for "${clientId}" in the keychain: run \`tarmac register ${clientId}\` (or \`tarmac repair\`), then restart this client`, false);
}

function setVersion(transport: StreamableHTTPClientTransport, result: unknown): void {
  const version = (result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  if (typeof version === 'string') transport.setProtocolVersion(version);
}

/** The answer to initialize while Tarmac cannot be reached: a session that explains itself. */
function localInitialize(request: JSONRPCRequest, why: string, version: string): Record<string, unknown> {
  const asked = (request.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  return {
    protocolVersion: typeof asked === 'string' ? asked : '2025-06-18',
    capabilities: { tools: { listChanged: true } },
    serverInfo: { name: 'tarmac', version },
    instructions: why,
  };
}

function failureText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describe(err: unknown, target: string): BridgeFailure {
  if (err instanceof BridgeFailure) return err;
  if (isAuthFailure(err)) {
    return new BridgeFailure('Tarmac refused this client\'s token (revoked?): run `tarmac repair` or register the client again in Tarmac', false);
  }
  if (err instanceof SdkHttpError) {
    // 404: the session is unknown, so Tarmac restarted (or closed an idle session).
    if (err.status === 404) return new BridgeFailure('the Tarmac session ended', true);
    return new BridgeFailure(`Tarmac answered ${err.status}: ${err.message}`, false);
  }
  const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || (err instanceof TypeError && /fetch failed/.test(err.message))) {
    return new BridgeFailure(`Tarmac is not running (nothing answers at ${target}): open the Tarmac app or run \`tarmac serve\`, then try again`, true);
  }
  return new BridgeFailure(`could not reach Tarmac at ${target}: ${failureText(err)}`, false);
}
