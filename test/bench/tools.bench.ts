// bench:tools: what the tools cost besides running them. Each group measures its rows against a
// baseline (measured in the same run, or stored in tools-baseline.json from another build, which
// the row names) and a target; one table; exit 1 when a row misses its target.
//
//   npm run bench:tools                       measure and compare
//   npm run bench:tools -- --write-baseline main@<commit>
//                                             also store this tree's byte figures as the baseline,
//                                             labelled with the build they were measured on (run
//                                             it on that build's tree; see tools-baseline.json)
//   BENCH_TOOLS_ONLY=<title words>            only the groups whose title contains them
//
// Groups: tools-fly.ts (learning a flyctl's capabilities; Fly list bytes), tools-flightctl.ts (Flight
// Control list bytes at 1,000 devices, against main's code measured in the same run). Add an
// area's rows by writing a BenchGroup (tools-table.ts) and listing it below.
import { flightctlListBytes } from './tools-flightctl.js';
import { flyctlLearning, flyListBytes } from './tools-fly.js';
import { loadBaselines, printTable, type BenchGroup, type BenchRow, type StoredFigure } from './tools-table.js';

const GROUPS: BenchGroup[] = [flyctlLearning, flyListBytes, flightctlListBytes];
const BUDGET_MS = Number(process.env.BENCH_TOOLS_BUDGET_MS ?? 300_000);

const at = process.argv.indexOf('--write-baseline');
const writeAs = at >= 0 ? process.argv[at + 1] : undefined;
if (at >= 0 && !writeAs) {
  console.error('--write-baseline needs the label of the build measured, e.g. main@84ba646');
  process.exit(2);
}
const only = process.env.BENCH_TOOLS_ONLY;

const started = Date.now();
const baselines = await loadBaselines();
const recorded: Record<string, StoredFigure> = {};
const ctx = {
  stored: (key: string) => baselines.figures[key],
  record: (key: string, figure: StoredFigure) => void (recorded[key] = { ...figure, from: writeAs ?? figure.from }),
  deadline: started + BUDGET_MS,
};

const results: Array<{ title: string; rows: BenchRow[] }> = [];
for (const group of GROUPS) {
  if (only && !group.title.includes(only)) continue;
  results.push({ title: group.title, rows: await group.run(ctx) });
}
console.log(`bench:tools  node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`);
printTable(results);
if (writeAs) {
  await baselines.save(recorded);
  console.log(`stored ${Object.keys(recorded).length} figures as the baseline (${writeAs}) in test/bench/tools-baseline.json`);
}
const failed = results.flatMap((g) => g.rows).filter((r) => !r.pass);
process.exit(failed.length && !writeAs ? 1 : 0);
