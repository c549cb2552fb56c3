/**
 * Issue 22, item 9: the app icon as favicon (no 404), a title that follows the page, and odd
 * request paths such as `GET //` answered as not found, never as a server error.
 */
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.js';
import { e2eSuite, startUi } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';

const suite = e2eSuite();

describe('small things of the window', () => {
  it('the app icon is the favicon, nothing 404s, and the title follows the page', async () => {
    const ui = await startUi({ sim: false });
    suite.defer(() => ui.stop());
    const missing: string[] = [];
    const { context, page } = await (async () => {
      const context = await suite.browser().newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('response', (r) => void (r.status() === 404 && missing.push(r.url())));
      await page.goto(ui.mode.url);
      return { context, page };
    })();
    suite.defer(() => context.close());
    await new OverviewPage(page).endpointUrl().waitFor();

    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('./favicon.png');
    for (const path of ['/favicon.png', '/favicon.ico']) {
      const res = await page.request.get(`${ui.mode.origin}${path}`);
      expect(res.status(), path).toBe(200);
      expect(res.headers()['content-type']).toBe('image/png');
      expect((await res.body()).subarray(1, 4).toString()).toBe('PNG');
    }
    // What the browser asks for by itself, too.
    await page.goto(`${ui.mode.origin}/favicon.ico`);
    await page.goBack();

    await expect.poll(() => page.title()).toBe('Overview — Tarmac');
    for (const name of ['Activity', 'Tools', 'Clients', 'Accounts', 'Settings', 'Overview']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await expect.poll(() => page.title()).toBe(`${name} — Tarmac`);
    }
    expect(missing).toEqual([]);
  });

  it('`GET //` and other odd paths are 404 (signed in) or 401 (not), never 500', async () => {
    const ui = await startUi({ sim: false });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    await new OverviewPage(page).endpointUrl().waitFor();
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const host = new URL(ui.mode.origin).host;
    for (const path of ['//', '//x', '///etc/passwd', '//127.0.0.1/', '/%2F%2F']) {
      const signedIn = await rawRequest(`${ui.mode.origin}${path}`, { method: 'GET', headers: { Host: host, Cookie: cookie } });
      expect(signedIn.status, path).toBe(404);
      const anonymous = await rawRequest(`${ui.mode.origin}${path}`, { method: 'GET', headers: { Host: host } });
      expect(anonymous.status, path).toBe(401);
    }
    // The page still works afterwards.
    expect((await rawRequest(`${ui.mode.origin}/`, { method: 'GET', headers: { Host: host, Cookie: cookie } })).status).toBe(200);
  });
});
