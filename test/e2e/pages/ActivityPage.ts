import type { Locator, Page } from 'playwright-core';

/** Activity: the live calls grid, its filters (kept in the URL), sorting, a call's details, export, clear, charts. */
export class ActivityPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await this.page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    return this;
  }

  /** The calls grid: one Tab stop, its rows moved through with the arrow keys. */
  grid(): Locator {
    return this.page.getByRole('grid', { name: 'Tool calls' });
  }

  /**
   * The call rows, in the order shown (only those scrolled into view, and the active one, exist).
   * Found by test id: an open dialog hides the page from role queries (aria-hidden).
   */
  rows(): Locator {
    return this.page.getByTestId('calls-rows').locator('[role=row]');
  }

  row(name: RegExp): Locator {
    return this.rows().filter({ hasText: name });
  }

  /** The tool names of the rows shown, top to bottom. */
  async tools(): Promise<string[]> {
    return this.rows().evaluateAll((rows) => rows.map((r) => r.querySelectorAll('[role=gridcell]')[1]?.textContent ?? ''));
  }

  columnHeader(name: string): Locator {
    return this.grid().getByRole('columnheader', { name });
  }

  /** Sort by a column (a click on its header; again to reverse). */
  async sortBy(name: string): Promise<void> {
    await this.columnHeader(name).getByRole('button').click();
  }

  async activeId(): Promise<string | null> {
    return this.grid().getAttribute('aria-activedescendant');
  }

  /** The text of the element the grid's aria-activedescendant names. */
  async activeText(): Promise<string | null> {
    return this.grid().evaluate((g) => {
      const id = g.getAttribute('aria-activedescendant');
      return id ? (document.getElementById(id)?.textContent ?? null) : null;
    });
  }

  filters(): Locator {
    return this.page.getByRole('search', { name: 'Filter tool calls' });
  }

  async filter(label: string, value: string): Promise<void> {
    const control = this.filters().getByLabel(label, { exact: true });
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
    else await control.fill(value);
  }

  /** The labels a select filter offers, with the group each is in ('' outside a group). */
  async options(label: string): Promise<Array<{ label: string; group: string }>> {
    return this.filters()
      .getByLabel(label, { exact: true })
      .evaluate((select) =>
        Array.from((select as unknown as { options: ArrayLike<{ label: string; parentElement: { tagName: string; label?: string } | null }> }).options, (o) => ({
          label: o.label,
          group: o.parentElement?.tagName === 'OPTGROUP' ? (o.parentElement.label ?? '') : '',
        })),
      );
  }

  /** Shown when the history holds no call at all. */
  emptyState(): Locator {
    return this.page.getByTestId('activity-empty');
  }

  /** Shown when calls exist but none match the filters. */
  noMatch(): Locator {
    return this.page.getByTestId('activity-no-match');
  }

  details(): Locator {
    return this.page.getByRole('dialog');
  }

  /** A fact of the open call's details ("Decided by", "Waited", ...). */
  async fact(name: string): Promise<string | null> {
    return this.details()
      .locator('dt')
      .filter({ hasText: new RegExp(`^${name}$`) })
      .evaluate((dt) => dt.nextElementSibling?.textContent ?? null)
      .catch(() => null);
  }

  tab(name: 'Calls' | 'Charts'): Locator {
    return this.page.getByRole('tab', { name });
  }

  /** A chart period (1 hour ... 90 days). */
  period(label: string): Locator {
    return this.page.getByRole('radiogroup', { name: 'Chart period' }).getByRole('radio', { name: label });
  }
}
