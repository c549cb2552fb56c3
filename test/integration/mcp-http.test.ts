import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { testTools } from '../fixtures/test-tools.js';
import { waitFor } from '../helpers/wait.js';
import { resultText } from '../helpers/mcp.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ tools: testTools(), defaultToolTimeoutMs: 5_000 });
});
afterAll(async () => t?.stop());


describe('MCP over Streamable HTTP with the SDK client', () => {
  it('initializes and reports the server', async () => {
    const client = await t.connect();
    expect(client.getServerVersion()?.name).toBe('tarmac');
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });

  it('lists tools with annotations derived from the class', async () => {
    const client = await t.connect();
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(byName.echo?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true });
    expect(byName['write-thing']?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    expect(byName['destroy-thing']?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
    expect(byName.echo?.outputSchema).toBeDefined();
    expect(byName.echo?.inputSchema.properties).toHaveProperty('text');
  });

  it('calls a tool and records it in the activity store', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    expect(resultText(result)).toBe('hello');
    expect(result.structuredContent).toEqual({ text: 'hello', length: 5 });
    const call = t.activity().find((c) => c.tool === 'echo' && c.status === 'ok');
    expect(call).toMatchObject({ client: 'test', provider: 'test', args: { text: 'hello' }, preview: 'hello' });
    expect(call?.session).toMatch(/[0-9a-f-]{36}/);
    expect(call?.resultBytes).toBeGreaterThan(0);
  });

  it('turns thrown errors into isError results without a stack', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'fail', arguments: { message: 'the API said no' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe('the API said no');
    expect(resultText(result)).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('answers invalid arguments with an isError result', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/validation/i);
  });

  it('stops a tool at its timeout even when the tool ignores the signal', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'hang', arguments: {} });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/did not finish within 300 ms/);
    expect(t.activity().find((c) => c.tool === 'hang')?.status).toBe('timeout');
  });

  it('aborts the run when the client cancels', async () => {
    const client = await t.connect();
    const controller = new AbortController();
    const pending = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }, { signal: controller.signal });
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.status === 'running'));
    controller.abort('user pressed stop');
    await expect(pending).rejects.toThrow();
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.status === 'cancelled'));
  });

  it('reports progress when the client asks for it', async () => {
    const client = await t.connect();
    const seen: number[] = [];
    await client.callTool({ name: 'slow', arguments: { ms: 10 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(seen).toEqual([0, 1]);
  });

  it('gives every session its own server: two clients never share one', async () => {
    const a = await t.connect('alpha');
    const b = await t.connect('beta');
    await a.callTool({ name: 'echo', arguments: { text: 'from a' } });
    await b.callTool({ name: 'echo', arguments: { text: 'from b' } });
    const calls = t.activity().filter((c) => c.tool === 'echo' && (c.client === 'alpha' || c.client === 'beta'));
    const sessions = new Map(calls.map((c) => [c.client, c.session]));
    expect(sessions.get('alpha')).toBeTruthy();
    expect(sessions.get('alpha')).not.toBe(sessions.get('beta'));
  });
});

describe('argument checking', () => {
  it('refuses unknown arguments instead of dropping them silently', async () => {
    const client = await t.connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'x', txet: 'typo' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/txet/);
  });
});
