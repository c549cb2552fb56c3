#!/usr/bin/env node
// Runs the built CLI (npm install builds it). Under plain Node: no Electron involved.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/cli/tarmac.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('tarmac: the CLI is not built yet; run `npm run build:cli` in the Tarmac folder\n');
  process.exit(1);
}
await import(built);
