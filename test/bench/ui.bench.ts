// bench:ui: what the window costs to open, in headless Chromium against browser mode.
//  - initial JavaScript of the renderer (gzip): the scripts index.html loads before any page is
//    visited (lazily loaded pages excluded), against React + ReactDOM alone as the floor.
//  - navigation to the Overview showing the endpoint URL, median of 10 loads, against loading a
//    static page of the same server in the same run.
// Targets: <= 250 KB gzip, <= 400 ms. Loopback only; needs `npm run build` first.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchChromium, RENDERER_DIR, startUi } from '../e2e/harness.js';
import { fmt, summarize } from './stats.js';

const LOADS = Number(process.env.BENCH_UI_LOADS ?? 10);
const TARGET_KB = 250;
const TARGET_MS = 400;

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

const ui = await startUi();
const browser = await launchChromium();
try {
  const bytes = await initialScriptBytes();
  const floor = await reactFloorGzip();
  const { context, page } = await ui.open(browser);
  await page.getByTestId('endpoint-url').waitFor();
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
  await context.close();
  const app = summarize(appMs);
  const plain = summarize(staticMs);
  const kb = bytes.gzip / 1024;
  console.log(`initial JS: ${bytes.files.length} file(s), ${(bytes.raw / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzip (React + ReactDOM alone: ${(floor / 1024).toFixed(1)} KB gzip) target <= ${TARGET_KB} KB: ${kb <= TARGET_KB ? 'PASS' : 'FAIL'}`);
  console.log(`to the endpoint URL on the Overview, median of ${LOADS}: ${fmt(app.p50)} ms (p99 ${fmt(app.p99)}); a static page of the same server: ${fmt(plain.p50)} ms; target <= ${TARGET_MS} ms: ${app.p50 <= TARGET_MS ? 'PASS' : 'FAIL'}`);
  process.exitCode = kb <= TARGET_KB && app.p50 <= TARGET_MS ? 0 : 1;
} finally {
  await browser.close();
  await ui.stop();
}
