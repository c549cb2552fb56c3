import type { Locator, Page } from 'playwright-core';

/** The Overview as a person sees it: the endpoint card and one card per provider. */
export class OverviewPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('link', { name: 'Overview' }).click();
    await this.page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    return this;
  }

  endpointUrl(): Locator {
    return this.page.getByTestId('endpoint-url');
  }

  provider(id: string): Locator {
    return this.page.getByTestId(`provider-${id}`);
  }

  summary(id: string): Locator {
    return this.page.getByTestId(`provider-${id}-summary`);
  }

  clients(): Locator {
    return this.page.getByRole('list', { name: 'Connected clients' });
  }
}
