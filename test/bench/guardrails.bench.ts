// bench:guardrails: what the policy check costs a tool call. The same gateway and tool, calls in
// rounds that alternate between no guardrails (a hook that allows everything, the old default)
// and the real guardrails (settings.json stat-checked on every call, rules evaluated), so both
// see the same machine load. Prints per-call times and the difference.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { ActivityStore } from '../../src/main/host/activity/store.js';
import { Guardrails } from '../../src/main/host/guardrails/guardrails.js';
import { silentLog } from '../../src/main/host/log.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import { Catalogue, defineTool } from '../../src/main/host/tools/catalogue.js';
import { Gateway } from '../../src/main/host/tools/gateway.js';
import { fmt, summarize } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** The target: the guardrails add at most this much to a call's median. */
const BUDGET_US = 100;

const dir = await mkdtemp(join(tmpdir(), 'tarmac-bench-guard-'));
try {
  const tool = defineTool({ name: 'fly-apps-list', provider: 'fly', title: 'List', description: 'Lists apps.', class: 'read', input: { org: z.string().optional() }, run: async () => ({ text: 'web' }) });
  const others = Array.from({ length: 70 }, (_, i) => defineTool({ ...tool, name: `tool-${i}`, class: i % 3 === 0 ? 'write' : 'read' }));
  // A realistic rule set: class, provider and tool rules, and per-client ones.
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify({
      policies: {
        classes: { write: 'ask', destructive: 'deny' },
        providers: { flightctl: 'ask' },
        tools: Object.fromEntries(others.slice(0, 20).map((t) => [t.name, 'allow'])),
        clients: { cursor: { tools: { 'tool-3': 'allow' } }, zed: { classes: { read: 'allow' } } },
      },
      disabledTools: ['tool-5'],
    }),
  );
  const guardrails = new Guardrails(new SettingsStore(dir), new Catalogue([tool, ...others]), silentLog());
  const activity = new ActivityStore({ record: false });
  const make = (guarded: boolean) =>
    new Gateway({ activity, redactor: new Redactor(), log: silentLog(), policy: guarded ? (s, c) => guardrails.decide(s, c) : () => 'allow' });
  const variants = { baseline: make(false), guardrails: make(true) };
  const samples: Record<keyof typeof variants, number[]> = { baseline: [], guardrails: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? (['guardrails', 'baseline'] as const) : (['baseline', 'guardrails'] as const)) {
      const gw = variants[name];
      for (let i = 0; i < CALLS; i++) {
        const t0 = performance.now();
        await gw.call(tool, {}, { client: 'cursor', sessionId: null });
        samples[name].push((performance.now() - t0) * 1000);
      }
    }
  }
  const base = summarize(samples.baseline.slice(CALLS));
  const guard = summarize(samples.guardrails.slice(CALLS));
  console.log(`tools/call through the gateway, ${CALLS * (ROUNDS - 1)} calls per variant (first round is warm-up)`);
  console.log(`  baseline (allow all):   p50 ${fmt(base.p50, 1)} µs   p99 ${fmt(base.p99, 1)} µs`);
  console.log(`  guardrails (real):      p50 ${fmt(guard.p50, 1)} µs   p99 ${fmt(guard.p99, 1)} µs`);
  const added = guard.p50 - base.p50;
  console.log(`  added per call (p50):   ${fmt(added, 1)} µs   budget ${BUDGET_US} µs: ${added <= BUDGET_US ? 'OK' : 'OVER'}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
