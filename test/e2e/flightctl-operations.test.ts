import { describe, expect, it } from 'vitest';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { e2eSuite, startUi, violationsEverywhere } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ApprovalDialog } from './pages/ToolsPage.js';

/**
 * Issue 24, part 3: a Flight Control operation asks a person in the window with what it would
 * do in plain sight: the tool, the device (as the agent named it), the decommission target and
 * the account; decommission is asked as destructive, an application stop as a write.
 */
const suite = e2eSuite();

type Dev = { metadata: { name: string; labels: Record<string, string> }; spec: { decommissioning?: unknown } };
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]?.text ?? '';

describe('Flight Control operations in the approval dialog', () => {
  it('decommission asks as destructive with the device, target and account; denied, the device is untouched; an application stop asks as a write and runs once allowed', async () => {
    const ui = await startUi({ sim: { devices: 6, fleets: 2 }, settings: { policies: {} } });
    suite.defer(() => ui.stop());
    const sim = ui.sim!;
    await ui.t.host.settings.update((s) => ({ ...s, flightctl: { apiUrl: sim.url } }));
    await signIn(sim, ui.t.secrets);
    const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
    suite.defer(() => context.close());
    await new OverviewPage(page).endpointUrl().waitFor();
    const dialog = new ApprovalDialog(page);
    const client = await ui.t.connect('cursor');
    const dev = sim.data().devices[0] as unknown as Dev;
    const alias = dev.metadata.labels.alias!;
    const found: string[] = [];

    const decommission = client.callTool({ name: 'decommission_device', arguments: { device_name: alias, target: 'FactoryReset' } });
    await dialog.request().waitFor();
    expect(await dialog.request().getAttribute('data-class')).toBe('destructive');
    expect((await dialog.destructiveBand().textContent())?.trim()).toBe('Destructive: this may not be undone');
    const shown = (await dialog.dialog().textContent()) ?? '';
    expect(shown).toContain('Decommission device');
    expect(shown).toMatch(/Decommission a Flight Control device: it leaves its fleet, loses its labels and its agent unenrolls/);
    expect(shown).toContain('default');
    const args = (await dialog.arguments().textContent()) ?? '';
    expect(args).toContain(alias);
    expect(args).toContain('FactoryReset');
    found.push(...(await violationsEverywhere(page, 'flightctl-decommission-approval')));
    await dialog.button('Deny').click();
    expect(text(await decommission)).toMatch(/declined/);
    expect((sim.data().deviceByName.get(dev.metadata.name) as unknown as Dev).spec.decommissioning).toBeUndefined();
    await dialog.dialog().waitFor({ state: 'detached' });

    const stop = client.callTool({ name: 'device_application_action', arguments: { device_name: alias, application: 'web', action: 'stop' } });
    await dialog.request().waitFor();
    expect(await dialog.request().getAttribute('data-class')).toBe('write');
    expect(await dialog.destructiveBand().count()).toBe(0);
    const stopArgs = (await dialog.arguments().textContent()) ?? '';
    for (const part of [alias, 'web', 'stop']) expect(stopArgs).toContain(part);
    found.push(...(await violationsEverywhere(page, 'flightctl-app-stop-approval')));
    await dialog.button('Allow once').click();
    expect(text(await stop)).toMatch(new RegExp(`^stop requested for application web on device ${dev.metadata.name} \\(${alias}\\)`));
    expect(found).toEqual([]);
  });
});
