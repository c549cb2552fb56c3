import type { Locator, Page } from 'playwright-core';

/** Clients: one card per AI client, the change dialog with its diff, "Register all detected". */
export class ClientsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await this.page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await this.card('cursor').waitFor();
    return this;
  }

  card(id: string): Locator {
    return this.page.getByTestId(`client-${id}`);
  }

  badge(id: string): Locator {
    return this.card(id).locator('.badge');
  }

  staleReason(id: string): Locator {
    return this.card(id).getByTestId('stale-reason');
  }

  button(id: string, name: 'Register' | 'Remove' | 'Repair' | 'Overwrite' | 'Replace with Tarmac’s entry…' | 'Check again'): Locator {
    return this.card(id).getByRole('button', { name, exact: true });
  }

  /** What was found in a file Tarmac cannot read or does not own, and what to do. */
  problem(id: string): Locator {
    return this.card(id).getByTestId('config-problem');
  }

  lastConnected(id: string): Locator {
    return this.card(id).getByTestId('last-connected');
  }

  /** The config file paths shown on a card. */
  paths(id: string): Locator {
    return this.card(id).getByRole('list', { name: /^Config files? of / }).locator('.path');
  }

  registerAllDetected(): Locator {
    return this.page.getByRole('button', { name: /^Register all detected/ });
  }

  filter(): Locator {
    return this.page.getByLabel('Filter clients by name');
  }

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  /** The unified diff of one file in the open dialog. */
  diff(path: string): Locator {
    return this.dialog().getByLabel(`Unified diff of ${path}`);
  }

  apply(): Locator {
    return this.dialog().getByRole('button', { name: 'Apply' });
  }

  cancel(): Locator {
    return this.dialog().getByRole('button', { name: 'Cancel' });
  }

  /** The page's message after a change was written. */
  done(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'Restart the client' });
  }
}

/** Clients > Access: every credential that can reach the endpoint, Create token, Revoke. */
export class AccessPanel {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await this.page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await this.tab().click();
    await this.heading().waitFor();
    await this.page.getByRole('list', { name: /^Clients that can reach Tarmac/ }).waitFor();
    return this;
  }

  tab(): Locator {
    return this.page.getByRole('tab', { name: /^Access/ });
  }

  heading(): Locator {
    return this.page.getByRole('heading', { name: /^Clients that can reach Tarmac/, level: 2 });
  }

  row(name: string): Locator {
    return this.page.getByTestId(`credential-${name}`);
  }

  createButton(): Locator {
    return this.page.getByRole('button', { name: 'Create token' }).first();
  }

  revokeButton(name: string): Locator {
    return this.row(name).getByRole('button', { name: `Revoke ${name}` });
  }

  dialog(): Locator {
    return this.page.getByRole('dialog').or(this.page.getByRole('alertdialog'));
  }

  nameField(): Locator {
    return this.dialog().getByLabel('Client name');
  }

  tokenField(name: string): Locator {
    return this.dialog().getByRole('textbox', { name: `Token for ${name}`, exact: true });
  }

  /** A client's profile picker, under its row. */
  profileSelect(name: string): Locator {
    return this.row(name).getByLabel('Profile');
  }

  /** "Lists N tools now, about T tokens…" under a client's row. */
  listedNow(name: string): Locator {
    return this.row(name).getByTestId('listed-now');
  }

  /** The toolsets a client's agent enabled, each with its remove button. */
  enabledToolsets(name: string): Locator {
    return this.row(name).getByRole('list', { name: `Toolsets ${name}'s agent enabled` });
  }

  removeToolset(name: string, toolset: string): Locator {
    return this.row(name).getByRole('button', { name: `Remove ${toolset} from ${name}'s list` });
  }

  /** The profiles table's row of one profile. */
  profileRow(profile: string): Locator {
    return this.page.getByTestId(`profile-row-${profile}`);
  }

  newProfileButton(): Locator {
    return this.page.getByRole('button', { name: 'New profile…' });
  }

  /** The profile editor (a new profile, or one of the person's own being changed). */
  editor(): ProfileEditorForm {
    return new ProfileEditorForm(this.page.getByTestId('profile-editor'));
  }

  changeProfileButton(profile: string): Locator {
    return this.profileRow(profile).getByRole('button', { name: `Change the profile ${profile}` });
  }

  deleteProfileButton(profile: string): Locator {
    return this.profileRow(profile).getByRole('button', { name: `Delete the profile ${profile}` });
  }
}

export class ProfileEditorForm {
  constructor(readonly root: Locator) {}

  name(): Locator {
    return this.root.getByLabel('Name', { exact: true });
  }

  description(): Locator {
    return this.root.getByLabel('Description (optional)');
  }

  everyToolset(): Locator {
    return this.root.getByLabel('Every toolset (and tools added later)');
  }

  toolset(name: string): Locator {
    return this.root.getByRole('checkbox', { name, exact: true });
  }

  readOnly(): Locator {
    return this.root.getByLabel('Read tools only');
  }

  start(label: 'Everything it may call' | 'Its read tools' | 'Nothing'): Locator {
    return this.root.getByRole('radio', { name: label });
  }

  discovery(): Locator {
    return this.root.getByLabel('Discovery tools');
  }

  submit(): Locator {
    return this.root.getByRole('button', { name: /^(Create the profile|Save the changes)$/ });
  }

  nameHelp(): Locator {
    return this.root.locator('[id$="-name-help"]');
  }
}
