/**
 * Screenshots of every page in light and dark, for looking at (npm run screenshots). Written to
 * test-results/screenshots (git-ignored); docs/ keeps the two the README shows.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium, startUi } from './harness.js';

const out = process.argv[2] ?? 'test-results/screenshots';
await mkdir(out, { recursive: true });
const ui = await startUi();
const browser = await launchChromium();
try {
  const { context, page } = await ui.open(browser);
  await page.getByTestId('endpoint-url').waitFor();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, link] of [['overview', 'Overview'], ['accounts', 'Accounts'], ['settings', 'Settings']] as const) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: link, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      if (name === 'accounts') await page.getByRole('tab').first().waitFor();
      await page.screenshot({ path: join(out, `${name}-${scheme}.png`), fullPage: true });
    }
  }
  await context.close();
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await ui.stop();
}
