import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';
import { testTools } from '../fixtures/test-tools.js';

const ARG_CANARY = 'canary-arg-7f3a9c1e5b';
const STORED_CANARY = 'canary-stored-2d8e4f6a0c';
const KEY_CANARY = 'canary-keyed-9b1c3d5e7f';

let t: TestHost;
let errorTexts: string[] = [];

beforeAll(async () => {
  t = await startTestHost({ tools: testTools() });
  await t.secrets.set('fly:token', STORED_CANARY);
  const client = await t.connect();
  const results = await Promise.all([
    // A secret argument that the back end echoes in its error.
    client.callTool({ name: 'set-secret', arguments: { name: 'DATABASE_URL', value: ARG_CANARY } }),
    // A value the SecretStore holds, echoed by a tool that fails with it.
    client.callTool({ name: 'fail', arguments: { message: `upstream rejected token ${STORED_CANARY}` } }),
    // Echoed back as a result, the stored secret must not leak either.
    client.callTool({ name: 'echo', arguments: { text: `here is ${STORED_CANARY}` } }),
    // An argument whose key says it is secret, even though the tool did not mark it.
    client.callTool({ name: 'configure', arguments: { name: 'billing', api_key: KEY_CANARY } }),
  ]);
  errorTexts = results.map((r) => JSON.stringify(r));
  t.host.log.warn({ detail: `while handling ${STORED_CANARY}` }, `a log line that mentions ${ARG_CANARY}`);
  await waitFor(async () => (await t.readActivityFiles()).split('\n').filter(Boolean).length >= 4, 'activity written');
  t.host.log.flush();
});

afterAll(async () => t?.stop());

describe('secrets never reach logs, activity or error texts', () => {
  it('redacts secret arguments in the activity record and keeps the key names', () => {
    const call = t.activity().find((c) => c.tool === 'set-secret');
    expect(call?.args).toEqual({ name: 'DATABASE_URL', value: '[redacted]' });
    expect(call?.status).toBe('error');
  });

  it.each([
    ['the activity JSONL files', () => t.readActivityFiles()],
    ['the app log', () => t.readLogs()],
    ['the in-memory activity', async () => JSON.stringify(t.activity())],
    ['the results and error texts sent to the client', async () => errorTexts.join('\n')],
  ])('%s contain no canary', async (_what, read) => {
    const text = await read();
    expect(text.length).toBeGreaterThan(0);
    for (const canary of [ARG_CANARY, STORED_CANARY, KEY_CANARY]) expect(text).not.toContain(canary);
  });

  it('redacts an argument by its key name even when the tool did not mark it', () => {
    expect(t.activity().find((c) => c.tool === 'configure')?.args).toEqual({ name: 'billing', api_key: '[redacted]' });
  });

  it('still says what happened', async () => {
    expect(errorTexts[0]).toContain('backend refused DATABASE_URL=[redacted]');
    expect(await t.readLogs()).toContain('a log line that mentions [redacted]');
  });
});
