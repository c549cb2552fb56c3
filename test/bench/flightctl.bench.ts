// bench:flightctl: query_devices over 1,000 and 10,000 simulated devices against fetching the
// same pages raw with fetch (limit=1000, following metadata.continue, JSON-parsed), interleaved.
// Reports wall time (p50 ratio, target <= 1.2x) and bytes handed to the model (text +
// structuredContent) against the raw item bytes (target <= 15%). Loopback only; bounded in time.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { silentLog } from '../../src/main/host/log.js';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { MemoryKeychain, SecretStore } from '../../src/main/host/secrets.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import type { ToolOutput } from '../../src/main/host/tools/catalogue.js';
import { startFlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { fmt, summarize } from './stats.js';

const SIZES = (process.env.BENCH_FLIGHTCTL_SIZES ?? '1000,10000').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_FLIGHTCTL_WARMUP ?? 2);
/** More rounds for the quick size: a 30 ms call needs more samples for a steady p50. */
const roundsFor = (size: number) => Number(process.env.BENCH_FLIGHTCTL_ROUNDS ?? (size <= 1000 ? 40 : 15));
const BUDGET_MS = Number(process.env.BENCH_FLIGHTCTL_BUDGET_MS ?? 120_000);
const WALL_TARGET = 1.2;
const BYTES_TARGET = 0.15;

/** The real keychain when one answers (as in production), else memory, and say which. */
async function keychain(redactor: Redactor): Promise<{ secrets: SecretStore; label: string }> {
  const service = `tarmac-bench-flightctl-${randomUUID()}`;
  try {
    const probe = new SecretStore({ service });
    await probe.set('probe', 'probe-value');
    await probe.delete('probe');
    return { secrets: new SecretStore({ service, redactor }), label: 'OS keychain' };
  } catch {
    return { secrets: new SecretStore({ service, backend: new MemoryKeychain(), redactor }), label: 'in-memory keychain (no OS keychain here)' };
  }
}

interface Result {
  size: number;
  raw: { p50: number; p99: number; n: number };
  tool: { p50: number; p99: number; n: number };
  rawItemBytes: number;
  textBytes: number;
  structuredBytes: number;
}

async function benchSize(size: number, started: number, kcLabel: { label?: string }): Promise<Result> {
  const sim = await startFlightctlSim({ devices: size, events: 0, idp: { idTokenTtl: 3600, accessTokenTtl: 3600 } });
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-bench-flightctl-'));
  const redactor = new Redactor();
  const kc = await keychain(redactor);
  kcLabel.label = kc.label;
  const settings = new SettingsStore(dataDir);
  await settings.update((s) => ({ ...s, flightctl: { apiUrl: sim.url } }));
  const session = await signIn(sim, kc.secrets);
  const provider = new FlightctlProvider({ dataDir, secrets: kc.secrets, settings, redactor, log: silentLog(), env: { HOME: dataDir } });
  const spec = provider.tools().find((t) => t.name === 'query_devices')!;
  const org = sim.orgs[0]!.id;

  // The seed server's job done right: every page, raw items, nothing trimmed.
  const raw = async (): Promise<unknown[]> => {
    const items: unknown[] = [];
    let token: string | undefined;
    do {
      const url = new URL(`${sim.url}/api/v1/devices`);
      url.searchParams.set('limit', '1000');
      url.searchParams.set('org_id', org);
      if (token) url.searchParams.set('continue', token);
      const res = await fetch(url, { headers: { authorization: `Bearer ${session.idToken}`, accept: 'application/json' } });
      if (!res.ok) throw new Error(`raw fetch failed: HTTP ${res.status}`);
      const body = (await res.json()) as { items: unknown[]; metadata: { continue?: string } };
      items.push(...body.items);
      token = body.metadata.continue;
    } while (token);
    return items;
  };
  // As the MCP server does: the argument schema is built once, parsed per call.
  const schema = z.object(spec.input);
  const tool = async (): Promise<ToolOutput> => {
    const args = schema.parse({ limit: size });
    const out = await spec.run(args, { signal: new AbortController().signal, client: 'bench', sessionId: null, log: silentLog(), progress: () => undefined });
    if (out.isError) throw new Error(out.text);
    return out;
  };

  try {
    let items: unknown[] = [];
    let out: ToolOutput | undefined;
    for (let i = 0; i < WARMUP; i++) {
      items = await raw();
      out = await tool();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < roundsFor(size) && Date.now() - started < BUDGET_MS; i++) {
      const order = i % 2 === 0 ? (['raw', 'tool'] as const) : (['tool', 'raw'] as const);
      for (const which of order) {
        const t0 = performance.now();
        if (which === 'raw') items = await raw();
        else out = await tool();
        (which === 'raw' ? a : b).push(performance.now() - t0);
      }
    }
    if (!out || (out.structured as { count: number }).count !== size || items.length !== size) throw new Error('the two arms did not return every device');
    return {
      size,
      raw: summarize(a),
      tool: summarize(b),
      rawItemBytes: Buffer.byteLength(JSON.stringify(items)),
      textBytes: Buffer.byteLength(out.text),
      structuredBytes: Buffer.byteLength(JSON.stringify(out.structured)),
    };
  } finally {
    await provider.close();
    for (const account of await kc.secrets.list().catch(() => [] as string[])) await kc.secrets.delete(account).catch(() => false);
    await sim.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const kc: { label?: string } = {};
  const results: Result[] = [];
  for (const size of SIZES) results.push(await benchSize(size, started, kc));
  let ok = true;
  console.log(`bench:flightctl  query_devices vs raw fetch of the same pages, interleaved, ${kc.label ?? '?'}, node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`);
  for (const r of results) {
    const ratio = r.tool.p50 / r.raw.p50;
    const model = r.textBytes + r.structuredBytes;
    const share = model / r.rawItemBytes;
    const pass = ratio <= WALL_TARGET && share <= BYTES_TARGET;
    ok &&= pass;
    console.log(`  ${r.size} devices (${r.tool.n} rounds)`);
    console.log(`    raw fetch        p50 ${fmt(r.raw.p50, 1)} ms   p99 ${fmt(r.raw.p99, 1)} ms`);
    console.log(`    query_devices    p50 ${fmt(r.tool.p50, 1)} ms   p99 ${fmt(r.tool.p99, 1)} ms   wall ratio ${fmt(ratio, 3)} (target <= ${WALL_TARGET})`);
    console.log(
      `    bytes: raw items ${r.rawItemBytes}, to the model ${model} = text ${r.textBytes} (${fmt((100 * r.textBytes) / r.rawItemBytes, 1)}%) + structured ${r.structuredBytes} (${fmt((100 * r.structuredBytes) / r.rawItemBytes, 1)}%) = ${fmt(100 * share, 1)}% (target <= ${BYTES_TARGET * 100}%)   ${pass ? 'PASS' : 'FAIL'}`,
    );
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
