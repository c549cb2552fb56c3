import type { Locator, Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await this.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    return this;
  }

  /** The endpoint's port field (not the telemetry card, whose description mentions ports). */
  port(): Locator {
    return this.page.getByRole('textbox', { name: 'Port', exact: true });
  }

  async movePort(port: number): Promise<void> {
    await this.port().fill(String(port));
    await this.page.getByRole('button', { name: 'Move endpoint' }).click();
  }

  flyctlPath(): Locator {
    return this.page.getByLabel('flyctl path');
  }

  /** Choose another flyctl program, as a person does (the field, then Save). */
  async setFlyctlPath(path: string): Promise<void> {
    await this.flyctlPath().fill(path);
    await this.flyctlPath().locator('xpath=ancestor::form[1]').getByRole('button', { name: 'Save', exact: true }).click();
  }

  /** The message next to a field saying what it accepts; empty while the value is fine. */
  async fieldError(field: Locator): Promise<string | null> {
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
    for (const id of ids) {
      const el = this.page.locator(`[id="${id}"].field-error`);
      if (await el.count()) return el.textContent();
    }
    return null;
  }

  moveButton(): Locator {
    return this.page.getByRole('button', { name: 'Move endpoint' });
  }

  /** After a port move: the clients that still point at the old one. */
  clientsToRepair(): Locator {
    return this.page.getByTestId('clients-to-repair');
  }

  theme(label: 'System' | 'Light' | 'Dark'): Locator {
    return this.page.getByRole('radio', { name: label });
  }

  /** Settings › OpenTelemetry export. */
  telemetry(): TelemetrySection {
    return new TelemetrySection(this.page.getByTestId('telemetry-card'));
  }
}

export class TelemetrySection {
  constructor(readonly root: Locator) {}

  status(): Locator {
    return this.root.getByTestId('telemetry-status');
  }

  exportSwitch(): Locator {
    return this.root.getByRole('switch', { name: 'Export to the collector below' });
  }

  endpoint(): Locator {
    return this.root.getByLabel('Collector endpoint');
  }

  async save(): Promise<void> {
    await this.root.getByRole('button', { name: 'Save export settings' }).click();
  }

  async addHeader(name: string, value: string): Promise<void> {
    await this.root.getByLabel('Header name').fill(name);
    await this.root.getByLabel('Header value').fill(value);
    await this.root.getByRole('button', { name: 'Add header' }).click();
  }

  storedHeaders(): Locator {
    return this.root.getByRole('list', { name: 'Stored headers' }).getByRole('listitem');
  }
}
