import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowedSender, isRendererUrl, rendererLocation, type RendererLocation } from '../../src/main/electron/sender.js';

const file = resolve('/opt/Tarmac/resources/app.asar/out/renderer/index.html');
const fileUrl = pathToFileURL(file).href;
const packaged: RendererLocation = { file };
const dev: RendererLocation = { file, devServerUrl: 'http://localhost:5173' };
const fromWindow = (url: string | null) => ({ fromMainWindow: true, isMainFrame: true, url });

describe('renderer location', () => {
  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    expect(rendererLocation(true, 'http://evil.example/', file)).toEqual({ file });
  });

  it('uses the dev server in development', () => {
    expect(rendererLocation(false, 'http://localhost:5173', file)).toEqual({ file, devServerUrl: 'http://localhost:5173' });
  });

  it('loads the built files when no (or no web) dev server URL is given', () => {
    expect(rendererLocation(false, undefined, file)).toEqual({ file });
    expect(rendererLocation(false, '', file)).toEqual({ file });
    expect(rendererLocation(false, 'file:///etc/passwd', file)).toEqual({ file });
    expect(rendererLocation(false, 'not a url', file)).toEqual({ file });
  });
});

describe('renderer URL', () => {
  it("accepts the app's own index.html, with or without a route", () => {
    expect(isRendererUrl(fileUrl, packaged)).toBe(true);
    expect(isRendererUrl(`${fileUrl}#/providers`, packaged)).toBe(true);
    expect(isRendererUrl(`${fileUrl}?tab=fly`, packaged)).toBe(true);
  });

  it('accepts a renderer path with spaces however it is encoded', () => {
    const spaced = resolve('/Applications/My Apps/Tarmac/index.html');
    expect(isRendererUrl(pathToFileURL(spaced).href, { file: spaced })).toBe(true);
  });

  it('rejects any other file', () => {
    expect(isRendererUrl(pathToFileURL(join(file, '..', 'other.html')).href, packaged)).toBe(false);
    expect(isRendererUrl(pathToFileURL('/tmp/index.html').href, packaged)).toBe(false);
    expect(isRendererUrl(`${fileUrl}/../../../../evil/index.html`, packaged)).toBe(false);
    expect(isRendererUrl(pathToFileURL(`${file}.evil.html`).href, packaged)).toBe(false);
  });

  it('rejects a file URL on another host', () => {
    const url = new URL(fileUrl);
    url.host = 'attacker';
    expect(isRendererUrl(url.href, packaged)).toBe(false);
  });

  it('rejects web pages, other schemes and garbage in a packaged app', () => {
    for (const url of ['http://localhost:5173/', 'https://evil.example/', 'about:blank', 'data:text/html,hi', 'devtools://devtools/x', '', 'nope']) {
      expect(isRendererUrl(url, packaged), url).toBe(false);
    }
  });

  it('accepts the dev server, and only its origin, in development', () => {
    expect(isRendererUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isRendererUrl('http://localhost:5173/index.html#/x', dev)).toBe(true);
    expect(isRendererUrl(fileUrl, dev)).toBe(true);
    expect(isRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isRendererUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isRendererUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
  });
});

describe('IPC sender', () => {
  it("allows the main window's top frame showing our renderer", () => {
    expect(isAllowedSender(fromWindow(fileUrl), packaged)).toBe(true);
    expect(isAllowedSender(fromWindow('http://localhost:5173/'), dev)).toBe(true);
  });

  it('refuses other windows, iframes and frames that are gone', () => {
    expect(isAllowedSender({ fromMainWindow: false, isMainFrame: true, url: fileUrl }, packaged)).toBe(false);
    expect(isAllowedSender({ fromMainWindow: true, isMainFrame: false, url: fileUrl }, packaged)).toBe(false);
    expect(isAllowedSender(fromWindow(null), packaged)).toBe(false);
  });

  it('refuses the main window once it shows something else', () => {
    expect(isAllowedSender(fromWindow('https://evil.example/'), packaged)).toBe(false);
    expect(isAllowedSender(fromWindow('http://localhost:5173/'), packaged)).toBe(false);
  });
});

describe('links the window hands to the OS', () => {
  it('opens the AI clients own install links, and nothing else that is not the web', async () => {
    const { isClientInstallLink } = await import('../../src/main/electron/sender.js');
    expect(isClientInstallLink('cursor://anysphere.cursor-deeplink/mcp/install?name=tarmac&config=e30=')).toBe(true);
    expect(isClientInstallLink('vscode:mcp/install?%7B%7D')).toBe(true);
    expect(isClientInstallLink('vscode-insiders:mcp/install?%7B%7D')).toBe(true);
    expect(isClientInstallLink('lmstudio://add_mcp?name=tarmac&config=e30=')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'vscode://file/etc/passwd', 'cursor://anysphere.cursor-deeplink/other', 'javascript:alert(1)', 'smb://host/share']) {
      expect(isClientInstallLink(bad), bad).toBe(false);
    }
  });
});
