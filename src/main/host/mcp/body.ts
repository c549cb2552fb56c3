import type { IncomingMessage } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Read and parse a JSON body, refusing anything over the cap before buffering it. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, -32700, 'Parse error: the body is not valid JSON');
  }
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, -32600, `Payload too large: requests are limited to ${Math.round(maxBytes / 1024 / 1024)} MiB`);
}
