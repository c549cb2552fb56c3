import type { IncomingMessage } from 'node:http';

/** The one scope Tarmac grants: use of its MCP tools at this endpoint. */
export const MCP_SCOPE = 'mcp';
export const PRM_PATH = '/.well-known/oauth-protected-resource';
export const RESOURCE_PATH = '/mcp';

/** Host names under which a loopback client may know this server (as the endpoint's Host check). */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The URLs of Tarmac as a protected resource and as an authorization server. The issuer is one
 * canonical origin (tokens and metadata name it); the resource may be named with any loopback
 * host the client used to reach /mcp, and every form is the same resource.
 */
export class AuthUrls {
  readonly #origin: () => string;

  /** origin: the endpoint's own origin, e.g. http://127.0.0.1:8276, read when first needed (port 0 binds late). */
  constructor(origin: () => string) {
    this.#origin = origin;
  }

  get issuer(): string {
    return this.#origin();
  }

  /** The canonical resource identifier: the audience of every access token. */
  get resource(): string {
    return `${this.issuer}${RESOURCE_PATH}`;
  }

  /** Every spelling of the resource a loopback client may send (RFC 8707 `resource`). */
  isResource(value: string): boolean {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    const port = new URL(this.issuer).port;
    const path = url.pathname.replace(/\/$/, '');
    return (
      url.protocol === 'http:' && url.port === port && LOOPBACK_HOSTS.includes(url.hostname) && path === RESOURCE_PATH && !url.search && !url.hash
    );
  }

  /** This server's origin as the client named it (the Host header was checked before this runs). */
  requestOrigin(req: IncomingMessage): string {
    const host = req.headers.host;
    return host ? `http://${host.toLowerCase()}` : this.issuer;
  }

  /** RFC 9728 metadata URL for the /mcp resource, as the client reached it. */
  resourceMetadataUrl(req: IncomingMessage): string {
    return `${this.requestOrigin(req)}${PRM_PATH}${RESOURCE_PATH}`;
  }

  /** RFC 9728 protected-resource metadata, naming the resource the way the client reached it. */
  protectedResourceMetadata(req: IncomingMessage): Record<string, unknown> {
    return {
      resource: `${this.requestOrigin(req)}${RESOURCE_PATH}`,
      authorization_servers: [this.issuer],
      scopes_supported: [MCP_SCOPE],
      bearer_methods_supported: ['header'],
      resource_name: "Tarmac (Fly.io and Flight Control tools)",
    };
  }

  /** The WWW-Authenticate value of a 401 (RFC 6750 + RFC 9728 resource_metadata). */
  challenge(req: IncomingMessage, hadToken: boolean): string {
    const parts = [`Bearer realm="tarmac"`, `resource_metadata="${this.resourceMetadataUrl(req)}"`, `scope="${MCP_SCOPE}"`];
    if (hadToken) parts.push('error="invalid_token"');
    return parts.join(', ');
  }
}

/** Is a redirect URI one Tarmac sends codes to: http on a loopback address (any port) or https. */
export function redirectUriAllowed(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
}

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
  } catch {
    return false;
  }
}
