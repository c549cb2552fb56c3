#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the built CLI (npm install builds it). Under plain Node: no Electron involved.
// The shebang caps V8's young generation (see src/main/host/memory.ts); V8 takes it only at start.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/cli/tarmac.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('tarmac: the CLI is not built yet; run `npm run build:cli` in the Tarmac folder\n');
  process.exit(1);
}
await import(built);
