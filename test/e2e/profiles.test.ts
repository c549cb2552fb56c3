/**
 * Profiles in the window against a real host: Clients › Access shows each client's profile and
 * what its list costs, a person picks another (wider too: the window is a person), the toolsets
 * its agent enabled are shown as they happen (an event, no reload) and can be removed; the Tools
 * page filters by profile. axe-clean, light and dark, 1280x800 and 800x600.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSuite, startUi, violationsEverywhere, type Ui } from './harness.js';
import { AccessPanel } from './pages/ClientsPage.js';
import { ToolsPage } from './pages/ToolsPage.js';

const suite = e2eSuite();

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, settings: { profiles: { clients: { cursor: 'essentials' } } } });
  suite.defer(() => ui.stop());
  await ui.t.tokenFor('cursor');
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  return { ui, page };
}

describe('profiles in the window', () => {
  it('Clients › Access: each client’s profile and cost; a person moves one (wider too); enabled toolsets appear as the agent enables them and can be removed', async () => {
    const { ui, page } = await open();
    const access = await new AccessPanel(page).goto();
    expect(await access.profileSelect('cursor').inputValue()).toBe('essentials');
    // A client from before profiles (no profile set) has everything.
    expect(await access.profileSelect('test').inputValue()).toBe('everything');
    expect(await access.listedNow('cursor').textContent()).toMatch(/^Lists 40 tools now, about [\d,]+ tokens/);
    expect(await access.profileRow('essentials').getByTestId('tokens').textContent()).toMatch(/^[1-5],\d{3} tokens$/);
    expect(await access.profileRow('everything').textContent()).toMatch(/84 tools/);

    // Narrow, then widen back: the window is a person, so both apply.
    await access.profileSelect('cursor').selectOption('flightctl');
    await expect.poll(() => access.listedNow('cursor').textContent()).toMatch(/^Lists 24 tools now/);
    expect((await ui.t.host.guardrails.listing('cursor')).profile).toBe('flightctl');
    await access.profileSelect('cursor').selectOption('everything');
    await expect.poll(() => access.listedNow('cursor').textContent()).toMatch(/^Lists 84 tools now/);
    await access.profileSelect('cursor').selectOption('essentials');
    await expect.poll(() => access.listedNow('cursor').textContent()).toMatch(/^Lists 40 tools now/);

    // The agent enables a toolset over MCP: the window shows it without a reload.
    const client = await ui.t.connect('cursor');
    await client.callTool({ name: 'tarmac_enable_toolset', arguments: { toolset: 'fly-secrets' } });
    await access.enabledToolsets('cursor').waitFor();
    expect(await access.enabledToolsets('cursor').textContent()).toContain('fly-secrets');
    expect(await access.listedNow('cursor').textContent()).toMatch(/^Lists 43 tools now/);
    // axe at 1280x800 and 800x600, light and dark; screenshots of the rows and of the profiles table.
    expect(await violationsEverywhere(page, 'profiles-access', access.row('cursor'))).toEqual([]);
    expect(await violationsEverywhere(page, 'profiles-table', page.getByRole('region', { name: 'Profiles' }).first())).toEqual([]);

    // Undo in the window: the toolset leaves the client's list.
    await access.removeToolset('cursor', 'fly-secrets').click();
    await access.enabledToolsets('cursor').waitFor({ state: 'detached' });
    expect((await ui.t.host.guardrails.listing('cursor')).listed.has('fly-secrets-set')).toBe(false);
  });

  it('Clients › Access: a person makes a profile of their own, gives it to a client, changes it and deletes it', async () => {
    const { ui, page } = await open();
    const access = await new AccessPanel(page).goto();
    // Shipped profiles can be neither changed nor deleted.
    expect(await access.changeProfileButton('essentials').count()).toBe(0);
    await access.newProfileButton().click();
    const editor = access.editor();
    await editor.name().fill('Bad Name');
    expect(await editor.nameHelp().textContent()).toContain('Use 1-40 of a-z 0-9');
    expect(await editor.submit().isDisabled()).toBe(true);
    await editor.name().fill('essentials');
    expect(await editor.nameHelp().textContent()).toContain('ships with Tarmac');
    await editor.name().fill('ops');
    // No toolset chosen yet: nothing to save.
    expect(await editor.submit().isDisabled()).toBe(true);
    await editor.description().fill('Logs and app status, nothing that changes');
    await editor.toolset('fly-apps').check();
    await editor.toolset('fly-logs').check();
    await editor.readOnly().check();
    await editor.start('Everything it may call').check();
    await editor.discovery().uncheck();
    expect(await violationsEverywhere(page, 'profile-editor', editor.root)).toEqual([]);
    await editor.submit().click();
    await access.profileRow('ops').waitFor();
    expect(await access.profileRow('ops').textContent()).toContain('yours');
    const saved = (await ui.t.host.settings.read()).profiles?.defs?.ops;
    expect(saved).toEqual({
      name: 'ops',
      description: 'Logs and app status, nothing that changes',
      bounds: { toolsets: ['fly-apps', 'fly-logs'], readOnly: true },
      start: { all: true },
    });
    // It is a profile like the others: a client gets it, and its list is exactly the read tools of those toolsets.
    await access.profileSelect('cursor').selectOption('ops');
    await expect.poll(async () => (await ui.t.host.guardrails.listing('cursor')).profile).toBe('ops');
    const listed = [...(await ui.t.host.guardrails.listing('cursor')).listed].sort();
    expect(listed).toContain('fly-apps-list');
    expect(listed).toContain('fly-logs');
    expect(listed).not.toContain('fly-apps-destroy');
    // In use: deleting says who has it and changes nothing.
    await access.deleteProfileButton('ops').click();
    await access.profileRow('ops').getByRole('status').waitFor();
    expect(await access.profileRow('ops').getByRole('status').textContent()).toContain('cursor has this profile');
    await access.profileRow('ops').getByRole('button', { name: 'OK' }).click();

    // Change it: the editor starts from what was saved.
    await access.changeProfileButton('ops').click();
    expect(await editor.name().inputValue()).toBe('ops');
    expect(await editor.toolset('fly-logs').isChecked()).toBe(true);
    expect(await editor.readOnly().isChecked()).toBe(true);
    await editor.readOnly().uncheck();
    await editor.submit().click();
    await editor.root.waitFor({ state: 'detached' });
    await expect.poll(async () => (await ui.t.host.guardrails.listing('cursor')).listed.has('fly-apps-destroy')).toBe(true);

    // Free it, then delete it.
    await access.profileSelect('cursor').selectOption('essentials');
    await expect.poll(async () => (await ui.t.host.guardrails.listing('cursor')).profile).toBe('essentials');
    await access.deleteProfileButton('ops').click();
    await access.profileRow('ops').getByRole('button', { name: 'Delete', exact: true }).click();
    await access.profileRow('ops').waitFor({ state: 'detached' });
    expect((await ui.t.host.settings.read()).profiles?.defs?.ops).toBeUndefined();
  });

  it('Tools: filtering by profile shows its tools and which are listed first', async () => {
    const { page } = await open();
    const tools = await new ToolsPage(page).goto();
    await tools.row('fly-apps-list').waitFor();
    expect(await tools.rows().count()).toBe(84);
    await tools.profileFilter().selectOption('flightctl');
    await expect.poll(() => tools.rows().count()).toBe(24);
    await tools.profileFilter().selectOption('essentials');
    await expect.poll(() => tools.rows().count()).toBe(84);
    expect(await tools.row('fly-apps-list').textContent()).toContain('listed first');
    expect(await tools.row('fly-apps-destroy').textContent()).not.toContain('listed first');
    expect(await page.getByRole('status').filter({ hasText: 'essentials: a client with it may call' }).textContent()).toMatch(/lists 37 of them first \(with the discovery tools/);
    expect(await violationsEverywhere(page, 'profiles-tools', page.getByRole('region', { name: 'Every tool' }))).toEqual([]);
  });
});
