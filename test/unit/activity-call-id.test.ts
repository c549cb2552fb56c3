import { describe, expect, it } from 'vitest';
import { callId } from '../../src/main/host/activity/call-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('callId', () => {
  it('is a UUID version 7 whose first 48 bits are the time in milliseconds', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = callId(now);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts with time, across digit-length changes of the hex time', () => {
    const times = [0, 1, 0xfff, 0x1000, Date.UTC(2001, 0, 1), Date.UTC(2026, 10, 29), Date.UTC(2100, 0, 1)];
    const ids = times.map((t) => callId(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(V7);
  });

  it('does not repeat within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => callId(now)));
    expect(ids.size).toBe(10_000);
  });
});
