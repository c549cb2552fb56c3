import { describe, expect, it } from 'vitest';
import { classifyInboundRequest, isLegacyRequest } from '@modelcontextprotocol/server';
import { isLegacyPost } from '../../src/main/host/mcp/era.js';

// Tarmac's era check takes a shortcut for messages that carry the 2026-07-28 envelope claim; it
// must answer exactly as the SDK's own isLegacyRequest does, edge cases included.
const CLAIM = 'io.modelcontextprotocol/protocolVersion';
const envelope = (version: unknown = '2026-07-28') => ({
  [CLAIM]: version,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'vitest', version: '1' },
});
const modernHeaders = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };

const cases: [string, Record<string, string | string[]>, unknown][] = [
  ['modern tools/call', modernHeaders, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {}, _meta: envelope() } }],
  ['modern call, no headers', {}, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', _meta: envelope() } }],
  ['modern call, header names another version', { ...modernHeaders, 'mcp-protocol-version': '2025-06-18' }, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', _meta: envelope() } }],
  ['modern call, method header disagrees', { ...modernHeaders, 'mcp-method': 'tools/list' }, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', _meta: envelope() } }],
  ['claim with a 2025 version', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope('2025-06-18') } }],
  ['claim that is not a string', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope(7) } }],
  ['claim, rest of the envelope missing', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { [CLAIM]: '2026-07-28' } } }],
  ['server/discover', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' }, { jsonrpc: '2.0', id: 'd', method: 'server/discover', params: { _meta: envelope() } }],
  ['modern notification', {}, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, _meta: envelope() } }],
  ['initialize, 2025-06-18', {}, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }],
  ['initialize with a claim', {}, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' }, _meta: envelope() } }],
  ['initialize with a 2025 claim', {}, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' }, _meta: envelope('2025-06-18') } }],
  ['initialize with a modern header', { 'mcp-protocol-version': '2026-07-28' }, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }],
  ['2025 call without a claim', { 'mcp-protocol-version': '2025-06-18' }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo' } }],
  ['no claim, modern header', { 'mcp-protocol-version': '2026-07-28' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
  ['2025 notification', {}, { jsonrpc: '2.0', method: 'notifications/initialized' }],
  ['posted response', {}, { jsonrpc: '2.0', id: 3, result: {} }],
  ['response shape with a method and a claim', {}, { jsonrpc: '2.0', id: 3, method: 'tools/list', result: {}, params: { _meta: envelope() } }],
  ['batch', {}, [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]],
  ['batch with a modern element', {}, [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }]],
  ['not JSON-RPC', {}, { hello: 'world' }],
  ['a string', {}, 'tools/list'],
  ['null', {}, null],
  ['claim inside a non-object _meta', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: [CLAIM] } }],
  ['repeated header', { 'mcp-protocol-version': ['2026-07-28', '2026-07-28'] }, { jsonrpc: '2.0', id: 1, method: 'tools/list' }],
];

describe('isLegacyPost agrees with the SDK', () => {
  it.each(cases)('%s', async (_label, headers, body) => {
    const request = new Request('http://127.0.0.1:1/mcp', {
      method: 'POST',
      headers: Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]])),
    });
    expect(isLegacyPost(classifyInboundRequest, headers, body)).toBe(await isLegacyRequest(request, body));
  });

  it('a POST without a JSON body is legacy, as isLegacyRequest says', async () => {
    expect(isLegacyPost(classifyInboundRequest, {}, undefined)).toBe(true);
    expect(await isLegacyRequest(new Request('http://127.0.0.1:1/mcp', { method: 'POST', body: '' }))).toBe(true);
  });
});
