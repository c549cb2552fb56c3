import type { CommandContext } from './command.js';
import { makeHost } from './host.js';
import { CliError } from './io.js';
import { clientProfiles } from '../host/profiles.js';

/** `tarmac token create|list|revoke`. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const [action, name] = ctx.args;
  const host = makeHost(ctx);
  try {
    switch (action) {
      case 'create': {
        if (!name) throw new CliError('usage: tarmac token create <client> [--profile NAME]', 2);
        // A client has one token: a new one replaces (and so revokes) the one it had.
        const replaces = (await host.tokens.list()).some((c) => c.name === name);
        const profile = ctx.values.profile;
        const profiles = clientProfiles(host, 'terminal');
        if (profile) await profiles.check(profile).catch((err: unknown) => Promise.reject(new CliError((err as Error).message)));
        // An existing client moves before its token changes, so a refused loosening changes nothing.
        const move = () => (profile ? profiles.set(name, profile).catch((err: unknown) => Promise.reject(new CliError((err as Error).message))) : Promise.resolve());
        if (replaces) await move();
        const value = await host.clients.createToken(name);
        // A new client keeps every tool (as before profiles) unless --profile says otherwise.
        if (!replaces) await move();
        io.err(
          replaces
            ? `Replaced the token of "${name}": its previous token is revoked (a running \`tarmac serve\` refuses it from the next request on); give the client this new one.`
            : `Created a token for "${name}"${profile ? ` with the profile ${profile}` : ''}.`,
        );
        io.err('Send it as "Authorization: Bearer <token>"; it is shown once here and kept in the keychain.');
        io.out(value);
        return 0;
      }
      case 'list': {
        const clients = await host.clients.list();
        if (clients.length === 0) io.err('No MCP clients: create a token with `tarmac token create <client>`, or sign in from the client with OAuth.');
        else io.err('NAME\tKIND\tCREATED\tLAST USED');
        for (const c of clients) io.out(`${c.name}\t${c.kind}\t${c.createdAt ?? 'unknown'}\t${c.lastUsedAt ?? 'never'}`);
        return 0;
      }
      case 'revoke': {
        if (!name) throw new CliError('usage: tarmac token revoke <client>', 2);
        const revoked = await host.clients.revoke(name);
        if (revoked.length === 0) throw new CliError(`no client named "${name}": see \`tarmac token list\``, 1);
        io.err(revoked.includes('oauth') ? `Revoked "${name}": its OAuth sign-in and tokens no longer work.` : `Revoked the token of "${name}".`);
        return 0;
      }
      default:
        throw new CliError('usage: tarmac token create|list|revoke <client>', 2);
    }
  } finally {
    await host.stop();
  }
}
