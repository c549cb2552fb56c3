import type { Locator, Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('link', { name: 'Settings' }).click();
    await this.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    return this;
  }

  port(): Locator {
    return this.page.getByLabel('Port');
  }

  async movePort(port: number): Promise<void> {
    await this.port().fill(String(port));
    await this.page.getByRole('button', { name: 'Move endpoint' }).click();
  }

  flyctlPath(): Locator {
    return this.page.getByLabel('flyctl path');
  }

  theme(label: 'System' | 'Light' | 'Dark'): Locator {
    return this.page.getByRole('radio', { name: label });
  }
}
