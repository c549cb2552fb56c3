import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: AWS, "Configuring MCP with Amazon Q CLI" (global ~/.aws/amazonq/mcp.json,
// `mcpServers`) and the Sept. 2025 announcement of remote MCP servers in Q Developer CLI
// (transport type HTTP, `url`, optional headers, OAuth).
export const amazonQ: ClientDef = {
  id: 'amazon-q',
  label: 'Amazon Q Developer CLI',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.aws', 'amazonq', 'mcp.json')],
  markers: (ctx) => [join(ctx.home, '.aws', 'amazonq')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'http' }),
  transport: 'http',
  supportsOAuth: true,
};
