import { listAccounts } from '../host/accounts/list.js';
import { renameAccount } from '../host/accounts/registry.js';
import { removeAccount } from '../host/accounts/remove.js';
import { SignInError } from '../host/accounts/errors.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';
import { CliError } from './io.js';

const USAGE = `Usage:
  tarmac accounts [--json]
  tarmac accounts rename fly|flightctl <account> <new-name>
  tarmac accounts remove fly|flightctl <account>`;

/** `tarmac accounts`: every account per back end, its state and the profiles that use it; `rename`, `remove`. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io, values } = ctx;
  const [sub, backend, from, to, ...extra] = ctx.args;
  if (sub !== undefined && sub !== 'list' && sub !== 'rename' && sub !== 'remove') throw new CliError(`Unknown accounts command "${sub}".\n\n${USAGE}`, 2);
  if (sub === 'rename' && (!backend || !from || !to || extra.length)) throw new CliError(`\`tarmac accounts rename\` takes a back end, an account and its new name.\n\n${USAGE}`, 2);
  if (sub === 'remove' && (!backend || !from || to !== undefined)) throw new CliError(`\`tarmac accounts remove\` takes a back end and an account.\n\n${USAGE}`, 2);
  const host = makeHost(ctx);
  try {
    if (sub === 'rename') {
      if (!host.provider(backend!)) throw new CliError(`There is no back end "${backend}": use fly or flightctl.`, 2);
      try {
        await renameAccount(host.settings, backend!, from!, to!);
      } catch (err) {
        if (err instanceof SignInError) throw new CliError(err.message, 2);
        throw err;
      }
      io.out(`The ${backend} account ${from} is now called ${to}.`);
      return 0;
    }
    if (sub === 'remove') {
      try {
        await removeAccount(host, backend!, from!, (id) => {
          const provider = host.provider(backend!)!;
          const one = provider.forAccount?.(id) ?? provider;
          if (!one.account) throw new SignInError('input', `${provider.label} has nothing to sign out of.`);
          // Signing out opens nothing; a sign-in is not what this command does.
          return one.account({ openBrowser: async () => undefined, emit: () => undefined });
        });
      } catch (err) {
        if (err instanceof SignInError) throw new CliError(err.message, 2);
        throw err;
      }
      io.out(`Signed out of the ${backend} account ${from} and removed it.`);
      return 0;
    }
    const view = await listAccounts(host);
    if (values.json) {
      io.out(JSON.stringify(view, null, 2));
      return 0;
    }
    for (const b of view.backends) {
      io.out(`${b.label} (${b.provider}):`);
      for (const a of b.accounts) io.out(`  ${a.name.padEnd(16)} ${a.state.padEnd(12)} ${a.summary}${a.profiles.length ? `  [profiles: ${a.profiles.join(', ')}]` : ''}`);
    }
    return 0;
  } finally {
    await host.stop();
  }
}
