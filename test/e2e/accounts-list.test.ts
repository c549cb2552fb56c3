import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accountContext } from '../../src/main/host/accounts/scope.js';
import { FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { e2eSuite, startUi, violationsEverywhere, type Ui } from './harness.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ApprovalDialog } from './pages/ToolsPage.js';

/**
 * Several accounts on the Accounts page (issue 23, item 5): the list per back end with the
 * profiles using each, adding one under a name, renaming it, signing it out; the approval dialog
 * and the activity details say which account a call used.
 */
const suite = e2eSuite();

const ops = { name: 'ops', description: 'Deploys', bounds: { toolsets: ['*'] }, start: { all: true } };

async function open(): Promise<{ ui: Ui; page: Page }> {
  const ui = await startUi({ sim: false, settings: { policies: {}, profiles: { defs: { ops }, clients: { ci: 'ops' } } } });
  suite.defer(() => ui.stop());
  const { context, page } = await ui.open(suite.browser(), { bypassCSP: true });
  suite.defer(() => context.close());
  await new OverviewPage(page).endpointUrl().waitFor();
  return { ui, page };
}

describe('the accounts list', () => {
  it('adds a Fly.io account by name, shows the profiles using it, renames it and signs it out; axe-clean in light and dark at 1280 and 800', async () => {
    const { ui, page } = await open();
    const accounts = await new AccountsPage(page).goto();
    await expect.poll(() => accounts.accountRow('fly', 'default').textContent()).toMatch(/essentials.*fly.*flightctl.*everything.*ops/);

    await accounts.addAccount('fly', 'work');
    const form = await accounts.method('fly-work', 'Paste a token');
    await form.getByLabel('Fly.io token').fill('FlyV1 fm2_work-token-5678');
    await form.getByRole('button', { name: 'Verify and save' }).click();
    await expect.poll(() => accounts.accountRow('fly', 'work').textContent()).toMatch(/Ready.*none/);
    expect(await accountContext(ui.t.host.context, 'work').secrets.get(FLY_TOKEN_ACCOUNT)).toBe('FlyV1 fm2_work-token-5678');
    // The default account is untouched.
    expect(await ui.t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();

    // A person binds ops to it here: the list follows without a reload.
    const bind = accounts.accountList('fly').getByRole('form', { name: 'Which Fly.io account a profile uses' });
    await bind.getByLabel('Profile').selectOption('ops');
    await bind.getByLabel('uses the account').selectOption('work');
    await bind.getByRole('button', { name: 'Use this account' }).click();
    await expect.poll(() => accounts.accountRow('fly', 'work').getByTestId('account-profiles').textContent()).toBe('ops');
    await expect.poll(() => accounts.accountRow('fly', 'default').getByTestId('account-profiles').textContent()).not.toContain('ops');

    expect(await violationsEverywhere(page, 'accounts-list', accounts.accountList('fly'))).toEqual([]);

    // A bad name is said before anything is asked; a good one renames, and the profile keeps the account.
    await accounts.accountRow('fly', 'work').getByRole('button', { name: /^Rename the / }).click();
    await accounts.accountRow('fly', 'work').getByLabel('New name for work').fill('Not OK');
    await expect.poll(() => accounts.accountRow('fly', 'work').textContent()).toMatch(/Use 1-40 of a-z/);
    await accounts.accountRow('fly', 'work').getByRole('button', { name: 'Cancel' }).click();
    await accounts.renameAccount('fly', 'work', 'deploy');
    await expect.poll(() => accounts.accountRow('fly', 'deploy').getByTestId('account-profiles').textContent()).toBe('ops');
    expect(await accounts.accountRow('fly', 'work').count()).toBe(0);

    // Its own organizations (flyctl run with its own token), under its row.
    await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'Organizations of the Fly.io account deploy' }).click();
    const orgs = page.getByTestId('account-orgs-fly-deploy');
    await orgs.getByRole('list').waitFor();
    expect(await orgs.getByRole('list').textContent()).toMatch(/personal/);
    expect(await violationsEverywhere(page, 'accounts-list-orgs', accounts.accountList('fly'))).toEqual([]);

    await accounts.signOutAccount('fly', 'deploy');
    await expect.poll(() => accounts.accountRow('fly', 'deploy').textContent()).toMatch(/not signed in/);
    expect(await accountContext(ui.t.host.context, 'work').secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
    expect(await page.content()).not.toContain('fm2_work-token');

    // Remove: not while a profile uses it (the row says which, nothing changes); then gone, name and all.
    await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'Remove the Fly.io account deploy' }).click();
    expect(await accounts.accountRow('fly', 'deploy').getByRole('status').textContent()).toContain('The profile ops uses deploy');
    expect(await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'Remove', exact: true }).count()).toBe(0);
    await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'OK' }).click();
    await bind.getByLabel('Profile').selectOption('ops');
    await bind.getByLabel('uses the account').selectOption('default');
    await bind.getByRole('button', { name: 'Use this account' }).click();
    await expect.poll(() => accounts.accountRow('fly', 'deploy').getByTestId('account-profiles').textContent()).toBe('none');
    await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'Remove the Fly.io account deploy' }).click();
    await accounts.accountRow('fly', 'deploy').getByRole('button', { name: 'Remove', exact: true }).click();
    await accounts.accountRow('fly', 'deploy').waitFor({ state: 'detached' });
    expect((await ui.t.host.settings.read()).accounts?.fly?.work).toBeUndefined();
    // The first account cannot be removed at all.
    expect(await accounts.accountRow('fly', 'default').getByRole('button', { name: /^Remove/ }).count()).toBe(0);
  });

  it('the approval dialog and the call’s details name the account the call uses', async () => {
    const { ui, page } = await open();
    await accountContext(ui.t.host.context, 'work').secrets.set(FLY_TOKEN_ACCOUNT, 'FlyV1 fm2_work-token-5678');
    await ui.t.host.settings.update((s) => ({ ...s, accounts: { fly: { work: { name: 'deploy' } } } }));
    await ui.mode.api.api.setProfileAccount('ops', 'fly', 'deploy');
    await ui.t.host.settings.update((s) => ({ ...s, policies: { classes: { read: 'ask' } } }));
    const client = await ui.t.connect('ci');
    const call = client.callTool({ name: 'fly-apps-list', arguments: {} });
    const dialog = new ApprovalDialog(page);
    await dialog.request().waitFor();
    expect(await page.getByTestId('approval-account').textContent()).toBe('fly account deploy');
    expect(await violationsEverywhere(page, 'approval-account', dialog.request())).toEqual([]);
    await dialog.button('Allow once').click();
    expect((await call).isError).toBeFalsy();

    const activity = await new ActivityPage(page).goto();
    await activity.row(/fly-apps-list/).click();
    await expect.poll(() => activity.details().textContent()).toMatch(/Accountdeploy/);
  });
});
