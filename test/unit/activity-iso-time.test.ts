import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/main/host/activity/iso-time.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('isoTime', () => {
  it('writes what toISOString writes, milliseconds padded, across second, day and year edges', () => {
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), Date.UTC(2028, 1, 29, 12, 0, 0, 5), 253_402_300_799_999];
    for (const ms of edges) expect(isoTime(ms)).toBe(iso(ms));
  });

  it('stays right when calls go back and forth in time (the cached second is not trusted blindly)', () => {
    const base = Date.UTC(2026, 10, 30, 1, 2, 3, 456);
    for (const ms of [base, base + 1, base + 1000, base, base - 1, base + 544, base - 456, base + 86_400_000, base]) expect(isoTime(ms)).toBe(iso(ms));
  });

  it('matches toISOString over many random times of this century', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      const ms = Math.floor(Date.UTC(2000, 0, 1) + next() * 3_155_760_000_000);
      expect(isoTime(ms)).toBe(iso(ms));
    }
  });

  it('hands times outside four-digit years, and fractions, to toISOString', () => {
    for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 1.5]) expect(isoTime(ms)).toBe(iso(ms));
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
