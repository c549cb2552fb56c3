import type { IncomingMessage } from 'node:http';
import { MAX_JSON_DEPTH, parseJsonLimited, readRequestBody, RequestBodyError } from '../http/limits.js';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A body the endpoint refuses: the HTTP status and the JSON-RPC error code of the answer. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

const RPC_CODES = { 'too-large': -32600, timeout: -32000, 'too-deep': -32700 } as const;

export interface JsonBodyOptions {
  /** The body must have arrived within this long (408 otherwise). */
  timeoutMs?: number;
  maxDepth?: number;
}

/**
 * Read and parse a JSON-RPC body: over the cap is 413, slower than the deadline 408, nested deeper
 * than the depth limit or not JSON at all is 400 with a parse error (-32700).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number, options: JsonBodyOptions = {}): Promise<unknown> {
  try {
    const body = await readRequestBody(req, { maxBytes, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    return parseJsonLimited(body, options.maxDepth ?? MAX_JSON_DEPTH);
  } catch (err) {
    if (err instanceof RequestBodyError) throw new BodyError(err.status, RPC_CODES[err.problem], err.message);
    if (err instanceof SyntaxError) throw new BodyError(400, -32700, 'Parse error: the body is not valid JSON');
    throw err;
  }
}
