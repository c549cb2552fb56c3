import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: Claude Code docs (MCP, scopes) and what `claude mcp add --transport http --scope user`
// 2.1.332 wrote when measured (shared/reference/client-configs.md): user scope is `mcpServers` in
// ~/.claude.json, or $CLAUDE_CONFIG_DIR/.claude.json. That file also holds the app's own state:
// Tarmac edits only mcpServers.tarmac in it.
export const claudeCode: ClientDef = {
  id: 'claude-code',
  label: 'Claude Code',
  format: 'json',
  files: (ctx) => [ctx.env.CLAUDE_CONFIG_DIR ? join(ctx.env.CLAUDE_CONFIG_DIR, '.claude.json') : join(ctx.home, '.claude.json')],
  markers: (ctx) => [ctx.env.CLAUDE_CONFIG_DIR ?? join(ctx.home, '.claude'), ctx.env.CLAUDE_CONFIG_DIR ? join(ctx.env.CLAUDE_CONFIG_DIR, '.claude.json') : join(ctx.home, '.claude.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'http' }),
  transport: 'http',
  supportsOAuth: true,
};
