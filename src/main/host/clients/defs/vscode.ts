import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { urlEntry, vscodeUserDir, type ClientDef, type PathContext } from '../types.js';

// Source: shared/reference/client-configs.md (VS Code): <user dir>/mcp.json, and one
// <user dir>/profiles/<id>/mcp.json per non-default profile; root `servers`; `type: "http"`;
// JSONC. Install: `code --add-mcp '<json>'` or vscode:mcp/install?<json>. VSCODE_PORTABLE moves
// the user dir.
function profileFiles(ctx: PathContext, product: string): string[] {
  const user = vscodeUserDir(ctx, product);
  const files = [join(user, 'mcp.json')];
  const profiles = join(user, 'profiles');
  if (existsSync(profiles)) {
    for (const d of readdirSync(profiles, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (d.isDirectory()) files.push(join(profiles, d.name, 'mcp.json'));
    }
  }
  return files;
}

export function vscodeLike(id: string, label: string, product: string, scheme: string): ClientDef {
  return {
    id,
    label,
    format: 'jsonc',
    files: (ctx) => profileFiles(ctx, product),
    markers: (ctx) => [vscodeUserDir(ctx, product)],
    servers: { kind: 'map', path: ['servers'] },
    ...urlEntry('url', { type: 'http' }),
    transport: 'http',
    supportsOAuth: true,
    // The URL alone: VS Code then signs in with OAuth, so the link never carries a secret.
    installCommand: (p) => [scheme === 'vscode' ? 'code' : 'code-insiders', '--add-mcp', JSON.stringify({ name: 'tarmac', type: 'http', url: p.url })],
    installLink: (p) => `${scheme}:mcp/install?${encodeURIComponent(JSON.stringify({ name: 'tarmac', type: 'http', url: p.url }))}`,
  };
}

export const vscode = vscodeLike('vscode', 'VS Code', 'Code', 'vscode');
