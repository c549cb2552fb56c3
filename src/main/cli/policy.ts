import { describeRule, POLICIES, type GuardrailsView, type Policy } from '../../shared/policy.js';
import type { ControlReply, ControlRequest } from '../host/guardrails/control.js';
import type { CommandContext } from './command.js';
import { askRunningTarmac } from './control-request.js';
import { makeHost } from './host.js';
import { CliError, type CliIo } from './io.js';

const USAGE = `Usage:
  tarmac policy show [--json]
  tarmac policy set <tool|class|provider> allow|ask|deny [--client C]
  tarmac policy unset <tool|class|provider> [--client C]
  tarmac policy reset
  tarmac policy read-only on|off
  tarmac policy tool <tool> on|off
  tarmac pause | tarmac resume
  tarmac approvals [list [--json] | approve ID | approve-always ID | deny ID]`;

/**
 * `tarmac policy`, `pause`, `resume`, `approvals`: through the running Tarmac's control socket,
 * so a change applies at once (and the window shows it); with no Tarmac running, policy changes
 * go straight to settings.json and apply when it starts.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io, values } = ctx;
  const request = toRequest(ctx.command, ctx.args, values.client);
  const { dataDir, reply: live } = await askRunningTarmac(ctx, request);

  let reply: ControlReply;
  if (live) reply = live;
  else if (request.op === 'approvals' || request.op === 'decide') {
    throw new CliError(`No Tarmac is running from ${dataDir}, so no call is waiting. Approvals happen while the desktop app or \`tarmac serve\` runs.`);
  } else {
    reply = await offline(ctx, request);
    if (reply.ok && request.op !== 'view') io.err(`No Tarmac is running from ${dataDir}: saved in settings; it applies when Tarmac starts.`);
  }
  if (!reply.ok) throw new CliError(reply.error);
  print(io, request, reply, values.json ?? false);
  return 0;
}

function toRequest(command: string, args: string[], client: string | undefined): ControlRequest {
  const [sub, ...rest] = args;
  const usage = (why: string) => new CliError(`${why}\n\n${USAGE}`, 2);
  const onOff = (v: string | undefined) => {
    if (v !== 'on' && v !== 'off') throw usage(`Say "on" or "off"${v ? `, not "${v}"` : ''}.`);
    return v === 'on';
  };
  if (command === 'pause' || command === 'resume') {
    if (sub) throw usage(`\`tarmac ${command}\` takes no arguments.`);
    return { op: 'pause', on: command === 'pause' };
  }
  if (command === 'approvals') {
    if (!sub || sub === 'list') return { op: 'approvals' };
    const answer = { approve: 'allow-once', 'approve-always': 'allow-always', deny: 'deny' } as const;
    if (!Object.hasOwn(answer, sub)) throw usage(`Unknown approvals command "${sub}".`);
    if (!rest[0]) throw usage(`Which call? \`tarmac approvals\` lists the waiting ones with their IDs.`);
    return { op: 'decide', id: rest[0], answer: answer[sub as keyof typeof answer] };
  }
  switch (sub ?? 'show') {
    case 'show':
      return { op: 'view' };
    case 'reset':
      return { op: 'reset' };
    case 'read-only':
      return { op: 'read-only', on: onOff(rest[0]) };
    case 'tool':
      if (!rest[0]) throw usage('Which tool?');
      return { op: 'tool', name: rest[0], on: onOff(rest[1]) };
    case 'set': {
      const [target, policy] = rest;
      if (!target || !policy) throw usage('`tarmac policy set` needs a tool, class or provider and a policy.');
      if (!POLICIES.includes(policy as Policy)) throw usage(`The policy is allow, ask or deny, not "${policy}".`);
      return { op: 'set-policy', target, policy: policy as Policy, ...(client ? { client } : {}) };
    }
    case 'unset':
      if (!rest[0]) throw usage('`tarmac policy unset` needs a tool, class or provider.');
      return { op: 'set-policy', target: rest[0], policy: null, ...(client ? { client } : {}) };
    default:
      throw usage(`Unknown policy command "${sub}".`);
  }
}

/**
 * The same requests against settings.json when no Tarmac runs: as another process of the user,
 * so tightening is written and loosening refused (a loosening hand edit would not be in force
 * before a person confirms it anyway).
 */
