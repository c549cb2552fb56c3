/**
 * Every failure a Flight Control tool can meet, turned into one paragraph a model (and a person)
 * can act on. Messages never carry a token: URLs we build hold no credentials, and API bodies
 * are Status objects whose text is the server's.
 */

export type FlightctlErrorKind =
  | 'api'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'unauthorized'
  | 'session-expired'
  | 'signed-out'
  | 'config'
  | 'organization'
  | 'console';

export class FlightctlError extends Error {
  override readonly name = 'FlightctlError';
  readonly kind: FlightctlErrorKind;
  /** HTTP status when the server answered. */
  readonly status: number | undefined;
  /** Status.reason from the API body, when there was one. */
  readonly reason: string | undefined;

  constructor(kind: FlightctlErrorKind, message: string, extra: { status?: number; reason?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.kind = kind;
    this.status = extra.status;
    this.reason = extra.reason;
  }
}

/** The same words from every tool and from the provider status, so a person recognises them. */
export const SESSION_EXPIRED = 'session expired, sign in again';

export function sessionExpiredError(cause?: unknown): FlightctlError {
  return new FlightctlError(
    'session-expired',
    `Flight Control ${SESSION_EXPIRED}: the identity provider no longer accepts the saved refresh token. ` +
      'Sign in to Flight Control again in Tarmac (or run `flightctl login` and restart Tarmac); the tools work again right after.',
    { cause },
  );
}

export function signedOutError(detail: string): FlightctlError {
  return new FlightctlError(
    'signed-out',
    `Flight Control is not signed in: ${detail}. Sign in to Flight Control in Tarmac, or set API_BASE_URL and REFRESH_TOKEN, ` +
      'or run `flightctl login` so Tarmac can import its client.yaml.',
  );
}

const MAX_SERVER_TEXT = 600;

interface StatusBody {
  message?: unknown;
  reason?: unknown;
  code?: unknown;
  kind?: unknown;
}

/** Turns a non-2xx answer into message + reason, from the API's Status object when the body is one. */
export function apiError(status: number, body: Buffer | string, what: string): FlightctlError {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let message: string | undefined;
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(text) as StatusBody;
    if (parsed && typeof parsed === 'object') {
      if (typeof parsed.message === 'string' && parsed.message) message = parsed.message;
      if (typeof parsed.reason === 'string' && parsed.reason) reason = parsed.reason;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep a short plain excerpt instead.
    const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    if (flat) message = flat;
  }
  message = clip(message ?? httpPhrase(status));
  const head = `Flight Control ${what} failed: ${message} (${reason ? `${reason}, ` : ''}HTTP ${status}).`;
  return new FlightctlError(status === 401 ? 'unauthorized' : 'api', `${head}${hintFor(status, reason)}`, { status, reason });
}

function hintFor(status: number, reason: string | undefined): string {
  switch (status) {
    case 400:
      return ' Check the arguments: selectors use `key=value`, `key!=value`, `key in (a,b)`; an unknown field selector is rejected with the list of supported ones.';
    case 401:
      return ' The token was not accepted; sign in to Flight Control again in Tarmac.';
    case 403:
      return reason === 'Forbidden' || !reason
        ? ' Your account lacks permission for this, or the chosen organization is not one of yours (see list_organizations).'
        : '';
    case 404:
      return ' Check the name (query tools list what exists).';
    case 406:
      return ' The server does not speak the v1beta1 API this tool uses; it may be too old or too new.';
    case 418:
      return ' Authentication is not configured on this server.';
    case 429:
      return ' The server is rate limiting; wait a little and try again.';
    case 503:
      return ' The service is unavailable right now; try again shortly.';
    default:
      return '';
  }
}

function httpPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    406: 'Not Acceptable',
    409: 'Conflict',
    418: 'Auth not configured',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return phrases[status] ?? `HTTP ${status}`;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SERVER_TEXT ? `${flat.slice(0, MAX_SERVER_TEXT)}…` : flat;
}

/** OpenSSL / Node codes that mean "we could not trust the server's certificate". */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'INVALID_CA',
]);

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTlsError(err: unknown): boolean {
  const code = errCode(err);
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) return true;
  const message = err instanceof Error ? err.message : '';
  return /certificate|self[- ]signed|SSL routines/i.test(message);
}

export function tlsError(err: unknown, url: string): FlightctlError {
  const code = errCode(err) ?? 'TLS error';
  const detail = err instanceof Error ? err.message : String(err);
  return new FlightctlError(
    'tls',
    `Certificate problem talking to ${originOf(url)}: ${code} (${clip(detail)}). The server's certificate is not trusted. ` +
      'Fix: give Tarmac the CA certificate that signed it (Tarmac settings → Flight Control → CA certificate file, ' +
      'or CA_CERT_PATH, or certificate-authority-data in flightctl client.yaml). ' +
      'Turning off certificate checks (insecure skip-verify) works too but lets anyone on the network read your token.',
    { cause: err },
  );
}

export function timeoutError(what: string, ms: number): FlightctlError {
  return new FlightctlError('timeout', `Flight Control did not answer ${what} within ${formatSeconds(ms)}; the server may be slow or unreachable. Try again, or narrow the request.`);
}

export function networkError(err: unknown, url: string): FlightctlError {
  const code = errCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const why =
    code === 'ECONNREFUSED'
      ? 'the connection was refused (is the server running and the URL right?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve (check the API URL and your network/VPN)'
        : code === 'ECONNRESET'
          ? 'the connection was reset'
          : clip(detail);
  return new FlightctlError('network', `Cannot reach Flight Control at ${originOf(url)}: ${why}.`, { cause: err });
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Scheme, host and port only: query strings are ours, but keep messages short. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the server';
  }
}
