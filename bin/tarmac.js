#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
// Runs the built CLI (npm install builds it). Under plain Node: no Electron involved.
//
// The Node version check comes first. This file is CommonJS (bin/package.json) in ES5 syntax, so
// any Node parses it and gets one clear line instead of a crash deep inside a dependency. Keep
// NEEDED in step with "engines" in package.json.
// glibc read the shebang's MALLOC_ARENA_MAX when this process started (src/main/host/memory.ts);
// the programs Tarmac starts (flyctl, a browser) are not ours to tune.
delete process.env.MALLOC_ARENA_MAX;

var NEEDED = [22, 13];
var found = String((process.versions && process.versions.node) || '0.0.0');
var parts = found.split('.');
var major = Number(parts[0]) || 0;
var minor = Number(parts[1]) || 0;
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  process.stderr.write(
    'tarmac: needs Node.js ' + NEEDED.join('.') + ' or newer, but ' + process.execPath + ' is Node.js ' + found +
      '; install a current Node.js (https://nodejs.org/, or `nvm install 22`) and run tarmac with it' +
      ' (in an MCP client config, set "command" to the full path of that node).\n'
  );
  process.exit(1);
}

var fs = require('fs');
var path = require('path');
// Node keeps the compiled code of Tarmac and its dependencies on disk (in the OS temp folder):
// later runs skip most of the parsing. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
var nodeModule = require('module');
if (nodeModule.enableCompileCache) nodeModule.enableCompileCache();
// The real path: npm's .bin links point here from elsewhere.
var built = path.join(path.dirname(fs.realpathSync(process.argv[1])), '..', 'out', 'cli', 'tarmac.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write('tarmac: the CLI is not built yet; run `npm run build:cli` in the Tarmac folder\n');
  process.exit(1);
}
// CommonJS all the way (bin/package.json, vite.cli.config.ts): Node's ESM loader would cost an
// idle `tarmac serve` some 14 MiB.
require(built);
