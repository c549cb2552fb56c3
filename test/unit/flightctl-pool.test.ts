import { describe, expect, it } from 'vitest';
import { pool } from '../../src/main/host/providers/flightctl/refs.js';

// The fan-out of a fleet-wide restart: a failure must stop further requests, and the caller must
// hear of it only once the requests already sent have finished.
describe('pool', () => {
  it('keeps results in item order with at most `width` running', async () => {
    let running = 0;
    let most = 0;
    const out = await pool([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    }, new AbortController().signal);
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure and throws once the running work has finished', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = pool([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('refused');
      await new Promise((r) => setTimeout(r, 20));
      finished.push(n);
      return n;
    }, new AbortController().signal);
    await expect(run).rejects.toThrow('refused');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });

  it('stops at an abort', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const run = pool([0, 1, 2, 3], 1, async (n) => {
      seen.push(n);
      if (n === 1) ac.abort(new Error('cancelled'));
      return n;
    }, ac.signal);
    await expect(run).rejects.toThrow('cancelled');
    expect(seen).toEqual([0, 1]);
  });
});
