import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { RenderRequest } from '../apps-host/types.js';

/**
 * The MCP Apps test host (test/e2e/apps-host) and the view it renders in its sandboxed frame:
 * what a person sees of a tool's view inside an AI client.
 */
export class AppViewHost {
  constructor(readonly page: Page) {}

  async goto(url: string): Promise<this> {
    await this.page.goto(url);
    await this.page.waitForFunction(() => 'renderView' in globalThis);
    return this;
  }

  /** Renders a view with a call's arguments and result (or its cancellation), as a client does. */
  async render(request: RenderRequest): Promise<this> {
    // Resolves once the view is initialized and has been given the call.
    await this.page.evaluate((r) => (globalThis as unknown as { renderView(r: RenderRequest): Promise<void> }).renderView(r), request);
    return this;
  }

  /** The client switches its theme (a host-context change). */
  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    await this.page.evaluate((t) => (globalThis as unknown as { setHostTheme(t: string): Promise<void> }).setHostTheme(t), theme);
  }

  /** The iframe element the view is in (for screenshots of it). */
  iframe(): Locator {
    return this.page.locator('#view');
  }

  view(): FrameLocator {
    return this.page.frameLocator('#view');
  }

  /** The view's frame, to run code (axe, a fetch) inside it. */
  async frame(): Promise<Frame> {
    const frame = await (await this.iframe().elementHandle())?.contentFrame();
    if (!frame) throw new Error('the view has no frame');
    return frame;
  }

  heading(): Locator {
    return this.view().getByRole('heading', { level: 1 });
  }

  /** Rows of the view's table (the header row left out). */
  rows(): Locator {
    return this.view().locator('tbody tr');
  }

  /** The count chip of a value ("Online", "warn", "started"): pressing it filters by that value. */
  chip(value: string): Locator {
    return this.view().getByRole('button', { name: new RegExp(`^${value} \\d+$`) });
  }

  /** The line saying how many rows show ("Showing 3 of 12"). */
  shown(): Locator {
    return this.view().locator('[role="status"]').filter({ hasText: /^Showing/ });
  }

  field(label: string): Locator {
    return this.view().getByLabel(label, { exact: true });
  }

  /** Whatever the view says when it shows no answer (waiting, cancelled, failed). */
  alert(): Locator {
    return this.view().getByRole('alert');
  }
}
