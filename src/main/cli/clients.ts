import type { ClientChange, ClientState } from '../../shared/clients.js';
import type { Host } from '../host/index.js';
import { createClientRegistrar, type ActionOptions } from '../host/clients/registrar.js';
import { clientProfiles } from '../host/profiles.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';
import { CliError, type CliIo } from './io.js';

export interface ClientsFlags {
  json?: boolean | undefined;
  detected?: boolean | undefined;
  oauth?: boolean | undefined;
  'dry-run'?: boolean | undefined;
  force?: boolean | undefined;
  profile?: string | undefined;
}

/** `tarmac clients | register | unregister | repair`: the host's client registration from a terminal. */
export async function clientsCli(command: string, host: Host, args: string[], flags: ClientsFlags, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The terminal's authority: a new client's profile, or a narrower one, applies; a wider one is refused.
  const registrar = createClientRegistrar({ dataDir: host.dataDir, settings: host.settings, tokens: host.tokens, clients: host.clients, env, profiles: clientProfiles(host, 'terminal') });
  const options: ActionOptions = { oauth: flags.oauth ?? false, dryRun: flags['dry-run'] ?? false, force: flags.force ?? false, profile: flags.profile };
  try {
    switch (command) {
      case 'clients': {
        const list = await registrar.list();
        if (flags.json) io.out(JSON.stringify(list, null, 2));
        else printTable(list, io);
        return 0;
      }
      case 'register': {
        const ids = flags.detected ? await registrar.detected() : args;
        if (ids.length === 0) {
          throw new CliError(flags.detected ? 'no installed clients found: name them, e.g. `tarmac register cursor`' : 'usage: tarmac register <client>... | --detected [--oauth] [--dry-run]', 2);
        }
        return report(await registrar.register(ids, options), options, io, 'registered');
      }
      case 'unregister': {
        if (args.length === 0) throw new CliError('usage: tarmac unregister <client>... [--dry-run]', 2);
        return report(await registrar.unregister(args, options), options, io, 'removed');
      }
      case 'repair':
        return report(await registrar.repair(args, options), options, io, 'repaired');
      default:
        throw new CliError(`unknown command "${command}"`, 2);
    }
  } finally {
    await host.stop();
  }
}

function printTable(list: ClientState[], io: CliIo): void {
  io.out(['CLIENT', 'DETECTED', 'STATUS', 'LAST CONNECTED'].join('\t'));
  for (const c of list) {
    io.out([c.id, c.detected ? 'yes' : 'no', c.status + (c.credential ? ` (${c.credential})` : ''), c.lastConnectedAt ?? 'never'].join('\t'));
    if (c.reason) io.out(`  ${c.reason}`);
  }
}

function report(changes: ClientChange[], options: ActionOptions, io: CliIo, verb: string): number {
  if (changes.length === 0) io.err('Nothing to change.');
  for (const c of changes) {
    if (!c.changed) io.err(`${c.id}: ${c.path} is already up to date`);
    else if (options.dryRun) io.out(c.diff);
    else io.err(`${c.id}: ${verb} in ${c.path}${c.backup ? ` (previous file kept as ${c.backup})` : ''}`);
  }
  if (!options.dryRun && changes.some((c) => c.written)) io.err('Restart the client (or reload its MCP servers) to pick up the change.');
  return 0;
}

/** The command table's entry for clients, register, unregister and repair. */
export async function run(ctx: CommandContext): Promise<number> {
  // clientsCli stops the host when it is done.
  return clientsCli(ctx.command, makeHost(ctx), ctx.args, ctx.values, ctx.io, ctx.hostOverrides.env ?? process.env);
}
