import { afterAll, describe, expect, it } from 'vitest';
import type { ProviderStatus, TarmacEvent } from '../../src/shared/api.js';
import { createHostApi, type HostApi } from '../../src/main/host/api.js';
import type { ProviderFactory } from '../../src/main/host/providers/provider.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

// A provider whose state is set by the test and whose status look waits until the test lets it
// finish, so a look can be held "under way" while the state changes behind it.
let state: ProviderStatus['state'] = 'unconfigured';
const looks: Array<() => void> = [];
const slow: ProviderFactory = () => ({
  id: 'slow',
  label: 'Slow',
  tools: () => [],
  async status() {
    const seen = state;
    await new Promise<void>((resolve) => looks.push(resolve));
    return { id: 'slow', label: 'Slow', state: seen, summary: seen, details: {}, warnings: [] };
  },
});

let t: TestHost;
let api: HostApi;
afterAll(async () => {
  api?.close();
  await t?.stop();
});

describe('the window status', () => {
  it('looks again after a look that was under way when it was asked, so a change made meanwhile is told', async () => {
    t = await startTestHost({ providers: [slow] });
    const events: TarmacEvent[] = [];
    api = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => events.push(e), coalesceMs: 1 });
    // The first look starts with the API, sees "unconfigured", and is held.
    await expect.poll(() => looks.length).toBe(1);
    state = 'ready';
    const first = api.api.getStatus();
    looks.shift()!();
    expect((await first).providers[0]?.state).toBe('unconfigured');
    // The look after it sees the change, and the window hears of it without asking again.
    await expect.poll(() => looks.length).toBe(1);
    looks.shift()!();
    await expect
      .poll(() => events.some((e) => e.type === 'statusChanged' && e.data.providers[0]?.state === 'ready'))
      .toBe(true);
    // Later looks finish at once.
    const release = setInterval(() => looks.splice(0).forEach((r) => r()), 10);
    try {
      expect((await api.api.getStatus()).providers[0]?.state).toBe('ready');
    } finally {
      clearInterval(release);
    }
  });
});
