import type { CommandContext } from './command.js';
import { makeHost } from './host.js';
import { CliError } from './io.js';

/** `tarmac login|logout fly|flightctl [--name ACCOUNT] ...`: each provider's sign-in code loads only when used. */
export async function run(ctx: CommandContext): Promise<number> {
  const { command, io, values } = ctx;
  const [provider, ...providerArgs] = ctx.args;
  if (provider !== 'fly' && provider !== 'flightctl') {
    throw new CliError(provider ? `unknown provider "${provider}": use fly or flightctl` : `usage: tarmac ${command} fly|flightctl [--name ACCOUNT]`, 2);
  }
  const name = values.name;
  const host = makeHost(ctx);
  try {
    if (provider === 'fly') {
      const { loginFly, logoutFly } = await import('./login-fly.js');
      return command === 'login' ? await loginFly(host, { tokenStdin: values['token-stdin'] ?? false, name }, io) : await logoutFly(host, io, name);
    }
    const { loginFlightctl, logoutFlightctl } = await import('./login-flightctl.js');
    return command === 'login' ? await loginFlightctl(host, providerArgs, values, io) : await logoutFlightctl(host, io, name);
  } finally {
    await host.stop();
  }
}
