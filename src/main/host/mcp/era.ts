import type { IncomingHttpHeaders } from 'node:http';
import type { classifyInboundRequest } from '@modelcontextprotocol/server';

/** The `_meta` key whose presence claims the 2026-07-28 per-request envelope. */
const CLAIM = 'io.modelcontextprotocol/protocolVersion';

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Whether a POST with this parsed body is 2025-era traffic (sessions, initialize): the answer of
 * the SDK's isLegacyRequest, without the fetch Request it wants.
 *
 * A message other than initialize whose params carry the envelope claim is never legacy: the SDK
 * serves it on the modern path or rejects it there. That is most modern traffic, and it skips the
 * SDK's full classification, which the modern handler runs again anyway (it allocated 10 KB a
 * request). Everything else goes through the SDK's classifier, so the two cannot disagree on it;
 * test/unit/mcp-era.test.ts compares the two over the edge cases.
 */
export function isLegacyPost(classify: typeof classifyInboundRequest, headers: IncomingHttpHeaders, body: unknown): boolean {
  // isLegacyRequest's rule: a POST without a JSON body is legacy (the session path answers it).
  if (body === undefined) return true;
  if (
    isPlainObject(body) &&
    typeof body.method === 'string' &&
    body.method !== 'initialize' &&
    isPlainObject(body.params) &&
    isPlainObject(body.params._meta) &&
    CLAIM in body.params._meta
  ) {
    return false;
  }
  const joined = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return (
    classify({
      httpMethod: 'POST',
      protocolVersionHeader: joined('mcp-protocol-version'),
      mcpMethodHeader: joined('mcp-method'),
      mcpNameHeader: joined('mcp-name'),
      body,
    }).kind === 'legacy'
  );
}
