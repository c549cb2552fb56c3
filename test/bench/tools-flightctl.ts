// bench:tools rows for Flight Control: the bytes one call of each list tool hands the model (text
// and structuredContent) at 1,000 devices, against the same call on main's code.
//
// Baseline design: the bytes of an answer depend on the code and on the data, so both sides get
// the same data (one simulator, deterministic, 1,000 devices) and the same arguments, and only the
// code differs. main's code is taken with `git archive <ref> src` into a temporary directory
// (BENCH_TOOLS_BASELINE, default main before issue 24, 84ba646; node_modules linked in so it imports the same packages)
// and its own FlightctlProvider, SecretStore, SettingsStore and session writer are loaded from
// there; this tree's come from src/. So the baseline is measured in the same run, on the commit
// main is at, and a change of the simulator's data moves both sides alike. Without git (or the
// ref), the figures stored in tools-baseline.json are the baseline. Each call is made once per
// side (answers are deterministic; bench:flightctl measures time). Tools main does not have yet are
// listed as new, with no baseline.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { startFlightctlSim } from '../fixtures/flightctl-sim/index.js';
import type { BenchContext, BenchGroup, BenchRow } from './tools-table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One list tool, the arguments a model would pass (the defaults: compact, limit 1000), and how the row names them. */
const FLIGHTCTL_CALLS: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ['query_devices', {}, ''],
  ['query_devices', { label_selector: 'env=prod', field_selector: 'status.summary.status=Online' }, ' (prod, Online)'],
  ['query_devices', { detail: 'full', limit: 200 }, ' (detail=full, 200)'],
  ['query_fleets', {}, ''],
  ['query_events', {}, ''],
  ['query_enrollment_requests', {}, ''],
  ['query_repositories', {}, ''],
  ['query_resource_syncs', {}, ''],
  ['list_labels', {}, ''],
  ['get_devices_summary', {}, ''],
  ['get_vulnerabilities', { limit: 1000 }, ' (organization)'],
  ['query_catalogs', {}, ''],
];

interface Spec {
  name: string;
  input: z.ZodRawShape;
  run(args: unknown, ctx: unknown): Promise<{ text: string; structured?: Record<string, unknown>; isError?: boolean }>;
}

interface Side {
  tools: Map<string, Spec>;
  close(): Promise<void>;
}

