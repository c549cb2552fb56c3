import { createHost, type Host, type HostOptions } from '../host/index.js';
import { levelFromEnv } from '../host/log.js';
import { defaultProviders } from '../host/providers/index.js';
import type { CommandContext } from './command.js';
import { CliError } from './io.js';

/** The host a command works with: the data dir, port and log level the user chose. */
export function makeHost(ctx: CommandContext, extra: Partial<HostOptions> = {}): Host {
  const port = ctx.values.port !== undefined ? parsePort(ctx.values.port) : undefined;
  return createHost({
    ...(ctx.values['data-dir'] ? { dataDir: ctx.values['data-dir'] } : {}),
    ...(port !== undefined ? { port } : {}),
    providers: defaultProviders(),
    logLevel: levelFromEnv(process.env.LOG_LEVEL),
    ...(ctx.values['trust-terminal'] ? { trustTerminal: true } : {}),
    ...ctx.hostOverrides,
    ...extra,
  });
}

export function parsePort(value: string): number {
  const port = Number(value);
  // 0 asks the OS for any free port (handy for scripts and tests).
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, not "${value}"`, 2);
  return port;
}