async function offline(ctx: CommandContext, request: ControlRequest): Promise<ControlReply> {
  const host = makeHost(ctx);
  const g = host.guardrails;
  try {
    switch (request.op) {
      case 'set-policy':
        await g.setPolicy(g.resolveTarget(request.target), request.policy, request.client, 'terminal');
        break;
      case 'reset':
        await g.resetPolicies('terminal');
        break;
      case 'read-only':
        await g.setReadOnly(request.on, 'terminal');
        break;
      case 'pause':
        await g.setPaused(request.on, 'terminal');
        break;
      case 'tool':
        await g.setToolEnabled(request.name, request.on, 'terminal');
        break;
      default:
        break;
    }
    return { ok: true, view: await g.view() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    await host.stop();
  }
}

function print(io: CliIo, request: ControlRequest, reply: Extract<ControlReply, { ok: true }>, json: boolean): void {
  const view = reply.view;
  if (request.op === 'decide') {
    const a = reply.approval;
    io.out(`${request.answer === 'deny' ? 'Denied' : 'Approved'}: ${a?.tool} for ${a?.client}${request.answer === 'allow-always' ? ' (and from now on for this client)' : ''}`);
    return;
  }
  if (!view) return;
  if (request.op === 'approvals') {
    if (json) return io.out(JSON.stringify(view.pending, null, 2));
    if (view.pending.length === 0) return io.err('No calls are waiting.');
    io.out(table(['ID', 'CLIENT', 'TOOL', 'CLASS', 'WAITING SINCE', 'ARGUMENTS'], view.pending.map((p) => [p.id, p.client, p.tool, p.class, p.createdAt.slice(11, 19), JSON.stringify(p.args)])));
    io.err(
      view.trustTerminal
        ? 'Decide with `tarmac approvals approve ID` or `tarmac approvals deny ID`.'
        : 'Deny with `tarmac approvals deny ID`; approve in the Tarmac window (approving from a terminal needs Tarmac started with --trust-terminal).',
    );
    return;
  }
  if (json) return io.out(JSON.stringify(view, null, 2));
  if (request.op !== 'view') return io.out(summary(view));
  io.out(summary(view));
  io.out('');
  io.out(table(['TOOL', 'PROVIDER', 'CLASS', 'POLICY', 'RULE'], view.tools.map((t) => [t.name, t.provider, t.class, t.enabled ? t.policy : 'off', t.enabled ? describeRule(t.rule) : 'tool turned off'])));
  for (const [client, rules] of Object.entries(view.clients)) {
    const parts = [...Object.entries(rules.tools ?? {}), ...Object.entries(rules.providers ?? {}), ...Object.entries(rules.classes ?? {})].map(([k, v]) => `${k} ${v}`);
    io.out(`Rules for ${client}: ${parts.join(', ')}`);
  }
}

function summary(view: GuardrailsView): string {
  const classes = view.classes.map((c) => `${c.class} ${c.policy}${c.own ? '' : ' (default)'}`).join(', ');
  return [
    `Paused: ${view.paused ? 'yes (every call is refused)' : 'no'}`,
    `Read-only: ${view.readOnly ? 'on (write and destructive calls are refused)' : 'off'}`,
    `Classes: ${classes}`,
    `Approvals: wait ${view.approvalTimeoutSeconds} s; ${view.pending.length} waiting now${view.clientApprovals.length ? `; answered in the client for ${view.clientApprovals.join(', ')} (allow once only)` : ''}`,
    ...(view.trustTerminal ? ['Trust terminal: on (other processes may loosen and approve; started with --trust-terminal)'] : []),
    ...(view.trustedWriteAt ? [`Set by a Tarmac trusting the terminal on ${view.trustedWriteAt}: check these rules in the window, which then stops saying so`] : []),
    ...(view.unconfirmed.length
      ? [`Not in force until a person confirms them in the Tarmac window (changed outside Tarmac): ${view.unconfirmed.join('; ')}`]
      : []),
  ].join('\n');
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
