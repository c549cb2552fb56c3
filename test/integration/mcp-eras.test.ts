import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type ConnectOptions, type TestHost } from '../helpers/host.js';
import { testTools } from '../fixtures/test-tools.js';
import { waitFor } from '../helpers/wait.js';
import { resultText } from '../helpers/mcp.js';

// Both protocol eras against the real endpoint on one URL: an SDK v2 client pinned to 2026-07-28
// (server/discover, stateless requests) and a client that speaks only 2025-06-18 (initialize,
// sessions).
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ tools: testTools(), defaultToolTimeoutMs: 5_000 });
});
afterAll(async () => t?.stop());

const eras: [string, ConnectOptions, string][] = [
  ['modern (2026-07-28)', { era: 'modern' }, '2026-07-28'],
  ['legacy (2025-06-18)', { protocolVersion: '2025-06-18' }, '2025-06-18'],
];

describe.each(eras)('%s client', (_label, options, version) => {
  it('discovers or initializes, at the expected revision', async () => {
    const client = await t.connect('test', options);
    expect(client.getServerVersion()?.name).toBe('tarmac');
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getNegotiatedProtocolVersion()).toBe(version);
  });

  it('lists the tools with their schemas and annotations', async () => {
    const client = await t.connect('test', options);
    const { tools } = await client.listTools();
    const echo = tools.find((tool) => tool.name === 'echo');
    expect(echo?.annotations).toMatchObject({ readOnlyHint: true });
    expect(echo?.inputSchema.properties).toHaveProperty('text');
    expect(echo?.outputSchema?.properties).toHaveProperty('length');
  });

  it('calls a tool and gets text and structured content', async () => {
    const client = await t.connect('test', options);
    const result = await client.callTool({ name: 'echo', arguments: { text: `via ${version}` } });
    expect(resultText(result)).toBe(`via ${version}`);
    expect(result.structuredContent).toEqual({ text: `via ${version}`, length: `via ${version}`.length });
    const call = t.activity().find((c) => c.tool === 'echo' && c.args.text === `via ${version}`);
    expect(call).toMatchObject({ client: 'test', status: 'ok' });
  });

  it('cancels a running call', async () => {
    const client = await t.connect('test', options);
    const controller = new AbortController();
    const ms = version === '2026-07-28' ? 20_001 : 20_002;
    const pending = client.callTool({ name: 'slow', arguments: { ms } }, { signal: controller.signal });
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.args.ms === ms && c.status === 'running'));
    controller.abort('user pressed stop');
    await expect(pending).rejects.toThrow();
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.args.ms === ms && c.status === 'cancelled'));
  });

  it('reports progress', async () => {
    const client = await t.connect('test', options);
    const seen: number[] = [];
    await client.callTool({ name: 'slow', arguments: { ms: 10 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(seen).toEqual([0, 1]);
  });
});

describe('one URL for both eras', () => {
  it('keeps the bearer gate for modern requests', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }),
    });
    expect(res.status).toBe(401);
  });

  it('answers a call of an unknown tool the same way in both eras', async () => {
    // A 2026-07-28 call gets a server holding just the tool it names; a name the catalogue lacks
    // must still get the full server's answer, not "method not found".
    const answers = [];
    for (const options of [{ era: 'modern' as const }, { protocolVersion: '2025-06-18' }]) {
      const client = await t.connect('test', options);
      const result = await client.callTool({ name: 'no-such-tool', arguments: {} }).catch((err: Error) => ({ thrown: err.message }));
      answers.push(JSON.stringify(result).replace(/"_meta":\{[^}]*\}\}?,?/, ''));
    }
    expect(answers[0]).toMatch(/no-such-tool/);
    expect(answers[0]).toBe(answers[1]);
  });

  it('a modern client leaves no session behind', async () => {
    const before = t.host.endpoint!.sessionCount;
    const client = await t.connect('test', { era: 'modern' });
    await client.callTool({ name: 'echo', arguments: { text: 'stateless' } });
    expect(t.host.endpoint!.sessionCount).toBe(before);
  });

  it('cuts a revoked client\'s modern call still in flight', async () => {
    const client = await t.connect('gamma', { era: 'modern' });
    const pending = client.callTool({ name: 'slow', arguments: { ms: 20_003 } });
    pending.catch(() => undefined);
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.args.ms === 20_003 && c.status === 'running'));
    await t.host.tokens.revoke('gamma');
    await t.host.tokens.refresh();
    await expect(pending).rejects.toThrow();
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.args.ms === 20_003 && c.status === 'cancelled'));
  });
});
