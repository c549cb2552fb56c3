import type { Locator, Page } from 'playwright-core';

export class ToolsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('link', { name: 'Tools' }).click();
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
}
