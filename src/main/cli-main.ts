import { runCli } from './cli.js';

// A reader that stops early (`tarmac policy show | head -1`) closes the pipe: leave quietly, as
// `cat` does, instead of dying on an unhandled EPIPE with a stack trace. Nothing more can reach
// that reader, and the command's own exit code stands.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

// The process entry: exit with the command's code once it is done. (No top-level await: the
// bundle is CommonJS, see vite.cli.config.ts.)
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
