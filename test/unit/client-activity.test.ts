import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientActivity } from '../../src/main/host/mcp/client-activity.js';

afterEach(() => vi.useRealTimers());

describe('ClientActivity', () => {
  it('keeps each client’s last request and what it has open; a stream is not a request; a revoked client is forgotten', () => {
    let now = 1_000;
    const a = new ClientActivity({ now: () => now });
    const done = a.request('cursor');
    now = 2_000;
    const call = a.request('cursor', 'call');
    now = 3_000;
    const stream = a.request('cursor', 'stream');
    expect(a.open('cursor', 'call')).toBe(2);
    expect(a.open('cursor', 'stream')).toBe(1);
    expect(a.lastRequest('cursor')).toBe(2_000);
    done();
    done();
    expect(a.open('cursor')).toBe(1);
    call();
    expect(a.open('cursor')).toBe(0);
    expect(a.clients()).toEqual(['cursor']);
    // Only listening: still a client, with no request.
    a.request('vscode', 'stream');
    expect(a.clients()).toEqual(['cursor', 'vscode']);
    expect(a.lastRequest('vscode')).toBeNull();
    a.forget('cursor');
    stream();
    expect(a.clients()).toEqual(['vscode']);
    expect(a.lastRequest('cursor')).toBeNull();
  });

  it('tells of a change at once after a quiet spell, then at most once per interval (the last state always told)', () => {
    vi.useFakeTimers();
    let told = 0;
    const a = new ClientActivity({ onChange: () => told++, notifyMs: 1_000, now: () => Date.now() });
    a.request('cursor')();
    vi.advanceTimersByTime(0);
    expect(told).toBe(1);
    for (let i = 0; i < 50; i++) a.request('cursor')();
    vi.advanceTimersByTime(999);
    expect(told).toBe(1);
    vi.advanceTimersByTime(1);
    expect(told).toBe(2);
    vi.advanceTimersByTime(5_000);
    expect(told).toBe(2);
    a.request('codex');
    vi.advanceTimersByTime(0);
    expect(told).toBe(3);
    a.close();
  });
});
