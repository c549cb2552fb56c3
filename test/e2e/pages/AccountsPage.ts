import type { Locator, Page } from 'playwright-core';

/** Accounts: one card per provider with its generic sign-in forms. */
export class AccountsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await this.page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();
    return this;
  }

  card(id: string): Locator {
    return this.page.getByTestId(`account-${id}`);
  }

  summary(id: string): Locator {
    return this.page.getByTestId(`account-${id}-summary`);
  }

  signIn(id: string): Locator {
    return this.page.getByTestId(`sign-in-${id}`);
  }

  /**
   * Opens a sign-in method: its tab when there are several, the form itself when there is one,
   * or the "Or …" button of another way in (importing flightctl's login).
   */
  async method(id: string, label: string): Promise<Locator> {
    const tab = this.signIn(id).getByRole('tab', { name: label });
    const toggle = this.secondaryToggle(id, label);
    const form = this.signIn(id).getByRole('form', { name: label });
    await tab.or(toggle).or(form).first().waitFor();
    if (await tab.count()) await tab.click();
    else if ((await toggle.count()) && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    return form;
  }

  /** The button that opens another way in, below the sign-in ("Or import flightctl’s login"). */
  secondaryToggle(id: string, label: string): Locator {
    return this.signIn(id).getByRole('button', { name: new RegExp(`^(Or )?${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i') });
  }

  /** The organizations of a signed-in account, as listed (Fly.io). */
  organizations(id: string): Locator {
    return this.card(id).getByRole('list', { name: /^Organizations/ });
  }

  /** Flight Control's first step: the server, then Continue. */
  async connect(id: string, apiUrl: string, extra: { caCertPath?: string; skipVerify?: boolean } = {}): Promise<void> {
    const form = this.signIn(id).getByRole('form', { name: /server$/ });
    await form.getByLabel('Server URL').fill(apiUrl);
    if (extra.caCertPath) await form.getByLabel(/CA certificate file/).fill(extra.caCertPath);
    if (extra.skipVerify) await form.getByLabel('Skip TLS certificate checks').check();
    await form.getByRole('button', { name: /Continue|Check the server again/ }).click();
  }

  progress(id: string): Locator {
    return this.card(id).getByTestId('sign-in-progress');
  }

  alert(id: string): Locator {
    return this.card(id).getByRole('alert');
  }

  async signOut(id: string): Promise<void> {
    await this.card(id).getByRole('button', { name: 'Sign out…' }).click();
    await this.card(id).getByRole('button', { name: 'Sign out', exact: true }).click();
  }

  /** The list of one back end's accounts (its table, the add button). */
  accountList(provider: string): Locator {
    return this.page.getByTestId(`accounts-${provider}`);
  }

  accountRow(provider: string, name: string): Locator {
    return this.page.getByTestId(`account-row-${provider}-${name}`);
  }

  /** Starts adding an account: its name, then Continue; the sign-in form for it follows (signIn(`${provider}-${name}`)). */
  async addAccount(provider: string, name: string): Promise<void> {
    await this.accountList(provider).getByRole('button', { name: /^Add a .* account/ }).click();
    const form = this.accountList(provider).getByRole('form', { name: /^New .* account$/ });
    await form.getByLabel('Name of the new account').fill(name);
    await form.getByRole('button', { name: 'Continue' }).click();
  }

  async renameAccount(provider: string, from: string, to: string): Promise<void> {
    await this.accountRow(provider, from).getByRole('button', { name: /^Rename the / }).click();
    const form = this.accountRow(provider, from).getByRole('form', { name: `Rename ${from}` });
    await form.getByLabel(`New name for ${from}`).fill(to);
    await form.getByRole('button', { name: 'Save' }).click();
  }

  async signOutAccount(provider: string, name: string): Promise<void> {
    await this.accountRow(provider, name).getByRole('button', { name: /^Sign out of the / }).click();
    await this.accountRow(provider, name).getByRole('button', { name: 'Sign out', exact: true }).click();
  }
}
