import type { ToolClass } from '../../shared/policy.js';
import { PROFILE_NAME, type ProfileDef } from '../../shared/profiles.js';
import { listCost } from '../../shared/tool-cost.js';
import type { ControlReply, ControlRequest } from '../host/guardrails/control.js';
import type { ProfileSummary } from '../host/guardrails/guardrails.js';
import type { CommandContext } from './command.js';
import { askRunningTarmac } from './control-request.js';
import { makeHost } from './host.js';
import { CliError, type CliIo } from './io.js';

const USAGE = `Usage:
  tarmac profile list [--json]
  tarmac profile show <profile> [--json]
  tarmac profile create <profile> --toolsets T1,T2|* [--tools A,B] [--read-only]
                        [--start all|read|none] [--discovery] [--description TEXT]
  tarmac profile delete <profile>
  tarmac profile set <client> <profile>
  tarmac profile account <profile> fly|flightctl <account>`;

/**
 * `tarmac profile`: through the running Tarmac's control socket when one runs (it applies at once
 * and the window shows it), else straight to settings.json. From the terminal a narrower profile
 * applies; wider bounds are a loosening, refused unless Tarmac runs with --trust-terminal.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const request = toRequest(ctx);
  const { dataDir, reply: live } = await askRunningTarmac(ctx, request);
  let reply: ControlReply;
  if (live) reply = live;
  else {
    reply = await offline(ctx, request);
    if (reply.ok && request.op !== 'profiles') io.err(`No Tarmac is running from ${dataDir}: saved in settings; it applies when Tarmac starts.`);
  }
  if (!reply.ok) throw new CliError(reply.error);
  print(io, ctx, request, reply.profiles ?? []);
  return 0;
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function toRequest(ctx: CommandContext): ControlRequest {
  const [sub, a, b, ...extra] = ctx.args;
  const v = ctx.values;
  const usage = (why: string) => new CliError(`${why}\n\n${USAGE}`, 2);
  switch (sub ?? 'list') {
    case 'list':
      return { op: 'profiles' };
    case 'show':
      if (!a) throw usage('Which profile?');
      return { op: 'profiles' };
    case 'set':
      if (!a || !b || extra.length) throw usage('`tarmac profile set` takes a client and a profile.');
      return { op: 'profile-set', client: a, profile: b };
    case 'account': {
      const [, , , account] = ctx.args;
      if (!a || !b || !account || ctx.args.length > 4) throw usage('`tarmac profile account` takes a profile, a back end (fly or flightctl) and an account name.');
      return { op: 'profile-account', profile: a, backend: b, account };
    }
    case 'delete':
      if (!a) throw usage('Which profile?');
      return { op: 'profile-delete', name: a };
    case 'create': {
      if (!a) throw usage('Name the profile.');
      if (!PROFILE_NAME.test(a)) throw usage(`"${a}" is not a profile name: use 1-40 of a-z 0-9 _ - (starting with a letter or digit).`);
      const toolsets = list(v.toolsets);
      const tools = list(v.tools);
      if (!toolsets.length && !tools.length) throw usage('A profile needs --toolsets (or --tools): what its clients may see.');
      const start = v.start ?? 'all';
      const starts: Record<string, { all?: boolean; classes?: ToolClass[] }> = { all: { all: true }, read: { classes: ['read'] }, none: {} };
      if (!Object.hasOwn(starts, start)) throw usage(`--start is all, read or none, not "${start}".`);
      const def = {
        name: a,
        description: v.description ?? '',
        bounds: { toolsets, ...(tools.length ? { tools } : {}), ...(v['read-only'] ? { readOnly: true } : {}) },
        start: { ...starts[start], ...(v.discovery ? { discovery: true } : {}) },
      };
      return { op: 'profile-save', def: def satisfies ProfileDef };
    }
    default:
      throw usage(`Unknown profile command "${sub}".`);
  }
}

async function offline(ctx: CommandContext, request: ControlRequest): Promise<ControlReply> {
  const host = makeHost(ctx);
  const g = host.guardrails;
  try {
    if (request.op === 'profile-set') await g.setClientProfile(request.client, request.profile, 'terminal');
    else if (request.op === 'profile-save') await g.saveProfile(request.def, 'terminal');
    else if (request.op === 'profile-delete') await g.deleteProfile(request.name, 'terminal');
    else if (request.op === 'profile-account') await g.setProfileAccount(request.profile, request.backend, request.account, 'terminal');
    const names = (await host.clients.list().catch(() => [])).map((c) => c.name);
    return { ok: true, profiles: await g.profileSummaries(names) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await host.stop();
  }
}

function cost(p: ProfileSummary): number {
  return listCost(p.start, p.def.start.discovery === true);
}

function print(io: CliIo, ctx: CommandContext, request: ControlRequest, profiles: ProfileSummary[]): void {
  const json = ctx.values.json ?? false;
  const [sub, a, b] = ctx.args;
  if (sub === 'show') {
    const p = profiles.find((x) => x.def.name === a);
    if (!p) throw new CliError(`There is no profile "${a}": \`tarmac profile list\` shows them.`);
    if (json) return io.out(JSON.stringify({ ...p, tokens: cost(p) }, null, 2));
    const d = p.def;
    io.out(`${d.name}${p.shipped ? ' (ships with Tarmac)' : ''}${d.description ? `: ${d.description}` : ''}`);
    io.out(`Bounds: ${d.bounds.toolsets.includes('*') ? 'every toolset' : d.bounds.toolsets.join(', ') || 'no toolsets'}${d.bounds.tools?.length ? ` + ${d.bounds.tools.join(', ')}` : ''}${d.bounds.readOnly ? ' (read tools only)' : ''}: ${p.bounds.length} tools`);
    io.out(`Starts with: ${p.start.length} tools${d.start.discovery ? ' + the discovery tools' : ''}, about ${cost(p)} tokens of definitions`);
    io.out(`Accounts: ${Object.entries(p.accounts).map(([k, v]) => `${k} ${v}`).join(', ') || 'default'}`);
    io.out(`Clients: ${p.clients.join(', ') || 'none'}`);
    io.out(`Tools listed first: ${p.start.join(', ') || 'none'}`);
    return;
  }
  if (request.op === 'profile-set') return io.out(`${a} now has the profile ${b}.`);
  if (request.op === 'profile-save') return io.out(`Saved the profile ${a}.`);
  if (request.op === 'profile-delete') return io.out(`Deleted the profile ${a}.`);
  if (request.op === 'profile-account') return io.out(`The profile ${a} now uses the ${b} account ${ctx.args[3]}.`);
  if (json) return io.out(JSON.stringify(profiles.map((p) => ({ ...p, tokens: cost(p) })), null, 2));
  const rows = profiles.map((p) => [p.def.name, String(p.bounds.length), `${p.start.length}${p.def.start.discovery ? '+3' : ''}`, String(cost(p)), p.clients.join(', ') || '-']);
  const head = ['PROFILE', 'BOUNDS', 'LISTED', 'TOKENS', 'CLIENTS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  io.out([line(head), ...rows.map(line)].join('\n'));
  io.err('BOUNDS: tools a client may ever call; LISTED: tools its list starts with (+3: the discovery tools); TOKENS: what that list costs a model (o200k).');
}
