// bench:startup: how long the CLI takes to start and finish, as a user runs it
// (`node bin/tarmac.js ...`), against starting Node itself (`node -e 0`) in the same run.
// Runs are interleaved so load on the machine hits every command alike. Targets (issue 13):
// median of 10 runs, `--help` <= 0.15 s and `status` <= 0.30 s.
// `status` runs without flyctl on PATH and with an empty data dir and keychain service, so it
// measures Tarmac, not flyctl or a network. `serve` is timed until it says it serves, with
// OpenTelemetry export off (the default) and on (OTEL_EXPORTER_OTLP_ENDPOINT set, to a port
// nobody listens on: export starts with serving, and a dead collector must not delay it).
// BENCH_STARTUP_BEFORE=/path/to/other/bin/tarmac.js adds the same commands of another build
// (e.g. before a change), measured alongside: `serve` with export off must not be slower.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, percentile } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tarmac.js');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);

if (!existsSync(join(ROOT, 'out', 'cli', 'tarmac.cjs'))) {
  console.error('bench:startup: out/cli/tarmac.cjs is missing; run `npm run build:cli` first');
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), 'tarmac-bench-startup-'));
const env = {
  ...process.env,
  HOME: home,
  // Node's own folder only: no flyctl to find (and to run).
  PATH: dirname(process.execPath),
  TARMAC_DATA_DIR: join(home, 'data'),
  TARMAC_KEYCHAIN_SERVICE: `tarmac-bench-${randomUUID()}`,
};

type Case = { name: string; args: string[]; target?: number; serve?: true; env?: Record<string, string> };
const SERVE = ['serve', '--port', '0'];
/** Export on, to a loopback port nobody listens on: start-up must not wait for the collector. */
const EXPORT_ON = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
const cases: Case[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'tarmac --help', args: [BIN, '--help'], target: 150 },
  { name: 'tarmac --version', args: [BIN, '--version'] },
  { name: 'tarmac status', args: [BIN, 'status'], target: 300 },
  { name: 'tarmac serve (export off)', args: [BIN, ...SERVE], serve: true },
  { name: 'tarmac serve (export on)', args: [BIN, ...SERVE], serve: true, env: EXPORT_ON },
];
const before = process.env.BENCH_STARTUP_BEFORE;
if (before) {
  cases.push(
    { name: 'other build: --help', args: [before, '--help'] },
    { name: 'other build: status', args: [before, 'status'] },
    { name: 'other build: serve', args: [before, ...SERVE], serve: true },
  );
}

/** Time until `serve` says it serves (then it is stopped). */
function timeServe(c: Case): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, c.args, { env: { ...env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${c.name} did not start: ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!err.includes('serving MCP at')) return;
      const ms = performance.now() - started;
      clearTimeout(timer);
      child.once('exit', () => resolve(ms));
      child.kill('SIGTERM');
    });
    child.once('error', reject);
  });
}

async function time(c: Case): Promise<number> {
  return c.serve ? timeServe(c) : timeOnce(c.args);
}

function timeOnce(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const ms = performance.now() - started;
  // status exits 1 when the keychain is unusable; that is still a full run of the command.
  if (run.status === null || run.status > 1) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr.toString()}`);
  return ms;
}

const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
try {
  for (const c of cases) await time(c); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const c of cases) samples.get(c.name)!.push(await time(c));
} finally {
  rmSync(home, { recursive: true, force: true });
}

const median = (name: string) => percentile([...samples.get(name)!].sort((a, b) => a - b), 50);
const baseline = median(cases[0]!.name);
console.log(`Start-up, median of ${RUNS} runs (Node ${process.versions.node}):`);
console.log('| command | median | above node -e 0 | target | |');
console.log('|---|---|---|---|---|');
let failed = false;
for (const c of cases) {
  const m = median(c.name);
  const verdict = c.target === undefined ? '' : m <= c.target ? 'pass' : 'FAIL';
  if (verdict === 'FAIL') failed = true;
  console.log(`| ${c.name} | ${fmt(m / 1000, 3)} s | ${c === cases[0] ? '-' : `+${fmt((m - baseline) / 1000, 3)} s`} | ${c.target ? `<= ${fmt(c.target / 1000, 2)} s` : '-'} | ${verdict} |`);
}
// Export off costs `serve` nothing: against another build (before telemetry), within 10% or 15 ms.
if (before) {
  const off = median('tarmac serve (export off)');
  const other = median('other build: serve');
  const ok = off <= Math.max(other * 1.1, other + 15);
  if (!ok) failed = true;
  console.log(`\nserve with export off vs the other build: ${fmt(off / 1000, 3)} s vs ${fmt(other / 1000, 3)} s (${fmt(off / other, 2)}x) ${ok ? 'pass' : 'FAIL'} (<= 1.10x or +15 ms)`);
}
process.exitCode = failed ? 1 : 0;
