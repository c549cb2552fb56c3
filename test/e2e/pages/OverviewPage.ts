import type { Locator, Page } from 'playwright-core';

/** The Overview as a person sees it: the endpoint card and one card per provider. */
export class OverviewPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
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

  /** The program a back end runs through (Fly.io: the flyctl version in use and the tools it gets). */
  program(id: string): Locator {
    return this.page.getByTestId(`provider-${id}-program`);
  }

  /** One fact of that program by its label ("flyctl", "Fly tools"). */
  programFact(id: string, label: string): Locator {
    return this.program(id).locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  }

  /** The endpoint card's count of tools clients can be offered. */
  toolCount(): Locator {
    return this.page.getByTestId('endpoint-card').locator('.stat-value').first();
  }

  /** Every client seen since Tarmac started: active now or idle, with its last request. */
  clients(): Locator {
    return this.page.getByRole('list', { name: 'AI clients' });
  }

  client(name: string): Locator {
    return this.page.getByTestId(`client-row-${name}`);
  }

  activeClients(): Locator {
    return this.page.getByTestId('active-clients');
  }

  /** What the card says before any client called. */
  noClients(): Locator {
    return this.page.getByTestId('no-clients');
  }
}
