import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../fixtures/otlp-receiver.js';
import { testTools } from '../fixtures/test-tools.js';
import { e2eSuite, seriousViolations, startUi, violationsInBothThemes } from './harness.js';
import { SettingsPage } from './pages/SettingsPage.js';

/**
 * Settings › OpenTelemetry export, used as a person would: a bad URL is explained where it was
 * typed, a header's value goes to the keychain and is never shown again, turning export on shows
 * it working (pushed by the host, no reload), a collector that stops answering shows as failing.
 */
const suite = e2eSuite();
const shoot = async (page: Page, name: string) => expect(await violationsInBothThemes(page, name, page.getByTestId('telemetry-card'))).toEqual([]);

describe('OpenTelemetry export in Settings', () => {
  it('is configured, shown working and shown failing, with the header value never on screen', async () => {
    const rx = await startOtlpReceiver();
    suite.defer(() => rx.close());
    const ui = await startUi({ sim: false, tools: testTools(), env: { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_METRIC_EXPORT_INTERVAL: '200' } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
    suite.defer(() => context.close());
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const settings = await new SettingsPage(page).goto();
    const telemetry = settings.telemetry();
    await telemetry.root.waitFor();
    expect(await telemetry.status().textContent()).toMatch(/^Off/);
    expect(await telemetry.exportSwitch().getAttribute('aria-checked')).toBe('false');

    // A typo is explained under the field, and Save waits for a usable URL.
    await telemetry.endpoint().fill('localhost:4318');
    expect(await telemetry.root.getByText(/Enter a full URL starting with http/).isVisible()).toBe(true);
    expect(await telemetry.root.getByRole('button', { name: 'Save export settings' }).isDisabled()).toBe(true);
    expect(await telemetry.endpoint().getAttribute('aria-invalid')).toBe('true');
    await telemetry.endpoint().fill(rx.url);
    await telemetry.save();
    await expect.poll(async () => (await ui.t.host.settings.read()).telemetry?.endpoint).toBe(rx.url);

    // A header: its value leaves the page for the keychain.
    await telemetry.addHeader('x-api-key', 'e2e-header-canary-5521');
    await expect.poll(() => telemetry.storedHeaders().count()).toBe(1);
    expect(await telemetry.storedHeaders().first().textContent()).toMatch(/x-api-key.*value stored in the keychain/);
    expect(await page.content()).not.toContain('e2e-header-canary');
    expect(await ui.t.host.secrets.get('telemetry:headers')).toContain('e2e-header-canary-5521');

    // On: the host says it exports, without a reload; a call's span arrives with the header.
    await telemetry.exportSwitch().click();
    await expect.poll(() => telemetry.status().textContent(), { timeout: 10_000 }).toMatch(/^Exporting.*go to http:\/\/127\.0\.0\.1:\d+/);
    const client = await ui.t.connect('e2e-otel');
    await client.callTool({ name: 'echo', arguments: { text: 'traced' } });
    await expect.poll(() => rx.spans.map((s) => s.name), { timeout: 10_000 }).toContain('tools/call echo');
    expect(rx.requests.every((r) => r.headers['x-api-key'] === 'e2e-header-canary-5521')).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'settings-telemetry-exporting');

    // The collector stops answering: the card says so, and what to check.
    rx.setMode('refuse');
    await client.callTool({ name: 'echo', arguments: { text: 'lost' } });
    await expect.poll(() => telemetry.status().textContent(), { timeout: 15_000 }).toMatch(/^Failing.*cannot reach http:\/\/127\.0\.0\.1:\d+.*check that the collector runs/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await shoot(page, 'settings-telemetry-failing');

    // Off with the keyboard; the header can be removed.
    await telemetry.exportSwitch().focus();
    await page.keyboard.press('Space');
    await expect.poll(() => telemetry.status().textContent()).toMatch(/^Off/);
    await telemetry.root.getByRole('button', { name: 'Remove the header x-api-key' }).click();
    await expect.poll(() => telemetry.storedHeaders().count()).toBe(0);
    expect(await ui.t.host.secrets.get('telemetry:headers')).toBeNull();
    await client.close();
  });

  it('names the OTEL_* variables Tarmac was started with and lets a person refuse them', async () => {
    const rx = await startOtlpReceiver();
    suite.defer(() => rx.close());
    const ui = await startUi({ sim: false, tools: testTools(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-secret=e2e-env-canary-88' } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser(), { colorScheme: 'dark', bypassCSP: true });
    suite.defer(() => context.close());
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const telemetry = (await new SettingsPage(page).goto()).telemetry();
    await expect.poll(() => telemetry.status().textContent(), { timeout: 10_000 }).toMatch(/^Exporting.*set by OTEL_\* variables/);
    expect(await telemetry.root.getByTestId('telemetry-environment').textContent()).toContain('OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS');
    expect(await page.content()).not.toContain('e2e-env-canary');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'settings-telemetry-environment');
    await telemetry.root.getByRole('button', { name: 'Never export, even with OTEL_* variables' }).click();
    await expect.poll(() => telemetry.status().textContent()).toMatch(/^Off.*turned off in Tarmac’s settings/);
    expect(ui.t.host.telemetry.enabled).toBe(false);
  });
});
