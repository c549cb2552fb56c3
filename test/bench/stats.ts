/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

/**
 * The median, lowest and highest of ours[i] / base[i] over the rounds both have a figure for
 * (bench:mcp pairs each round's bursts of two servers that ran back to back).
 */
export function medianRatio(ours: readonly (number | undefined)[], base: readonly (number | undefined)[]): { median: number; min: number; max: number } {
  const ratios = ours
    .map((o, i) => [o, base[i]] as const)
    .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined)
    .map(([o, b]) => o / b)
    .sort((x, y) => x - y);
  if (ratios.length === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = ratios.length / 2;
  const median = ratios.length % 2 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return { median, min: ratios[0]!, max: ratios.at(-1)! };
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
