import type { Locator, Page } from 'playwright-core';

/** The bar above every page that says Tarmac is paused or read-only, with the switch back. */
export class StateBar {
  constructor(readonly page: Page) {}

  bar(): Locator {
    return this.page.getByRole('region', { name: 'Tarmac’s state' });
  }

  paused(): Locator {
    return this.bar().getByTestId('state-paused');
  }

  readOnly(): Locator {
    return this.bar().getByTestId('state-read-only');
  }

  unreadable(): Locator {
    return this.bar().getByTestId('state-unreadable');
  }

  resume(): Locator {
    return this.bar().getByRole('button', { name: 'Resume' });
  }

  readOnlyOff(): Locator {
    return this.bar().getByRole('button', { name: 'Turn off read-only' });
  }
}
