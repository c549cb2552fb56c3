import type { Locator, Page } from 'playwright-core';

/** Activity: the live table, its filters (kept in the URL), a call's details, export and clear. */
export class ActivityPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('link', { name: 'Activity' }).click();
    await this.page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    return this;
  }

  /** The row buttons, newest first (only those scrolled into view exist). */
  rows(): Locator {
    return this.page.getByRole('list', { name: 'Tool calls, newest first' }).getByRole('button');
  }

  row(name: RegExp): Locator {
    return this.rows().filter({ hasText: name });
  }

  filters(): Locator {
    return this.page.getByRole('search', { name: 'Filter tool calls' });
  }

  async filter(label: string, value: string): Promise<void> {
    const control = this.filters().getByLabel(label, { exact: true });
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
    else await control.fill(value);
  }

  details(): Locator {
    return this.page.getByRole('dialog');
  }
}
