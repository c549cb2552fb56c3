import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: what GitHub Copilot CLI 1.0.102 wrote when measured (shared/reference/client-configs.md):
// ~/.copilot/mcp-config.json, `mcpServers.<name> = {tools: ["*"], type: "http", url, headers}`.
export const copilotCli: ClientDef = {
  id: 'copilot-cli',
  label: 'GitHub Copilot CLI',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.copilot', 'mcp-config.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { tools: ['*'], type: 'http' }),
  transport: 'http',
  supportsOAuth: true,
};
