import { describe, expect, it } from 'vitest';
import { medianRatio } from '../bench/stats.js';

describe('medianRatio (bench:mcp paired rounds)', () => {
  it('pairs rounds by position, not by sorting each side first', () => {
    // Sorted separately, these would pair 1/1, 2/2, 3/3 (all 1.0); paired by round they are 0.33, 1, 3.
    expect(medianRatio([1, 2, 3], [3, 2, 1])).toEqual({ median: 1, min: 1 / 3, max: 3 });
  });

  it('takes the middle of an odd count and the mean of the two middles of an even one', () => {
    expect(medianRatio([1, 2, 9], [1, 1, 1]).median).toBe(2);
    expect(medianRatio([1, 2, 4, 9], [1, 1, 1, 1]).median).toBe(3);
  });

  it('one slow round moves the median little, where a pooled ratio moves a lot', () => {
    const base = [100, 100, 100, 100, 100];
    const ours = [90, 90, 90, 90, 10];
    expect(medianRatio(ours, base).median).toBeCloseTo(0.9);
  });

  it('skips rounds that lack a figure on either side', () => {
    expect(medianRatio([2, undefined, 6], [1, 1, undefined])).toEqual({ median: 2, min: 2, max: 2 });
    expect(Number.isNaN(medianRatio([], []).median)).toBe(true);
  });
});
