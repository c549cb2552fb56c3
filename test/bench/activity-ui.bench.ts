// bench:activity, part 2: the Activity page in headless Chromium with 100,000 calls loaded, scrolled
// continuously while 100 new calls a second arrive for 30 s, at 1280 px (bench:ui measures 800 and
// 1280 px in shorter runs). See activity-frames.ts for how. Targets: median frame <= 16.7 ms, p95
// <= 33.4 ms (one and two 60 Hz frames). Loopback only; needs `npm run build` first.
import { testTools } from '../fixtures/test-tools.js';
import { launchChromium, startUi } from '../e2e/harness.js';
import { describeResult, loadEverything, measureAtWidth, seedHistory } from './activity-frames.js';
import { fmt } from './stats.js';

const STORED = Number(process.env.BENCH_UI_STORED ?? 100_000);
const RATE = Number(process.env.BENCH_UI_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 30);
const BASELINE_SECONDS = 5;
const deadline = Date.now() + 10 * 60_000;

const ui = await startUi({ sim: false, tools: testTools() });
const browser = await launchChromium();
try {
  seedHistory(ui, STORED);
  const { context, page } = await ui.open(browser);
  await page.getByTestId('endpoint-url').waitFor();
  const { loadMs, shown } = await loadEverything(page, deadline);
  const result = await measureAtWidth(ui, page, { width: 1280, height: 800 }, { rate: RATE, seconds: SECONDS, baselineSeconds: BASELINE_SECONDS });
  await context.close();
  console.log(`\nbench:activity (page): ${shown} (loaded in ${fmt(loadMs / 1000, 1)} s by scrolling to the end)`);
  console.log(describeResult(result, SECONDS, BASELINE_SECONDS));
  process.exitCode = result.pass ? 0 : 1;
} finally {
  await browser.close();
  await ui.stop();
}
