import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { testTools } from '../fixtures/test-tools.js';

// The host wires the idle trim (memory-trim.ts): serving starts it, and tool calls restart its
// quiet period, so each burst of work ends in one trim, told in the debug log.
let t: TestHost;
const trims = async () => (await t.readLogs()).split('\n').filter((l) => l.includes('idle: memory handed back')).length;

beforeAll(async () => {
  t = await startTestHost({ tools: testTools(), idleTrimMs: 200 });
});
afterAll(async () => {
  await t?.stop();
});

describe('the host hands memory back when serving goes quiet', () => {
  it('after start-up, and again after a burst of tool calls', async () => {
    await expect.poll(trims).toBe(1);
    const client = await t.connect();
    for (const text of ['one', 'two', 'three']) await client.callTool({ name: 'echo', arguments: { text } });
    await expect.poll(trims).toBeGreaterThanOrEqual(2);
    const line = (await t.readLogs()).split('\n').find((l) => l.includes('idle: memory handed back'))!;
    expect(JSON.parse(line)).toMatchObject({ rssBeforeMiB: expect.any(Number), rssAfterMiB: expect.any(Number), ms: expect.any(Number) });
    await client.close();
  });
});
