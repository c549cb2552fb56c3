// The shape of bench:tools: groups of rows, each row one figure against a baseline with a target,
// printed as one table. A group is a function that measures and returns its rows; add a group by
// writing one (tools-<area>.ts) and listing it in tools.bench.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface BenchRow {
  /** What is measured, e.g. "fly-apps-list @100 apps: structuredContent". */
  name: string;
  /** The figure now, in `unit`. */
  value: number;
  /** What it is held against (a figure measured in this run, or one stored in tools-baseline.json). */
  baseline: number;
  /** Where the baseline comes from, e.g. "flyctl version, run directly" or "main@84ba646". */
  baselineFrom: string;
  unit: 'ms' | 'bytes' | 'runs';
  /** The target in words ("<= baseline", "<= 1 ms"), and whether this figure meets it. */
  target: string;
  pass: boolean;
  /** Anything a reader needs to read the figure (samples, what ran). */
  note?: string;
}

export interface BenchGroup {
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export interface BenchContext {
  /** Figures stored from another build (tools-baseline.json), by key. */
  stored(key: string): StoredFigure | undefined;
  /** `--write-baseline`: record this figure (measured from this tree) as the stored baseline. */
  record(key: string, figure: StoredFigure): void;
  /** Stop measuring new samples after this time (ms since the epoch). */
  deadline: number;
}

export interface StoredFigure {
  value: number;
  /** The build it was measured on ("main@<commit>") and how. */
  from: string;
}

const BASELINE_FILE = fileURLToPath(new URL('./tools-baseline.json', import.meta.url));

export async function loadBaselines(): Promise<{ figures: Record<string, StoredFigure>; save(updated: Record<string, StoredFigure>): Promise<void> }> {
  const figures = JSON.parse(await readFile(BASELINE_FILE, 'utf8').catch(() => '{"figures":{}}')) as { figures: Record<string, StoredFigure> };
  return {
    figures: figures.figures,
    save: (updated) => writeFile(BASELINE_FILE, `${JSON.stringify({ figures: { ...figures.figures, ...updated } }, null, 2)}\n`),
  };
}

const show = (n: number, unit: BenchRow['unit']) => (unit === 'ms' ? n.toFixed(n < 10 ? 2 : 0) : String(Math.round(n)));

/** One table: row, now, baseline (and from where), target, PASS/FAIL. */
export function printTable(groups: ReadonlyArray<{ title: string; rows: BenchRow[] }>): void {
  const head = ['row', 'now', 'baseline', 'unit', 'target', 'result'];
  const body = groups.flatMap((g) => [
    [`# ${g.title}`, '', '', '', '', ''],
    ...g.rows.map((r) => [r.name, show(r.value, r.unit), `${show(r.baseline, r.unit)} (${r.baselineFrom})`, r.unit, r.target, r.pass ? 'PASS' : 'FAIL']),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(line(head));
  for (const r of body) console.log(line(r));
  const notes = groups.flatMap((g) => g.rows.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`));
  if (notes.length) console.log(`notes:\n${notes.join('\n')}`);
}
