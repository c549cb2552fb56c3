// bench:activity: the activity history's query speed with 100,000 stored calls, and what
// recording costs a tools/call at 1,000 calls/s (log on against log off, same run, interleaved).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ActivityStore } from '../../src/main/host/activity/store.js';
import type { ActivityFilter, ToolCall, ToolCallStatus } from '../../src/shared/activity.js';
import type { ToolClass } from '../../src/shared/policy.js';
import { fmt, percentile } from './stats.js';

const STORED = Number(process.env.BENCH_STORED ?? 100_000);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const PHASE_S = Number(process.env.BENCH_PHASE_S ?? 1.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const SESSIONS = 16;
const SERVER = fileURLToPath(new URL('./activity-server.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

const checks: [string, string, boolean][] = [];

// ---- 1. queries over 100,000 stored calls ----------------------------------------------------
const dir = await mkdtemp(join(tmpdir(), 'tarmac-bench-history-'));
try {
  const store = new ActivityStore({ dir, retention: { maxCalls: STORED * 2, maxDays: 3650 } });
  const tools = Array.from({ length: 70 }, (_, i) => (i < 60 ? `fly-tool-${i}` : `flightctl_tool_${i}`));
  const clients = ['cursor', 'claude-code', 'vscode', 'claude-desktop', 'windsurf'];
  const statuses: Exclude<ToolCallStatus, 'running'>[] = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'error', 'denied', 'ok', 'ok', 'cancelled', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'timeout'];
  const classes: ToolClass[] = ['read', 'read', 'read', 'write', 'destructive'];
  // Spread over the last month, oldest first, as a busy month of use would leave them.
  const SPACING_MS = 25_000;
  const now = Date.now();
  const db = store.reader();
  const t0 = performance.now();
  let batch: ToolCall[] = [];
  for (let i = 0; i < STORED; i++) {
    const tool = tools[i % tools.length]!;
    const status = statuses[i % statuses.length]!;
    batch.push({
      id: randomUUID(),
      time: new Date(now - (STORED - i) * SPACING_MS).toISOString(),
      client: clients[i % clients.length]!,
      session: `s${i % 40}`,
      tool,
      provider: tool.startsWith('fly') ? 'fly' : 'flightctl',
      class: classes[i % classes.length]!,
      args: { app: `web-${i % 300}`, region: 'iad', machine: `m-${i.toString(36)}` },
      status,
      durationMs: 5 + (i % 900),
      resultBytes: 200 + (i % 5000),
      preview: `web-${i % 300} machine m-${i.toString(36)} started in iad; 2/2 checks passing`,
      cancelledBy: status === 'cancelled' ? 'client' : null,
    });
    if (batch.length === 1000) {
      db.write(batch);
      batch = [];
    }
  }
  db.write(batch);
  // One call recorded the usual way starts the search index; wait for it to cover everything
  // (it is built by a worker thread; a real history grows into it a batch at a time).
  const fillMs = performance.now() - t0;
  const tIndex = performance.now();
  store.record({ client: 'cursor', session: null, tool: 'fly-apps-list', provider: 'fly', class: 'read', args: {} }, { status: 'ok', resultBytes: 1, preview: 'ok' });
  store.flush();
  while (store.searchCovered() < STORED + 1) {
    if (performance.now() - tIndex > 300_000) throw new Error('the search index did not catch up within 5 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  const indexMs = performance.now() - tIndex;
  const filters: [string, ActivityFilter][] = [
    ['newest page (no filter)', {}],
    ['client', { client: 'claude-code' }],
    ['provider', { provider: 'flightctl' }],
    ['tool', { tool: 'fly-tool-17' }],
    ['class', { class: 'destructive' }],
    ['status (rare: timeout)', { status: 'timeout' }],
    ['time range (one hour, 2 weeks ago)', { since: now - 14 * 86_400_000, until: now - 14 * 86_400_000 + 3_600_000 }],
    ['since 1h', { since: now - 3_600_000 }],
    ['free text, common', { text: 'web-42' }],
    ['free text, rare (one call)', { text: `machine m-${(STORED / 2).toString(36)} started` }],
    ['free text, no match', { text: 'no-such-thing' }],
    ['client + status + text', { client: 'cursor', status: 'error', text: 'iad' }],
  ];
  console.log(`\nbench:activity: ${STORED.toLocaleString('en')} stored calls (written in ${fmt(fillMs / 1000, 1)} s, search index built by its worker in ${fmt(indexMs / 1000, 1)} s), page of 100, ${QUERY_RUNS} runs each`);
  console.log('query                          | p50 ms | p95 ms | rows');
  for (const [label, filter] of filters) {
    const samples: number[] = [];
    let rows = 0;
    for (let r = 0; r < QUERY_RUNS; r++) {
      const s = performance.now();
      rows = store.query(filter, null, 100).calls.length;
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    const p95 = percentile(samples, 95);
    console.log(`${label.padEnd(30)} | ${fmt(percentile(samples, 50)).padStart(6)} | ${fmt(p95).padStart(6)} | ${rows}`);
    if (label.startsWith('newest')) checks.push(['newest page p95 <= 10 ms', fmt(p95), p95 <= 10]);
    checks.push([`${label}: p95 <= 50 ms`, fmt(p95), p95 <= 50]);
  }
  // A deep page: the cursor keeps paging as fast as the first page.
  let cursor: string | null = null;
  for (let p = 0; p < 500; p++) cursor = store.query({}, cursor, 100).next;
  const deep: number[] = [];
  for (let r = 0; r < QUERY_RUNS; r++) {
    const s = performance.now();
    store.query({}, cursor, 100);
    deep.push(performance.now() - s);
  }
  deep.sort((a, b) => a - b);
  console.log(`${'page 501 (cursor)'.padEnd(30)} | ${fmt(percentile(deep, 50)).padStart(6)} | ${fmt(percentile(deep, 95)).padStart(6)} | 100`);
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

// ---- 2. what recording costs a tools/call at 1,000 calls/s ---------------------------------
interface Server {
  child: ChildProcess;
  url: string;
  token: string;
  recorded: Promise<number>;
}

function startServer(mode: 'on' | 'off'): Promise<Server> {
  const child = spawn(process.execPath, ['--import', TSX, SERVER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let resolveRecorded: (n: number) => void = () => undefined;
    const recorded = new Promise<number>((r) => (resolveRecorded = r));
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /READY (\S+) (\S+)/.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1]!, token: ready[2]!, recorded });
      }
      const done = /RECORDED (\d+)/.exec(out);
      if (done) resolveRecorded(Number(done[1]));
    });
    child.on('exit', () => resolveRecorded(-1));
  });
}

