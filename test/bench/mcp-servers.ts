// The three servers bench:mcp compares, each run in its own process so its RSS is its own.
//   raw     a node:http JSON echo: the floor
//   sdk     a bare SDK v2 server with one no-op tool, both eras the way the SDK documents it:
//           createMcpHandler for 2026-07-28, a sessionful transport for 2025-era clients
//   tarmac  Tarmac's host and endpoint with the same no-op tool, bearer tokens in the real keychain
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { createHost } from '../../src/main/host/index.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';

const mode = process.argv[2];
/** Set in tarmac mode: collects in Tarmac's worker isolates too. */
let trimWorkers: (() => Promise<void>) | undefined;
/** Quiet time before Tarmac's idle trim, short so bench:mcp can wait for it (it sets this). */
const BENCH_IDLE_TRIM_MS = Number(process.env.BENCH_IDLE_TRIM_MS ?? 2_000);

// The bench asks for a collection before reading memory, so RSS shows what is retained, not
// garbage: the memory-pressure kind ("last-resort"), the only one after which V8 (Node 24) hands
// its pooled heap pages back, the same one Tarmac's idle trim runs (src/main/host/memory-trim.ts).
// 'rss' reads memory without collecting: what Tarmac's own trim left.
process.on('message', async (msg) => {
  if (msg === 'rss') {
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ rss, heapUsed });
    return;
  }
  if (msg !== 'gc') return;
  const gc = (globalThis as { gc?: (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void }).gc;
  for (let i = 0; i < 2; i++) {
    gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    await new Promise((r) => setTimeout(r, 250));
  }
  // Tarmac's activity search index runs in a worker, an isolate the collection above does not
  // reach: it gets the same one, as Tarmac's own idle trim gives it.
  await trimWorkers?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ rss, heapUsed });
});

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function ready(url: string, token = '-'): void {
  process.stdout.write(`READY ${url} ${token}\n`);
}

if (mode === 'raw') {
  const server = createServer(async (req, res) => {
    const body = (await readBody(req)) as { id: number };
    const out = JSON.stringify({ jsonrpc: '2.0', id: body.id, result: { content: [{ type: 'text', text: 'ok' }] } });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  });
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`));
} else if (mode === 'sdk') {
  const bare = () => {
    const mcp = new McpServer({ name: 'bare', version: '1' });
    mcp.registerTool('noop', { description: 'no-op', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
    return mcp;
  };
  const modern = toNodeHandler(createMcpHandler(bare, { legacy: 'reject' }));
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const server = createServer(async (req, res) => {
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport && req.method === 'POST' && !sessionId && !isInitializeRequest(body)) return modern(req, res, body);
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) {
      const t = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void transports.set(id, t) });
      await bare().connect(t);
      transport = t;
    }
    if (!transport) {
      res.writeHead(400).end();
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`));
} else if (mode === 'tarmac') {
  void serveTarmac();
} else {
  process.stderr.write('usage: mcp-servers raw|sdk|tarmac\n');
  process.exit(2);
}

// No top-level await: bench:mcp bundles this file as CommonJS, the way the CLI ships.
async function serveTarmac(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-bench-'));
  const host = createHost({
    dataDir,
    port: 0,
    keychainService: `tarmac-bench-${randomUUID()}`,
    logLevel: 'warn',
    maxSessions: 64,
    idleTrimMs: BENCH_IDLE_TRIM_MS,
    tools: [defineTool({ name: 'noop', provider: 'bench', title: 'No-op', description: 'no-op', class: 'read', input: {}, run: async () => ({ text: 'ok' }) })],
  });
  trimWorkers = () => host.activity.trimWorkers();
  const token = await host.tokens.create('bench');
  const url = await host.start();
  const stop = async () => {
    await host.tokens.revoke('bench').catch(() => undefined);
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  ready(url, token);
}
