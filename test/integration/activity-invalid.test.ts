import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTools } from '../fixtures/test-tools.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

/** A call the tool's schema refuses is answered as the SDK answers it, and recorded (redacted). */
const CANARY = 'canary-invalid-5d7f9b1c3e';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ tools: testTools() });
}, 30_000);
afterAll(async () => t?.stop());

describe('calls with arguments the tool does not take', () => {
  for (const era of ['legacy', 'modern'] as const) {
    it(`are refused with the schema's message and recorded as invalid (${era} era)`, async () => {
      const client = await t.connect(`bad-args-${era}`, { era });
      const result = (await client.callTool({ name: 'echo', arguments: { text: 42, password: CANARY } })) as CallToolResult;
      expect(result.isError).toBe(true);
      const text = (result.content as Array<{ text: string }>)[0]!.text;
      expect(text).toMatch(/^Input validation error: Invalid arguments for tool echo: /);
      expect(text).toMatch(/text: /);
      await client.close();
      const [record] = t.host.activityApi.query({ client: `bad-args-${era}` }).calls;
      expect(record).toMatchObject({ tool: 'echo', provider: 'test', status: 'invalid', durationMs: null });
      expect(record!.decision).toBeUndefined();
      expect(record!.preview).toMatch(/Invalid arguments for tool echo/);
      // The arguments as given, secrets masked: the call never ran, but it is on record.
      expect(record!.args).toMatchObject({ text: 42 });
      expect(JSON.stringify(record)).not.toContain(CANARY);
    });
  }

  it('lists the same input schema as before, and valid calls still run', async () => {
    const client = await t.connect('bad-args-list');
    const { tools } = await client.listTools();
    expect(tools.find((x) => x.name === 'echo')?.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false });
    const ok = (await client.callTool({ name: 'echo', arguments: { text: 'fine' } })) as CallToolResult;
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toEqual({ text: 'fine', length: 4 });
    await client.close();
  });
});
