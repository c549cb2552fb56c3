// bench:mcp: tools/call latency and throughput of Tarmac's endpoint against a bare SDK server and
// a raw node:http floor, in one run on this machine; plus the endpoint's memory growth.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fmt, summarize } from './stats.js';

const SERVERS = fileURLToPath(new URL('./mcp-servers.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const WARMUP = 500;
const SINGLE_CALLS = Number(process.env.BENCH_SINGLE_CALLS ?? 3000);
const CONCURRENT_SESSIONS = 16;
const CONCURRENT_CALLS_EACH = Number(process.env.BENCH_CONCURRENT_CALLS ?? 450);
const MEMORY_CALLS = 10_000;

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
}

function startServer(mode: string): Promise<Server> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', TSX, SERVERS, mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, token: m[2]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

/** Collect garbage in the server, then read its memory (MiB). */
function memoryAfterGc(server: Server): Promise<{ rss: number; heap: number }> {
  return new Promise((resolve) => {
    server.child.once('message', (m) => {
      const { rss, heapUsed } = m as { rss: number; heapUsed: number };
      resolve({ rss: rss / 1048576, heap: heapUsed / 1048576 });
    });
    server.child.send('gc');
  });
}

async function stopServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
    setTimeout(() => server.child.kill('SIGKILL'), 5_000).unref();
  });
}

/** One caller: an MCP session (SDK client) or, for the raw floor, a fetch loop with the same JSON-RPC body. */
async function caller(server: Server, mcp: boolean): Promise<{ call(): Promise<void>; close(): Promise<void> }> {
  if (!mcp) {
    let id = 0;
    return {
      async call() {
        const res = await fetch(server.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'noop', arguments: {} } }),
        });
        await res.json();
      },
      close: async () => undefined,
    };
  }
  const headers: Record<string, string> = server.token === '-' ? {} : { Authorization: `Bearer ${server.token}` };
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
  return {
    async call() {
      const r = await client.callTool({ name: 'noop', arguments: {} });
      if (r.isError) throw new Error('noop failed');
    },
    close: () => client.close(),
  };
}

async function timedCalls(c: { call(): Promise<void> }, n: number, samples: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await c.call();
    samples.push(performance.now() - t0);
  }
}

interface Result {
  name: string;
  one: ReturnType<typeof summarize> & { rps: number };
  many: ReturnType<typeof summarize> & { rps: number };
  idle: { rss: number; heap: number };
  after: { rss: number; heap: number };
  /** After a second batch of the same size: growth between the two shows a leak, not warm-up. */
  again: { rss: number; heap: number };
  calls: number;
}

async function measure(name: string, mode: string, mcp: boolean): Promise<Result> {
  const server = await startServer(mode);
  try {
    let calls = 0;
    const single = await caller(server, mcp);
    const callers = await Promise.all(Array.from({ length: CONCURRENT_SESSIONS }, () => caller(server, mcp)));
    // Warm-up with both shapes of load: code compiled, sessions open, the heap grown to its
    // working size. "Idle" is measured after this, so growth afterwards means retained memory.
    await timedCalls(single, WARMUP, []);
    await Promise.all(callers.map((c) => timedCalls(c, WARMUP / 10, [])));
    const idle = await memoryAfterGc(server);

    const oneSamples: number[] = [];
    let t0 = performance.now();
    await timedCalls(single, SINGLE_CALLS, oneSamples);
    const oneWall = performance.now() - t0;
    calls += SINGLE_CALLS;

    const manySamples: number[] = [];
    t0 = performance.now();
    await Promise.all(callers.map((c) => timedCalls(c, CONCURRENT_CALLS_EACH, manySamples)));
    const manyWall = performance.now() - t0;
    calls += CONCURRENT_SESSIONS * CONCURRENT_CALLS_EACH;

    if (calls < MEMORY_CALLS) {
      await timedCalls(single, MEMORY_CALLS - calls, []);
      calls = MEMORY_CALLS;
    }
    const after = await memoryAfterGc(server);
    await Promise.all(callers.map((c) => timedCalls(c, Math.ceil(MEMORY_CALLS / CONCURRENT_SESSIONS), [])));
    const again = await memoryAfterGc(server);
    await Promise.all([single, ...callers].map((c) => c.close()));
    return {
      name,
      one: { ...summarize(oneSamples), rps: (SINGLE_CALLS / oneWall) * 1000 },
      many: { ...summarize(manySamples), rps: (manySamples.length / manyWall) * 1000 },
      idle,
      after,
      again,
      calls,
    };
  } finally {
    await stopServer(server);
  }
}

const results: Result[] = [];
results.push(await measure('(a) raw node:http echo', 'raw', false));
results.push(await measure('(b) bare SDK server', 'sdk', true));
results.push(await measure('(c) Tarmac endpoint', 'tarmac', true));

console.log('\nbench:mcp: tools/call of a no-op tool over loopback, one run, this machine');
console.log('server                     | 1 session p50 / p99 ms | calls/s | 16 sessions p50 / p99 ms | calls/s | RSS MiB idle -> 10k -> 20k calls | JS heap MiB idle -> 10k -> 20k');
for (const r of results) {
  console.log(
    `${r.name.padEnd(26)} | ${fmt(r.one.p50).padStart(8)} / ${fmt(r.one.p99).padEnd(11)} | ${fmt(r.one.rps, 0).padStart(7)} | ${fmt(r.many.p50).padStart(10)} / ${fmt(r.many.p99).padEnd(13)} | ${fmt(r.many.rps, 0).padStart(7)} | ${fmt(r.idle.rss, 1)} -> ${fmt(r.after.rss, 1)} -> ${fmt(r.again.rss, 1)} | ${fmt(r.idle.heap, 1)} -> ${fmt(r.after.heap, 1)} -> ${fmt(r.again.heap, 1)}`,
  );
}
const [, b, c] = results as [Result, Result, Result];
const checks = [
  ['p50 (1 session) <= 1.3x bare SDK', c.one.p50 / b.one.p50, c.one.p50 <= 1.3 * b.one.p50],
  ['p50 (16 sessions) <= 1.3x bare SDK', c.many.p50 / b.many.p50, c.many.p50 <= 1.3 * b.many.p50],
  ['throughput (1 session) >= 0.8x bare SDK', c.one.rps / b.one.rps, c.one.rps >= 0.8 * b.one.rps],
  ['throughput (16 sessions) >= 0.8x bare SDK', c.many.rps / b.many.rps, c.many.rps >= 0.8 * b.many.rps],
  ['RSS growth after 10,000 calls <= 20 MB', c.after.rss - c.idle.rss, c.after.rss - c.idle.rss <= 20],
] as const;
const growth = (r: Result) => r.after.rss - r.idle.rss;
console.log('\ntargets for (c):');
for (const [label, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'MISS'}  ${label}: ${fmt(value)}`);
console.log('\nmemory, for reading the RSS figure:');
console.log(`  RSS growth over the first 10,000 calls: bare SDK ${fmt(growth(b), 1)} MiB, Tarmac ${fmt(growth(c), 1)} MiB (Tarmac's own share: ${fmt(growth(c) - growth(b), 1)} MiB)`);
console.log(`  RSS growth over the next 10,000 calls: bare SDK ${fmt(b.again.rss - b.after.rss, 1)} MiB, Tarmac ${fmt(c.again.rss - c.after.rss, 1)} MiB`);
console.log(`  retained JS heap after 20,000 calls: bare SDK ${fmt(b.again.heap - b.idle.heap, 1)} MiB, Tarmac ${fmt(c.again.heap - c.idle.heap, 1)} MiB (includes the 10,000-call activity ring)`);
