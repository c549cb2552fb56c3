/**
 * The MCP Apps views (src/views) as one script and one style sheet, for the host to put into the
 * HTML of each ui:// resource (src/main/host/mcp/apps/html.ts). The builds that ship the host (the
 * CLI bundle, the desktop main) and the tests get them through the `virtual:tarmac-views` module
 * of the plugin below, imported only when a client reads a view: the views are inside what ships,
 * in a chunk of their own, and cost nothing at start.
 *
 * The bundle is built once per content of src/views (and of this file and the packages it bundles)
 * and kept in out/views-cache/, so the CLI, desktop and test builds share one build.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, type Plugin, type Rollup } from 'vite';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const SOURCE = join(ROOT, 'src', 'views');
const CACHE = join(ROOT, 'out', 'views-cache');
const VIRTUAL = 'virtual:tarmac-views';
/** Packages inside the bundle: a new version of one is a new bundle. */
const BUNDLED = ['react', 'react-dom', '@modelcontextprotocol/ext-apps', '@modelcontextprotocol/client', '@modelcontextprotocol/core', 'zod', 'vite'];

export interface ViewsBundle {
  script: string;
  style: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat().sort();
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await filesUnder(SOURCE)), fileURLToPath(import.meta.url)]) {
    hash.update(relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  for (const pkg of BUNDLED) {
    const { version } = JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
    hash.update(`${pkg}@${version}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Builds the views' script and styles (minified, no chunks, nothing loaded at run time). */
async function compile(): Promise<ViewsBundle> {
  const out = (await build({
    configFile: false,
    // Production whatever the caller's NODE_ENV (a test run's is "test", which would make Vite
    // emit React's development JSX calls, missing from the production React bundled here).
    mode: 'production',
    oxc: { jsx: { development: false } },
    root: SOURCE,
    logLevel: 'warn',
    plugins: [react()],
    // Library mode leaves process.env.NODE_ENV to a consumer; this bundle has none.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      cssCodeSplit: false,
      reportCompressedSize: false,
      lib: { entry: join(SOURCE, 'main.tsx'), formats: ['iife'], name: 'TarmacViews', fileName: () => 'views.js' },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  const script = outputs.filter((o): o is Rollup.OutputChunk => o.type === 'chunk').map((c) => c.code).join('\n');
  const style = outputs
    .filter((o): o is Rollup.OutputAsset => o.type === 'asset' && o.fileName.endsWith('.css'))
    .map((a) => (typeof a.source === 'string' ? a.source : Buffer.from(a.source).toString('utf8')))
    .join('\n');
  if (!script) throw new Error('the views build produced no script');
  return { script, style };
}

let pending: Promise<ViewsBundle> | undefined;

/** The views bundle: from out/views-cache when src/views has not changed, else built (and kept). */
export function viewsBundle(): Promise<ViewsBundle> {
  return (pending ??= (async () => {
    const file = join(CACHE, `views-${await sourceHash()}.json`);
    const cached = await readFile(file, 'utf8').catch(() => null);
    if (cached) return JSON.parse(cached) as ViewsBundle;
    const bundle = await compile();
    await mkdir(CACHE, { recursive: true });
    // Another build (a parallel test worker) may write the same file: each writes whole, then renames.
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(bundle));
    await rename(temp, file);
    // Bundles of sources that are gone only take room.
    for (const name of await readdir(CACHE)) if (name.startsWith('views-') && name.endsWith('.json') && join(CACHE, name) !== file) await rm(join(CACHE, name), { force: true });
    return bundle;
  })());
}

/** `import('virtual:tarmac-views')`: the bundle's script and style as two strings. */
export function tarmacViews(): Plugin {
  return {
    name: 'tarmac-views',
    resolveId(id) {
      return id === VIRTUAL ? `\0${VIRTUAL}` : undefined;
    },
    async load(id) {
      if (id !== `\0${VIRTUAL}`) return undefined;
      const { script, style } = await viewsBundle();
      return `export const script = ${JSON.stringify(script)};\nexport const style = ${JSON.stringify(style)};\n`;
    },
  };
}
