import type { SecureContext } from 'node:tls';
import type WebSocketClass from 'ws';
import { FlightctlError, formatSeconds, isTlsError, networkError, tlsError } from './errors.js';
import { resourceName } from './names.js';

/** The only subprotocol the agent speaks (Kubernetes remotecommand v5 channel framing). */
export const CONSOLE_SUBPROTOCOL = 'v5.channel.k8s.io';
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
export const MAX_COMMAND_TIMEOUT_MS = 300_000;
/** The server itself gives up on the agent after a minute (504); wait a little longer than that. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 75_000;
export const MAX_OUTPUT_BYTES = 256 * 1024;
/** After the exit status arrives, output still in flight gets this long before the answer is final (and the socket is closed by us). */
export const STATUS_GRACE_MS = 1_000;
/** Most of an error page read when the console handshake is refused. */
const MAX_HANDSHAKE_BODY_BYTES = 64 * 1024;

const STREAM = { stdin: 0, stdout: 1, stderr: 2, status: 3, close: 255 } as const;

export interface ConsoleRequest {
  apiUrl: string;
  device: string;
  orgId: string | undefined;
  bearer: string | undefined;
  tls: { rejectUnauthorized: boolean; secureContext?: SecureContext };
  command: string;
  timeoutMs?: number;
  handshakeTimeoutMs?: number;
  maxOutputBytes?: number;
  /** How long to wait for the server to close after the status frame (default STATUS_GRACE_MS). */
  statusGraceMs?: number;
  signal?: AbortSignal;
}

export interface ConsoleResult {
  /** Remote exit code; null when the command timed out before reporting one. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Output beyond the cap was dropped (the command still ran to the end). */
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/**
 * The console URL sits at the server root (not under /api/v1). The portable form runs
 * `/bin/bash -s` and feeds the command on stdin: agents ≤ 1.0 wrap the command in
 * `bash -c`, agents ≥ 1.1 exec it without a shell; a script on stdin behaves the same on both.
 */
export function consoleUrl(apiUrl: string, device: string, orgId: string | undefined): string {
  // encodeURIComponent leaves "." and ".." as they are: a path segment, not a device, unless it is a name.
  const url = new URL(`${apiUrl}/ws/v1/devices/${encodeURIComponent(resourceName('device', device))}/console`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const metadata = {
    term: 'xterm-256color',
    initialDimensions: { Width: 120, Height: 40 },
    command: { command: '/bin/bash', args: ['-s'] },
    tty: false,
  };
  url.searchParams.set('metadata', JSON.stringify(metadata));
  if (orgId) url.searchParams.set('org_id', orgId);
  return url.toString();
}

/** Runs one command on a device over the WebSocket console and collects exit code, stdout and stderr. */
export async function execOnDevice(req: ConsoleRequest): Promise<ConsoleResult> {
  if (req.signal?.aborted) throw req.signal.reason;
  // ws loads on the first console command only: other commands and tools never need it.
  const { default: WebSocket } = await import('ws');
  return runOnConsole(req, WebSocket);
}

function runOnConsole(req: ConsoleRequest, WebSocket: typeof WebSocketClass): Promise<ConsoleResult> {
  const timeoutMs = Math.min(req.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, MAX_COMMAND_TIMEOUT_MS);
  const handshakeMs = req.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const cap = req.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  const url = consoleUrl(req.apiUrl, req.device, req.orgId);
  const started = Date.now();
  if (req.signal?.aborted) return Promise.reject(req.signal.reason);

  return new Promise<ConsoleResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let exitCode: number | null = null;
    let statusSeen = false;
    let timedOut = false;
    let settled = false;
    let commandTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    const ws = new WebSocket(url, [CONSOLE_SUBPROTOCOL], {
      headers: req.bearer ? { authorization: `Bearer ${req.bearer}` } : {},
      handshakeTimeout: handshakeMs,
      rejectUnauthorized: req.tls.rejectUnauthorized,
      ...(req.tls.secureContext ? { secureContext: req.tls.secureContext } : {}),
      maxPayload: 16 * 1024 * 1024,
      perMessageDeflate: false,
    });

    const done = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(commandTimer);
      clearTimeout(graceTimer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) {
        ws.terminate();
        reject(err);
        return;
      }
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        truncated,
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    const onAbort = () => done(req.signal?.reason instanceof Error ? req.signal.reason : new Error('cancelled'));
    req.signal?.addEventListener('abort', onAbort, { once: true });

    ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (c: Buffer) => {
        if (size >= MAX_HANDSHAKE_BODY_BYTES) return;
        chunks.push(c);
        size += c.length;
      });
      response.on('end', () => done(handshakeError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), req.device)));
      response.on('error', () => done(handshakeError(response.statusCode ?? 0, '', req.device)));
    });

    ws.on('error', (err) => {
      if (settled) return;
      if (/handshake has timed out/i.test(err.message)) {
        done(new FlightctlError('timeout', `The console to device "${req.device}" did not open within ${formatSeconds(handshakeMs)}; the device agent may be offline. Check get_device (status, last seen) and try again.`));
      } else if (isTlsError(err)) done(tlsError(err, req.apiUrl));
      else done(networkError(err, req.apiUrl));
    });

    ws.on('open', () => {
      if (ws.protocol !== CONSOLE_SUBPROTOCOL) {
        done(new FlightctlError('console', `The Flight Control console did not accept the ${CONSOLE_SUBPROTOCOL} protocol (it chose "${ws.protocol || 'none'}"); the server may be too old for remote commands.`));
        return;
      }
      commandTimer = setTimeout(() => {
        timedOut = true;
        // The session ends on our side; the agent kills the process when the stream closes.
        ws.terminate();
        done(null);
      }, timeoutMs);
      const script = req.command.endsWith('\n') ? req.command : `${req.command}\n`;
      ws.send(Buffer.concat([Buffer.from([STREAM.stdin]), Buffer.from(script, 'utf8')]));
      // v5 CLOSE of stdin: bash sees end of input and exits after the script.
      ws.send(Buffer.from([STREAM.close, STREAM.stdin]));
    });

    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      // The protocol is binary only; text frames are dropped as the agent does.
      if (!isBinary) return;
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (buf.length === 0) return;
      const stream = buf[0];
      const payload = buf.subarray(1);
      if (stream === STREAM.stdout || stream === STREAM.stderr) {
        const room = cap - kept;
        if (payload.length > room) truncated = true;
        const take = room > 0 ? payload.subarray(0, room) : null;
        if (take?.length) {
          kept += take.length;
          (stream === STREAM.stdout ? stdout : stderr).push(Buffer.from(take));
        }
      } else if (stream === STREAM.status) {
        statusSeen = true;
        exitCode = exitCodeFromStatus(payload.toString('utf8'));
        // The server normally closes right after the status; one that keeps the socket open must not
        // turn a finished command into a timeout.
        graceTimer ??= setTimeout(() => {
          done(null);
          ws.terminate();
        }, req.statusGraceMs ?? STATUS_GRACE_MS);
      }
    });

    ws.on('close', (code) => {
      if (settled) return;
      if (statusSeen) done(null);
      else
        done(
          new FlightctlError(
            'console',
            `The console to device "${req.device}" closed before the command reported an exit status (WebSocket close ${code}). The device may have disconnected; output so far: ${JSON.stringify(Buffer.concat(stdout).toString('utf8').slice(0, 500))}`,
          ),
        );
    });
  });
}

