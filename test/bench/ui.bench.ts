// bench:ui: what the window costs, in headless Chromium against browser mode.
//  - initial JavaScript of the renderer (gzip): the scripts index.html loads before any page is
//    visited (lazily loaded pages excluded), against React + ReactDOM alone as the floor.
//  - navigation to the Overview showing the endpoint URL, median of 10 loads, against loading a
//    static page of the same server in the same run.
//  - the Activity page with 100,000 stored calls loaded, scrolled while 100 calls a second arrive,
//    at 800 px and at 1280 px wide: frame times from requestAnimationFrame in the page, against the
//    same scrolling with no calls arriving (activity-frames.ts).
// Targets: <= 250 KB gzip, <= 400 ms; frames median <= 16.7 ms and p95 <= 33.4 ms (one and two
// 60 Hz frames) at both widths. Bounded: it gives up after 8 minutes. Loopback only; `npm run
// bench:ui` builds first. Exits 1 when a target is missed.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { testTools } from '../fixtures/test-tools.js';
import { launchChromium, RENDERER_DIR, startUi } from '../e2e/harness.js';
import { describeResult, loadEverything, measureAtWidth, seedHistory, type FrameResult } from './activity-frames.js';
import { fmt, summarize } from './stats.js';

const LOADS = Number(process.env.BENCH_UI_LOADS ?? 10);
const TARGET_KB = 250;
const TARGET_MS = 400;
const STORED = Number(process.env.BENCH_UI_STORED ?? 100_000);
const RATE = Number(process.env.BENCH_UI_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 10);
const BASELINE_SECONDS = 4;
const deadline = Date.now() + 8 * 60_000;
const WIDTHS = [
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
];

async function initialScriptBytes(): Promise<{ files: string[]; raw: number; gzip: number }> {
  const html = await readFile(join(RENDERER_DIR, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  for (const ref of new Set(refs)) {
    const bytes = await readFile(join(RENDERER_DIR, ref));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: [...new Set(refs)], raw, gzip };
}

/** React + ReactDOM minified alone: what any React window pays before its own code. */
async function reactFloorGzip(): Promise<number> {
  // Inside the project (git-ignored), so the entry resolves react from node_modules.
  const dir = resolve('test-results/ui-floor');
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'entry.js');
  await writeFile(entry, "import { createRoot } from 'react-dom/client';\nimport { createElement } from 'react';\ncreateRoot(document.body).render(createElement('p', null, 'hi'));\n");
  const out = await build({
    logLevel: 'silent',
    configFile: false,
    root: dir,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { write: false, minify: true, rollupOptions: { input: entry } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Array<{ output: Array<{ type: string; code?: string }> }>;
  const code = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk').map((c) => c.code ?? '').join('');
  return gzipSync(Buffer.from(code), { level: 9 }).length;
}

const ui = await startUi({ tools: testTools() });
const browser = await launchChromium();
// Give up rather than run on: a hung page fails the benchmark.
const watchdog = setTimeout(() => {
  console.error('bench:ui did not finish within 8 minutes');
  process.exit(1);
}, deadline - Date.now());
watchdog.unref();
try {
  const bytes = await initialScriptBytes();
  const floor = await reactFloorGzip();
  const { context, page } = await ui.open(browser);
  await page.getByTestId('endpoint-url').waitFor();
  // Each later tab of this browser starts with the page secret the one-time link gave the first
  // (a tab keeps it in sessionStorage, which a new tab does not share), as a reopened window has it.
  const secret = await page.evaluate<string | null>("sessionStorage.getItem('tarmac-page-secret')");
  await context.addInitScript({ content: `sessionStorage.setItem('tarmac-page-secret', ${JSON.stringify(secret)})` });
  const appMs: number[] = [];
  const staticMs: number[] = [];
  for (let i = 0; i < LOADS + 1; i++) {
    // Interleaved, each in a fresh tab of the same signed-in browser (its HTTP cache warm, as Electron's would be).
    const app = await context.newPage();
    let t0 = performance.now();
    await app.goto(ui.mode.origin + '/');
    await app.getByTestId('endpoint-url').filter({ hasText: 'http://' }).waitFor();
    const a = performance.now() - t0;
    await app.close();
    const plain = await context.newPage();
    t0 = performance.now();
    await plain.goto(ui.mode.origin + '/nothing-here');
    await plain.locator('body').waitFor();
    const s = performance.now() - t0;
    await plain.close();
    if (i > 0) {
      appMs.push(a);
      staticMs.push(s);
    }
  }
  await page.close();
  const app = summarize(appMs);
  const plain = summarize(staticMs);
  const kb = bytes.gzip / 1024;
  console.log(`initial JS: ${bytes.files.length} file(s), ${(bytes.raw / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzip (React + ReactDOM alone: ${(floor / 1024).toFixed(1)} KB gzip) target <= ${TARGET_KB} KB: ${kb <= TARGET_KB ? 'PASS' : 'FAIL'}`);
  console.log(`to the endpoint URL on the Overview, median of ${LOADS}: ${fmt(app.p50)} ms (p99 ${fmt(app.p99)}); a static page of the same server: ${fmt(plain.p50)} ms; target <= ${TARGET_MS} ms: ${app.p50 <= TARGET_MS ? 'PASS' : 'FAIL'}`);

  // The Activity page: the whole history in the grid, then each width in turn.
  seedHistory(ui, STORED);
  // A tab of the same signed-in browser, as the loads above.
  const tab = await context.newPage();
  await tab.setViewportSize(WIDTHS[1]!);
  await tab.goto(ui.mode.origin + '/');
  await tab.getByTestId('endpoint-url').waitFor();
  const { loadMs, shown } = await loadEverything(tab, deadline);
  console.log(`Activity: ${shown} (loaded in ${fmt(loadMs / 1000, 1)} s by scrolling to the end)`);
  const frames: FrameResult[] = [];
  for (const size of WIDTHS) {
    const r = await measureAtWidth(ui, tab, size, { rate: RATE, seconds: SECONDS, baselineSeconds: BASELINE_SECONDS });
    frames.push(r);
    console.log(describeResult(r, SECONDS, BASELINE_SECONDS));
  }
  await context.close();
  process.exitCode = kb <= TARGET_KB && app.p50 <= TARGET_MS && frames.every((f) => f.pass) ? 0 : 1;
} finally {
  clearTimeout(watchdog);
  await browser.close();
  await ui.stop();
}
