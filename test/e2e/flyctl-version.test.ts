import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeFlyctlRelease } from '../helpers/fly.js';
import { e2eSuite, startUi, violationsEverywhere } from './harness.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SettingsPage } from './pages/SettingsPage.js';

/**
 * The Overview says which flyctl is in use and what Fly tools it gets, and follows another flyctl
 * chosen in Settings without a reload (host events). An old fake flyctl (0.3.45, without
 * `machine uncordon`), then the reference release (0.4.87).
 */
const suite = e2eSuite();

describe('the flyctl in use, on the Overview', () => {
  it('shows the version and the tools it gets; another flyctl in Settings changes both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-e2e-flyctl-'));
    suite.defer(() => rm(dir, { recursive: true, force: true }));
    const old = await fakeFlyctlRelease(join(dir, 'flyctl-0.3.45'), '0.3.45', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon' });
    const current = await fakeFlyctlRelease(join(dir, 'flyctl-0.4.87'), '0.4.87');
    const ui = await startUi({ sim: false, settings: { flyctlPath: old } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
    suite.defer(() => context.close());

    const overview = new OverviewPage(page);
    await overview.program('fly').waitFor();
    await expect.poll(() => overview.programFact('fly', 'flyctl').textContent()).toBe('v0.3.45');
    await expect.poll(() => overview.programFact('fly', 'Fly tools').textContent()).toMatch(/^59 of 60; not with this flyctl: fly-machine-upcordon; arguments only older releases have: vm-gpu-kind, vm-gpus/);
    const offered = ui.t.host.catalogue.offered;
    await expect.poll(() => overview.toolCount().textContent()).toBe(String(offered));
    expect(await violationsEverywhere(page, 'overview-flyctl-old', page.locator('main'))).toEqual([]);

    const settings = await new SettingsPage(page).goto();
    await settings.setFlyctlPath(current);
    await expect.poll(async () => (await ui.t.host.settings.read()).flyctlPath).toBe(current);
    await overview.goto();
    await expect.poll(() => overview.programFact('fly', 'flyctl').textContent()).toBe('v0.4.87');
    await expect.poll(() => overview.programFact('fly', 'Fly tools').textContent()).toBe('60 of 60');
    await expect.poll(() => overview.toolCount().textContent()).toBe(String(offered + 1));
    expect(await violationsEverywhere(page, 'overview-flyctl-current', page.locator('main'))).toEqual([]);
  });

  it('says nothing of a flyctl when none is found', async () => {
    const ui = await startUi({ sim: false, settings: { flyctlPath: undefined }, env: { PATH: '/nonexistent' } });
    suite.defer(() => ui.stop());
    const { context, page } = await ui.open(suite.browser());
    suite.defer(() => context.close());
    const overview = new OverviewPage(page);
    await expect.poll(() => overview.summary('fly').textContent()).toMatch(/flyctl not found/);
    expect(await overview.program('fly').count()).toBe(0);
  });
});
