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

/**
 * Read and parse a JSON body, refusing anything over the cap before buffering it. Plain stream
 * events, not `for await`: the async iterator cost more than the rest of reading a small body.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // Gone while the request waited for its route or its token check: its events have fired already.
  if (req.destroyed || req.readableAborted) return Promise.reject(clientGone());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
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
      try {
        resolve(JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')) as unknown);
      } catch {
        reject(new BodyError(400, -32700, 'Parse error: the body is not valid JSON'));
      }
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
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function clientGone(): Error {
  return new Error('the client closed the connection before the request body ended');
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, -32600, `Payload too large: requests are limited to ${Math.round(maxBytes / 1024 / 1024)} MiB`);
}
