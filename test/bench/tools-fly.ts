// bench:tools rows for the Fly tools: what learning a flyctl's capabilities costs (the first call
// after an upgrade, a later call, the next start), and the bytes fly-apps-list hands a client at
// 100 apps. Every flyctl is the fake one (test/fixtures/fake-flyctl), as a release-specific script.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { silentLog } from '../../src/main/host/log.js';
import { createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import { MemoryKeychain, SecretStore } from '../../src/main/host/secrets.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import { fakeFlyctlRelease } from '../helpers/fly.js';
import { summarize } from './stats.js';
import { measureFlyAppsList } from './tools-fly-bytes.js';
import type { BenchContext, BenchGroup, BenchRow } from './tools-table.js';

const RELEASES = [
  { version: '0.4.87', label: 'reference release 0.4.87', rounds: 10 },
  { version: '0.3.45', label: 'old release 0.3.45', rounds: 3 },
  { version: '0.4.96', label: 'newer release 0.4.96', rounds: 3 },
];
const LATER_CALLS = 200;
const NEXT_STARTS = 10;

async function flyctlRuns(log: string): Promise<number> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
}

/** A Fly provider over its own data dir, with flyctl set to `bin` (no keychain needed to learn). */
async function provider(dataDir: string, bin: string, log: string) {
  const settings = new SettingsStore(dataDir);
  await settings.update((s) => ({ ...s, flyctlPath: bin }));
  const redactor = new Redactor();
  return createFlyProvider({
    dataDir,
    secrets: new SecretStore({ service: 'tarmac-bench-tools', backend: new MemoryKeychain(), redactor }),
    settings,
    redactor,
    log: silentLog(),
    env: { PATH: process.env.PATH, HOME: dataDir, FAKE_FLYCTL_LOG: log },
  });
}

export const flyctlLearning: BenchGroup = {
  title: "learning a flyctl's capabilities (Fly provider, prepareTools)",
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const release of RELEASES) {
      const dir = await mkdtemp(join(tmpdir(), 'tarmac-bench-tools-'));
      try {
        const log = join(dir, 'calls.jsonl');
        const bin = await fakeFlyctlRelease(join(dir, 'flyctl'), release.version);
        // What main pays per flyctl binary: one `flyctl version` (for the status), nothing for tools/list.
        const direct: number[] = [];
        const versionOnce = async () => {
          // Right after an upgrade too: a freshly written binary is slower to start the first time.
          await fakeFlyctlRelease(bin, release.version);
          const t0 = performance.now();
          await execa(bin, ['version'], { env: { PATH: process.env.PATH }, extendEnv: false, stdin: 'ignore' });
          direct.push(performance.now() - t0);
        };

        // The first call after an upgrade: a new file at the same path, learnt from scratch.
        // Interleaved with the direct run, alternating which goes first, so load hits both alike.
        const p = await provider(join(dir, 'data'), bin, log);
        await p.prepareTools!();
        const first: number[] = [];
        let runs = 0;
        for (let i = 0; i < release.rounds && Date.now() < ctx.deadline; i++) {
          if (i % 2 === 0) await versionOnce();
          await fakeFlyctlRelease(bin, release.version);
          const before = await flyctlRuns(log);
          const t0 = performance.now();
          await p.prepareTools!();
          first.push(performance.now() - t0);
          runs = (await flyctlRuns(log)) - before;
          if (i % 2 === 1) await versionOnce();
        }
        while (direct.length < 10) await versionOnce();
        const one = summarize(direct).p50;
        const f = summarize(first);
        const serial = runs * one;
        rows.push({
          name: `${release.label}: first call after an upgrade`,
          value: f.p50,
          baseline: one,
          baselineFrom: 'one `flyctl version`, run directly',
          unit: 'ms',
          target: runs <= 1 ? '<= 1.5x baseline' : `<= ${runs} runs one by one (${Math.round(serial)} ms)`,
          pass: runs <= 1 ? f.p50 <= 1.5 * one : f.p50 <= serial,
          note: `${runs} flyctl runs (version${runs > 1 ? ` + ${runs - 1} --help` : ''}), p50 of ${f.n}, p99 ${f.p99.toFixed(0)} ms`,
        });

        // Later calls: the binary is looked at (settings read, one stat) and found unchanged.
        await p.prepareTools!();
        const later: number[] = [];
        const before = await flyctlRuns(log);
        for (let i = 0; i < LATER_CALLS; i++) {
          const t0 = performance.now();
          await p.prepareTools!();
          later.push(performance.now() - t0);
        }
        const statOnly: number[] = [];
        for (let i = 0; i < LATER_CALLS; i++) {
          const t0 = performance.now();
          await stat(bin);
          statOnly.push(performance.now() - t0);
        }
        const l = summarize(later);
        rows.push({
          name: `${release.label}: a later call`,
          value: l.p50,
          baseline: summarize(statOnly).p50,
          baselineFrom: 'one stat of the binary',
          unit: 'ms',
          target: '<= 1 ms, no flyctl run',
          pass: l.p50 <= 1 && (await flyctlRuns(log)) === before,
          note: `p50 of ${l.n}, p99 ${l.p99.toFixed(2)} ms; an MCP request reuses a look up to 1 s old, so most pay nothing`,
        });

        // The next start: a new provider over the same data dir finds the binary in flyctl-capabilities.json.
        const starts: number[] = [];
        const beforeStarts = await flyctlRuns(log);
        for (let i = 0; i < NEXT_STARTS; i++) {
          const again = await provider(join(dir, 'data'), bin, log);
          const t0 = performance.now();
          await again.prepareTools!();
          starts.push(performance.now() - t0);
        }
        const s = summarize(starts);
        const startRuns = (await flyctlRuns(log)) - beforeStarts;
        rows.push({
          name: `${release.label}: next start (from the data dir)`,
          value: s.p50,
          baseline: one,
          baselineFrom: 'one `flyctl version`, run directly',
          unit: 'ms',
          target: '<= 0.5x baseline, no flyctl run',
          pass: s.p50 <= 0.5 * one && startRuns === 0,
          note: `p50 of ${s.n}, ${startRuns} flyctl runs`,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return rows;
  },
};

export const flyListBytes: BenchGroup = {
  title: 'bytes per call, list tools (Fly: 100 apps)',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const m = await measureFlyAppsList(100);
    const rows: BenchRow[] = [];
    for (const [key, value, label] of [
      ['fly-apps-list@100.structuredContent', m.structured, 'fly-apps-list @100 apps: structuredContent'],
      ['fly-apps-list@100.text', m.text, 'fly-apps-list @100 apps: text'],
    ] as const) {
      ctx.record(key, { value, from: '' });
      const base = ctx.stored(key);
      rows.push({
        name: label,
        value,
        baseline: base?.value ?? Number.NaN,
        baselineFrom: base?.from ?? 'none stored',
        unit: 'bytes',
        target: '<= baseline',
        pass: base !== undefined && value <= base.value,
        ...(key.endsWith('.text') ? {} : { note: `flyctl's own JSON for the same call: ${m.raw} bytes` }),
      });
    }
    return rows;
  },
};
