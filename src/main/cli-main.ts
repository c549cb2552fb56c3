import { runCli } from './cli.js';

// The process entry: exit with the command's code once it is done.
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
