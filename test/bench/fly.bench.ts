// bench:fly: fly-apps-list through Tarmac's MCP endpoint (SDK client -> HTTP -> gateway -> Fly
// provider -> flyctl) against executing the same fake flyctl directly, interleaved in one run.
// Tarmac runs in its own process (fly-server.ts), as it does for a real AI client.
// Targets: p50 ratio <= 1.10 and <= 5 ms added at p50. Loopback only; bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { execa } from 'execa';
import { SecretStore } from '../../src/main/host/secrets.js';
import { fmt, summarize } from './stats.js';

const FAKE = fileURLToPath(new URL('../fixtures/fake-flyctl/fake-flyctl.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('./fly-server.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
const WARMUP = Number(process.env.BENCH_FLY_WARMUP ?? 20);
const ROUNDS = Number(process.env.BENCH_FLY_ROUNDS ?? 200);
const BUDGET_MS = Number(process.env.BENCH_FLY_BUDGET_MS ?? 120_000);
const TOKEN = `fm2_bench-${randomUUID()}`;
const ARGV = ['apps', 'list', '--json'];

/** The real keychain when one answers (as in production), else memory; the output says which. */
async function keychainKind(): Promise<'os' | 'memory'> {
  try {
    const probe = new SecretStore({ service: `tarmac-bench-probe-${randomUUID()}` });
    await probe.set('probe', 'probe-value');
    await probe.delete('probe');
    return 'os';
  } catch {
    return 'memory';
  }
}

function startServer(keychain: string): Promise<{ child: ChildProcess; url: string; bearer: string; dataDir: string }> {
  const child = spawn(process.execPath, ['--import', TSX, SERVER, FAKE, TOKEN, keychain], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bench server did not start')), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\S+) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, bearer: m[2]!, dataDir: m[3]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const keychain = await keychainKind();
  const server = await startServer(keychain);
  const client = new Client({ name: 'bench-fly', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${server.bearer}` } } }));
  const env = { PATH: process.env.PATH, HOME: server.dataDir, FLY_ACCESS_TOKEN: TOKEN };

  // The same binary, argv, environment and working directory, run the way a careful caller would.
  const direct = async (): Promise<void> => {
    const r = await execa(FAKE, ARGV, { env, extendEnv: false, stdin: 'ignore', reject: false, cwd: server.dataDir });
    if (r.exitCode !== 0) throw new Error(`direct flyctl failed: ${String(r.stderr)}`);
    JSON.parse(String(r.stdout));
  };
  const viaTarmac = async (): Promise<void> => {
    const r = await client.callTool({ name: 'fly-apps-list', arguments: {} });
    if (r.isError) throw new Error(`fly-apps-list failed: ${JSON.stringify(r.content)}`);
  };

  const noop = async (): Promise<void> => {
    const r = await client.callTool({ name: 'bench-noop', arguments: {} });
    if (r.isError) throw new Error('bench-noop failed');
  };

  const started = Date.now();
  try {
    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await viaTarmac();
      await noop();
    }
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    // Interleaved, alternating which goes first, so drift and load hit both arms alike.
    for (let i = 0; i < ROUNDS && Date.now() - started < BUDGET_MS; i++) {
      const order = i % 2 === 0 ? [direct, viaTarmac] : [viaTarmac, direct];
      for (const fn of order) {
        const t0 = performance.now();
        await fn();
        (fn === direct ? a : b).push(performance.now() - t0);
      }
      const t0 = performance.now();
      await noop();
      c.push(performance.now() - t0);
    }
    const d = summarize(a);
    const t = summarize(b);
    const floor = summarize(c);
    const ratio = t.p50 / d.p50;
    const added = t.p50 - d.p50;
    const ok = ratio <= 1.1 && added <= 5;
    const kc = keychain === 'os' ? 'OS keychain' : 'in-memory keychain (no OS keychain here)';
    console.log(`bench:fly  fly-apps-list, ${d.n} rounds interleaved, ${kc}, node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`);
    console.log(`  flyctl direct     p50 ${fmt(d.p50)} ms   p99 ${fmt(d.p99)} ms`);
    console.log(`  through Tarmac    p50 ${fmt(t.p50)} ms   p99 ${fmt(t.p99)} ms`);
    console.log(`  endpoint floor    p50 ${fmt(floor.p50)} ms   p99 ${fmt(floor.p99)} ms   (no-op tool through the same endpoint, for reference)`);
    console.log(`  p50 ratio ${fmt(ratio, 3)} (target <= 1.10)   added ${fmt(added)} ms (target <= 5)   ${ok ? 'PASS' : 'FAIL'}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await client.close().catch(() => undefined);
    await new Promise<void>((resolve) => {
      server.child.removeAllListeners('exit');
      server.child.once('exit', () => resolve());
      server.child.kill('SIGTERM');
      setTimeout(() => server.child.kill('SIGKILL'), 5_000).unref();
    });
  }
}

await main();