/** A FlightctlProvider from the source tree at `src`, signed in to the simulator with that tree's own session writer. */
async function side(src: string, sim: Awaited<ReturnType<typeof startFlightctlSim>>): Promise<Side> {
  const load = <T>(path: string) => import(pathToFileURL(join(src, path)).href) as Promise<T>;
  const [{ FlightctlProvider }, secrets, { SettingsStore }, { Redactor }, { silentLog }, { writeSession }] = await Promise.all([
    load<{ FlightctlProvider: new (ctx: unknown) => { tools(): Spec[]; close(): Promise<void> } }>('main/host/providers/flightctl/index.ts'),
    load<{ SecretStore: new (o: unknown) => unknown; MemoryKeychain: new () => unknown }>('main/host/secrets.ts'),
    load<{ SettingsStore: new (dir: string) => { update(f: (s: Record<string, unknown>) => Record<string, unknown>): Promise<unknown> } }>('main/host/settings.ts'),
    load<{ Redactor: new () => unknown }>('main/host/activity/redact.ts'),
    load<{ silentLog: () => unknown }>('main/host/log.ts'),
    load<{ writeSession: (store: unknown, session: unknown) => Promise<void> }>('main/host/providers/flightctl/tokens.ts'),
  ]);
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-bench-tools-'));
  const redactor = new Redactor();
  const store = new secrets.SecretStore({ service: 'tarmac-bench-tools', backend: new secrets.MemoryKeychain(), redactor });
  const settings = new SettingsStore(dataDir);
  await settings.update((s) => ({ ...s, flightctl: { apiUrl: sim.url } }));
  const s = await sim.mintSession();
  await writeSession(store, {
    apiUrl: sim.url,
    origin: { source: 'tarmac' },
    tokens: { accessToken: s.accessToken, idToken: s.idToken, refreshToken: s.refreshToken, expiresAt: s.expiresAt, tokenToUse: 'id' },
    refresh: { via: 'proxy', clientId: sim.clientId, providerName: sim.providerName, providerType: 'oidc', issuer: sim.idp.issuer, scopes: ['openid', 'profile', 'email', 'offline_access'] },
  });
  const provider = new FlightctlProvider({ dataDir, secrets: store, settings, redactor, log: silentLog(), env: { HOME: dataDir } });
  return {
    tools: new Map(provider.tools().map((t) => [t.name, t])),
    async close() {
      await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(spec: Spec, args: Record<string, unknown>): Promise<{ textBytes: number; structuredBytes: number }> {
  const ctx = { signal: new AbortController().signal, client: 'bench', sessionId: null, log: { debug() {}, info() {}, warn() {}, error() {} }, progress: () => undefined };
  const out = await spec.run(z.object(spec.input).parse(args), ctx);
  if (out.isError) throw new Error(`${spec.name} ${JSON.stringify(args)} answered an error: ${out.text.slice(0, 200)}`);
  return { textBytes: Buffer.byteLength(out.text), structuredBytes: Buffer.byteLength(JSON.stringify(out.structured ?? {})) };
}

/** main's src/ in a temporary directory, importable (node_modules linked). */
/** main before the tools of issue 24 (output schemas, flyctl versions, Flight Control operations, views). */
const BEFORE_ISSUE_24 = '84ba646';

async function baselineTree(ref: string): Promise<{ src: string; sha: string; remove(): Promise<void> }> {
  const sha = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  const dir = await mkdtemp(join(tmpdir(), `tarmac-bench-baseline-${sha}-`));
  const tar = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', ref, 'src', 'package.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { src: join(dir, 'src'), sha, remove: () => rm(dir, { recursive: true, force: true }) };
}


type Figures = { textBytes: number; structuredBytes: number };

export const flightctlListBytes: BenchGroup = {
  title: 'bytes per call, list tools (Flight Control: 1,000 devices)',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    // Default: main as it was before issue 24 changed the tools (a later main holds these very
    // changes, so comparing against it would compare the code with itself).
    const ref = process.env.BENCH_TOOLS_BASELINE ?? BEFORE_ISSUE_24;
    const sim = await startFlightctlSim({ devices: 1000, fleets: 20, events: 1000, enrollmentRequests: 200, repositories: 20, resourceSyncs: 20, idp: { idTokenTtl: 3600, accessTokenTtl: 3600 } });
    const base = await baselineTree(ref).catch((err: unknown) => {
      console.warn(`bench:tools: no live baseline from ${ref} (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); using tools-baseline.json`);
      return undefined;
    });
    const sides: Side[] = [];
    try {
      const current = await side(join(ROOT, 'src'), sim);
      sides.push(current);
      const before = base ? await side(base.src, sim) : undefined;
      if (before) sides.push(before);
      const rows: BenchRow[] = [];
      for (const [tool, args, shown] of FLIGHTCTL_CALLS) {
        const spec = current.tools.get(tool);
        if (!spec) throw new Error(`this tree has no ${tool}`);
        const old = before?.tools.get(tool);
        const then: Figures | undefined = old ? await measure(old, args) : undefined;
        const now = await measure(spec, args);
        const label = `${tool}${shown} @1000 devices`;
        for (const [part, field] of [
          ['structuredContent', 'structuredBytes'],
          ['text', 'textBytes'],
        ] as const) {
          const key = `${tool}${Object.keys(args).length ? JSON.stringify(args) : ''}@1000.${part}`;
          ctx.record(key, { value: now[field], from: '' });
          const stored = ctx.stored(key);
          const baseline = then ? { value: then[field], from: `${ref}@${base!.sha}, measured now` } : !before && stored ? stored : undefined;
          rows.push({
            name: `${label}: ${part}`,
            value: now[field],
            baseline: baseline?.value ?? Number.NaN,
            baselineFrom: baseline?.from ?? (before ? `new (not on ${ref})` : 'none stored'),
            unit: 'bytes',
            target: baseline ? '<= baseline' : 'new tool: reported',
            pass: baseline ? now[field] <= baseline.value : Boolean(before),
          });
        }
      }
      return rows;
    } finally {
      for (const s of sides) await s.close().catch(() => undefined);
      await sim.stop();
      await base?.remove();
    }
  },
};
