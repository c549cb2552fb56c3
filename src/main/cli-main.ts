import { runCli } from './cli.js';

// The process entry: exit with the command's code once it is done. (No top-level await: the
// bundle is CommonJS, see vite.cli.config.ts.)
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
