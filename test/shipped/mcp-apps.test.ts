import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { getToolUiResourceUri, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppsHost, type AppsHost } from '../e2e/apps-host/serve.js';
import { launchChromium, seriousViolations } from '../e2e/harness.js';
import { AppViewHost } from '../e2e/pages/AppViewHost.js';
import { BUILDS, cliCommand, cliEnv, type ServeProcess } from '../helpers/cli.js';
import { installation, type Installation } from '../helpers/shipped.js';

/**
 * MCP Apps views from `tarmac serve` and `tarmac stdio` of the source and of the build (whose
 * views are a chunk of the CLI bundle, loaded on the first read): a client that declares the
 * extension gets each view and renders it; one that does not sees plain tools.
 */
const UI = { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } };
const VIEW_TOOLS = ['fly-logs', 'fly-machine-list', 'get_fleet', 'query_devices'];

let browser: Browser;
let appsHost: AppsHost;
beforeAll(async () => {
  [browser, appsHost] = await Promise.all([launchChromium(), startAppsHost()]);
});
afterAll(async () => {
  await browser?.close();
  await appsHost?.close();
});

describe.each(BUILDS)('MCP Apps views from tarmac (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;

  beforeAll(async () => {
    inst = await installation(build);
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: 'fo1_shipped-apps-token-0123456789' })).code).toBe(0);
    serve = await inst.serve();
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  it('serve: a client with the extension reads each view and renders one with a real answer; one without sees plain tools', async () => {
    const apps = await inst.connect(serve.url, 'apps', { capabilities: UI });
    const { tools } = await apps.listTools();
    const withViews = tools.filter((t) => getToolUiResourceUri(t));
    expect(withViews.map((t) => t.name).sort()).toEqual(VIEW_TOOLS);
    const pages = new Map<string, string>();
    for (const tool of withViews) {
      const [content] = (await apps.readResource({ uri: getToolUiResourceUri(tool)! })).contents as Array<{ mimeType: string; text: string }>;
      expect(content?.mimeType).toBe(RESOURCE_MIME_TYPE);
      expect(content?.text).toMatch(/^<!doctype html>/);
      pages.set(tool.name, content!.text);
    }
    const result = (await apps.callTool({ name: 'fly-machine-list', arguments: { app: 'my-app' } })) as Record<string, unknown>;
    const page = await browser.newPage();
    try {
      const host = await new AppViewHost(page).goto(appsHost.url);
      await host.render({ html: pages.get('fly-machine-list')!, input: { app: 'my-app' }, result, theme: 'dark' });
      await expect.poll(() => host.heading().textContent()).toBe('Machines of my-app');
      await expect.poll(() => host.rows().count()).toBe(2);
      expect(await seriousViolations(await host.frame())).toEqual([]);
    } finally {
      await page.close();
    }
    await apps.close();

    const plain = await inst.connect(serve.url, 'plain');
    expect((await plain.listTools()).tools.filter((t) => t._meta?.ui)).toEqual([]);
    expect(plain.getServerCapabilities()?.resources).toBeUndefined();
    await plain.close();
  });

  it('stdio: the same views for a client that declares the extension', async () => {
    const { command, args } = cliCommand(['stdio', '--client', 'apps-stdio', '--data-dir', inst.dataDir], undefined, build);
    const client = new Client({ name: 'apps-stdio', version: '1' }, { capabilities: UI });
    await client.connect(new StdioClientTransport({ command, args, env: cliEnv(inst.env) as Record<string, string>, stderr: 'pipe' }));
    try {
      const logs = (await client.listTools()).tools.find((t) => t.name === 'fly-logs');
      expect(logs?._meta).toMatchObject({ ui: { resourceUri: 'ui://tarmac/logs.html' } });
      const [content] = (await client.readResource({ uri: 'ui://tarmac/logs.html' })).contents as Array<{ mimeType: string; text: string }>;
      expect(content?.mimeType).toBe(RESOURCE_MIME_TYPE);
      expect(content?.text).toContain('data-view="logs"');
    } finally {
      await client.close();
    }
  });
});