async function sessions(server: Server): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const client = new Client({ name: 'bench', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${server.token}` } } }));
      return client;
    }),
  );
}

/**
 * Paced load: each session calls on a fixed schedule (RATE / SESSIONS calls/s), one call at a
 * time, so the rate is RATE while the server keeps up, and a slow server shows as a lower rate.
 */
async function paced(clients: Client[], seconds: number, samples: number[]): Promise<number> {
  const interval = (clients.length / RATE) * 1000;
  const perClient = Math.round((seconds * RATE) / clients.length);
  const start = performance.now();
  await Promise.all(
    clients.map(async (client, k) => {
      for (let i = 0; i < perClient; i++) {
        const wait = start + (k / clients.length) * interval + i * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t = performance.now();
        const r = await client.callTool({ name: 'noop', arguments: {} });
        if (r.isError) throw new Error('noop failed');
        samples.push(performance.now() - t);
      }
    }),
  );
  return (clients.length * perClient) / ((performance.now() - start) / 1000);
}

const on = await startServer('on');
const off = await startServer('off');
try {
  const onClients = await sessions(on);
  const offClients = await sessions(off);
  // Warm-up both: code compiled, sessions open.
  await paced(onClients, 1, []);
  await paced(offClients, 1, []);
  const onSamples: number[] = [];
  const offSamples: number[] = [];
  const rates: { on: number[]; off: number[] } = { on: [], off: [] };
  const roundRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Short phases, alternating which goes first: load from elsewhere on a shared machine comes
    // and goes in seconds, and this way it falls on both alike.
    const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
    const p50: Record<'on' | 'off', number> = { on: 0, off: 0 };
    for (const which of order) {
      const samples: number[] = [];
      rates[which].push(await paced(which === 'on' ? onClients : offClients, PHASE_S, samples));
      (which === 'on' ? onSamples : offSamples).push(...samples);
      p50[which] = percentile(samples.sort((a, b) => a - b), 50);
    }
    roundRatios.push(p50.on / p50.off);
  }
  await Promise.all([...onClients, ...offClients].map((c) => c.close()));
  const sortedOn = [...onSamples].sort((a, b) => a - b);
  const sortedOff = [...offSamples].sort((a, b) => a - b);
  const p50on = percentile(sortedOn, 50);
  const p50off = percentile(sortedOff, 50);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\nrecording at ${RATE} calls/s asked (${SESSIONS} sessions, ${ROUNDS} rounds of ${PHASE_S} s each, interleaved), tools/call of a no-op tool:`);
  console.log('log  | calls  | achieved calls/s | p50 ms | p95 ms | p99 ms');
  for (const [label, sorted, r] of [['off', sortedOff, rates.off], ['on', sortedOn, rates.on]] as const) {
    console.log(`${label.padEnd(4)} | ${String(sorted.length).padStart(6)} | ${fmt(avg(r), 0).padStart(16)} | ${fmt(percentile(sorted, 50)).padStart(6)} | ${fmt(percentile(sorted, 95)).padStart(6)} | ${fmt(percentile(sorted, 99)).padStart(6)}`);
  }
  console.log(`p50 on/off per round: ${roundRatios.map((r) => fmt(r)).join(' ')} (median ${fmt(percentile([...roundRatios].sort((a, b) => a - b), 50), 3)})`);
  checks.push(['tools/call p50 with the log on <= 1.05x the log off', `${fmt(p50on / p50off, 3)}x`, p50on <= 1.05 * p50off]);
} finally {
  on.child.kill('SIGTERM');
  off.child.kill('SIGTERM');
  const recorded = await on.recorded;
  await off.recorded;
  console.log(`\ncalls recorded by the "on" server: ${recorded}`);
}

console.log('\ntargets:');
for (const [label, value, ok] of checks) console.log(`  ${ok ? 'PASS' : 'MISS'}  ${label}: ${value}`);
