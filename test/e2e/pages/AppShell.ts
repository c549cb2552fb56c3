import type { Locator, Page } from 'playwright-core';

/** The frame around every page: the sidebar's navigation and, in narrow windows, its toggle. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  navToggle(): Locator {
    return this.page.getByRole('button', { name: /^(Show|Hide) the menu’s labels$/ });
  }

  /** Opens a page from the sidebar, whether it shows labels or icons. */
  async go(name: string): Promise<void> {
    await this.nav().getByRole('link', { name }).click();
  }
}
