import type { IncomingMessage } from 'node:http';

/** Loopback names a local client may use in Host and Origin; anything else is DNS rebinding or worse. */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface GateRejection {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** Host must name this server on a loopback address: a rebinding page sends its own host name. */
export function checkHost(req: IncomingMessage, port: number): GateRejection | null {
  const host = req.headers.host?.toLowerCase() ?? '';
  const suffix = `:${port}`;
  const allowed = host.endsWith(suffix) && LOOPBACK_HOSTNAMES.has(host.slice(0, -suffix.length));
  return allowed ? null : { status: 403, message: 'Forbidden: Host header must be a loopback address with this port' };
}

/**
 * An Origin, when a browser sends one, must be this server's own loopback origin: a page served
 * from another local port (any dev server) is as foreign as a web site. Requests without an
 * Origin come from non-browser clients.
 */
export function checkOrigin(req: IncomingMessage, port: number): GateRejection | null {
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(url.hostname) && url.port === String(port)) return null;
  } catch {
    // Unparsable (including "null") falls through to the rejection.
  }
  return { status: 403, message: "Forbidden: Origin is not this server's own loopback origin" };
}

/** The bearer token from the Authorization header. Tokens in the query string are never read. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Builds the 401 answer; the OAuth module supplies one naming its resource metadata. */
export type Unauthorized = (req: IncomingMessage, hadToken: boolean) => GateRejection;

/** The 401 answer; `challenge` replaces the WWW-Authenticate value (OAuth names its resource metadata). */
export function unauthorized(req: IncomingMessage, hadToken: boolean, challenge?: string): GateRejection {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const inQuery = ['token', 'access_token', 'auth'].some((k) => url.searchParams.has(k));
  const message = inQuery
    ? 'Unauthorized: send the token in an "Authorization: Bearer" header; tokens in the URL are refused'
    : hadToken
      ? 'Unauthorized: the bearer token is not valid (it may have been revoked)'
      : 'Unauthorized: an "Authorization: Bearer <token>" header is required: sign in with OAuth, or create a token with `tarmac token create <client>`';
  return {
    status: 401,
    message,
    headers: { 'WWW-Authenticate': challenge ?? (hadToken ? 'Bearer realm="tarmac", error="invalid_token"' : 'Bearer realm="tarmac"') },
  };
}

/** True when the Content-Type's media type is application/json (parameters such as charset allowed). */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  return type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}
