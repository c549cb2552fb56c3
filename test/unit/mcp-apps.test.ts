import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { createHost, type Host } from '../../src/main/host/index.js';
import { rendersViews } from '../../src/main/host/mcp/apps/index.js';
import { VIEW_CSP, viewPage } from '../../src/main/host/mcp/apps/page.js';
import { VIEWS, viewForTool } from '../../src/main/host/mcp/apps/views.js';
import { defaultProviders } from '../../src/main/host/providers/index.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tarmac-apps-'));
  host = createHost({ dataDir, providers: defaultProviders(), keychainBackend: new MemoryKeychain(), env: {} });
});
afterAll(async () => {
  await host?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the views map', () => {
  it('names tools that exist, only read, and answer with structured content (a renamed tool fails here)', () => {
    for (const view of VIEWS) {
      expect(view.uri).toBe(`ui://tarmac/${view.id}.html`);
      for (const name of view.tools) {
        const spec = host.catalogue.get(name);
        expect(spec, name).toBeDefined();
        expect(spec?.class, name).toBe('read');
        expect(spec?.output, name).toBeDefined();
        expect(viewForTool(name)).toBe(view);
      }
    }
    expect(viewForTool('fly-apps-destroy')).toBeUndefined();
  });
});

describe('who gets views', () => {
  it('a client that declares io.modelcontextprotocol/ui with the mcp-app MIME type, no other', () => {
    expect(rendersViews({ extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } })).toBe(true);
    expect(rendersViews({ extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html'] } } })).toBe(false);
    expect(rendersViews({ extensions: { 'io.modelcontextprotocol/ui': {} } })).toBe(false);
    expect(rendersViews({ extensions: { 'io.example/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } })).toBe(false);
    expect(rendersViews({ experimental: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } })).toBe(false);
    expect(rendersViews({})).toBe(false);
    expect(rendersViews(undefined)).toBe(false);
  });
});

describe('a view page', () => {
  const view = VIEWS[0]!;

  it('carries the bundle inline under its own CSP, naming its view', () => {
    const html = viewPage(view, { script: 'window.x = 1;', style: 'body{color:red}' });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${VIEW_CSP}">`);
    expect(html).toContain(`<html lang="en" data-view="${view.id}">`);
    expect(html).toContain('<script>window.x = 1;</script>');
    expect(html).toContain('<style>body{color:red}</style>');
    for (const directive of ["default-src 'none'", "connect-src 'none'", 'img-src data:', "frame-src 'none'", "form-action 'none'", "base-uri 'none'"]) expect(VIEW_CSP).toContain(directive);
  });

  it('a "</script>" or "</style>" inside the bundle does not end its element', () => {
    const html = viewPage(view, { script: 'const s = "</script><img src=x>"; const t = "</SCRIPT>";', style: 'a::after{content:"</style>"}' });
    expect(html.match(/<\/script>/gi)).toHaveLength(1);
    expect(html.match(/<\/style>/gi)).toHaveLength(1);
    expect(html).toContain('"<\\/script><img src=x>"');
  });
});
