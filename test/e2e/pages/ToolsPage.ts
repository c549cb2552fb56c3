import type { Locator, Page } from 'playwright-core';

export class ToolsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await this.page.getByRole('heading', { name: 'Tools', level: 1 }).waitFor();
    return this;
  }

  /** A tool's row: its class, policy picker, the rule behind it, its on/off switch. */
  row(tool: string): Locator {
    return this.page.getByTestId(`tool-${tool}`);
  }

  policy(tool: string): Locator {
    return this.page.getByLabel(`Policy for ${tool}`);
  }

  search(): Locator {
    return this.page.getByRole('searchbox', { name: 'Search tools' });
  }

  /** Shows only the tools of one profile ("" for all). */
  profileFilter(): Locator {
    return this.page.getByRole('combobox', { name: 'Profile' });
  }

  /** Every tool row shown now. */
  rows(): Locator {
    return this.page.locator('[data-testid^="tool-"]');
  }

  /** The rules single clients have for this tool ("Allow this tool for cursor"), in its row. */
  clientRules(tool: string): Locator {
    return this.page.getByRole('list', { name: `Rules of single clients for ${tool}` });
  }

  removeClientRule(client: string, target: string): Locator {
    return this.page.getByRole('button', { name: `Remove ${client}’s rule for ${target}` });
  }

  resetRules(): Locator {
    return this.page.getByRole('button', { name: 'Reset every rule…' });
  }

  /** The question "Reset all N rules?" before a reset. */
  resetDialog(): Locator {
    return this.page.getByTestId('reset-rules-dialog');
  }
}

/** The approval dialog, shown over any page while a call waits. */
export class ApprovalDialog {
  constructor(readonly page: Page) {}

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  button(name: 'Allow once' | 'Deny' | RegExp): Locator {
    return this.dialog().getByRole('button', { name });
  }

  /** The question itself (data-class says the tool's class). */
  request(): Locator {
    return this.page.getByTestId('approval-dialog');
  }

  /** The red band a destructive call's question has. */
  destructiveBand(): Locator {
    return this.page.getByTestId('approval-destructive-band');
  }

  /** The seconds left, counted down on screen. */
  countdown(): Locator {
    return this.page.getByRole('timer', { name: 'Time left before it is denied' });
  }

  arguments(): Locator {
    return this.dialog().getByLabel('Arguments');
  }

  /** What became of a call that stopped waiting without an answer here (expired, withdrawn, answered elsewhere). */
  notice(): Locator {
    return this.page.getByTestId('approval-settled');
  }
}
