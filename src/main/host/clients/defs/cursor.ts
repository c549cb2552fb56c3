import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Cursor): ~/.cursor/mcp.json (Windows
// %USERPROFILE%\.cursor\mcp.json), `mcpServers`, `url` + `headers`; install deeplink
// cursor://anysphere.cursor-deeplink/mcp/install?name=&config=<base64 entry>.
export const cursor: ClientDef = {
  id: 'cursor',
  label: 'Cursor',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.cursor', 'mcp.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url'),
  transport: 'http',
  supportsOAuth: true,
  installLink: (p) =>
    `cursor://anysphere.cursor-deeplink/mcp/install?name=tarmac&config=${Buffer.from(JSON.stringify({ url: p.url })).toString('base64')}`,
};