/** Success → 0; Failure → the ExitCode cause, else `code`, else 255 (the agent's "unexpected error"). */
export function exitCodeFromStatus(text: string): number {
  let status: { status?: unknown; code?: unknown; details?: { causes?: Array<{ reason?: unknown; message?: unknown }> } };
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    return 255;
  }
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const fromCause = typeof cause?.message === 'string' ? Number.parseInt(cause.message, 10) : NaN;
  if (Number.isInteger(fromCause)) return fromCause;
  if (typeof status.code === 'number' && status.code > 0) return status.code;
  return 255;
}

function handshakeError(status: number, body: string, device: string): FlightctlError {
  let serverText = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') serverText = parsed.message;
  } catch {
    serverText = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  }
  const said = serverText ? ` (server: ${serverText})` : '';
  switch (status) {
    case 404:
      return new FlightctlError('console', `Device "${device}" was not found, so no console could be opened${said}. Check the name with query_devices (names are long IDs; aliases are labels).`, { status });
    case 409:
      return new FlightctlError('console', `Device "${device}" cannot take a console session right now: it is decommissioned, awaiting reconnect or conflict-paused${said}. Check get_device for its status.`, { status });
    case 504:
      return new FlightctlError('console', `The agent on device "${device}" did not pick up the console session within the server's one-minute wait${said}; the device is probably offline or not connected. Check get_device (status, last seen).`, { status });
    case 401:
      return new FlightctlError('unauthorized', `Flight Control rejected the token when opening the console${said}; sign in again.`, { status });
    case 403:
      return new FlightctlError('console', `Your account may not open consoles on device "${device}" (permission devices/console)${said}.`, { status });
    case 400:
      return new FlightctlError('console', `Flight Control refused the console request${said}.`, { status });
    default:
      return new FlightctlError('console', `Opening the console to device "${device}" failed with HTTP ${status}${said}.`, { status });
  }
}
