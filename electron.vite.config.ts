import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { tarmacViews } from './vite.views.config.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __TARMAC_VERSION__: JSON.stringify(pkg.version) };

/**
 * The app icon (resources/icon.png) as the window's favicon.png, next to index.html, which links
 * it; browser mode also answers /favicon.ico with it. The dev server serves it from resources/.
 */
function favicon(): Plugin {
  const icon = resolve('resources/icon.png');
  return {
    name: 'tarmac-favicon',
    configureServer(server) {
      server.middlewares.use('/favicon.png', (_req, res) => {
        res.setHeader('Content-Type', 'image/png');
        res.end(readFileSync(icon));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'favicon.png', source: readFileSync(icon) });
    },
  };
}

/**
 * Marks the scripts the window loads first with V8's explicit compile hint, so Chromium compiles
 * their functions eagerly while the file streams in (off the main thread) instead of one by one as
 * the first render calls them; that lazy compiling was most of the time to first paint (bench:ui).
 * Pages loaded later keep lazy compiling: most of their code never runs in a given visit.
 */
function compileHints(): Plugin {
  const HINT = '//# allFunctionsCalledOnLoad\n';
  return {
    name: 'tarmac-compile-hints',
    apply: 'build',
    generateBundle: {
      // After Vite's own bundle steps, one of which puts a preamble at the top of the entry.
      order: 'post',
      handler(_options, bundle) {
        const entries = Object.values(bundle).filter((c) => c.type === 'chunk' && c.isEntry);
        const first = new Set(entries.flatMap((c) => (c.type === 'chunk' ? [c.fileName, ...c.imports] : [])));
        for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && first.has(chunk.fileName)) chunk.code = HINT + chunk.code;
      },
    },
  };
}

export default defineConfig({
  main: {
    define,
    // The MCP Apps views: a chunk loaded when a client first reads one (vite.views.config.ts).
    plugins: [tarmacViews()],
    build: {
      rollupOptions: { input: { index: resolve('src/main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads must be CommonJS.
      rollupOptions: {
        input: { preload: resolve('src/main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), favicon(), compileHints()],
    // Minified: the window's first paint is measured (bench:ui), in Electron and in browser mode.
    build: { minify: true, rollupOptions: { input: resolve('src/renderer/index.html') } },
  },
});
