import { accountRebindings, inBounds, NO_PROFILES, profileNamed, profileOf, profileWidenings, type ProfileState } from './profiles.js';

/** How much a tool can change the world. Drives MCP annotations and the default policy. */
export type ToolClass = 'read' | 'write' | 'destructive';

/** What the gateway does with a call. */
export type Policy = 'allow' | 'ask' | 'deny';

export const TOOL_CLASSES: readonly ToolClass[] = ['read', 'write', 'destructive'];

export interface ToolAnnotationsFromClass {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * Annotations are derived from the class and never hand-set per tool, so a tool cannot claim
 * to be harmless while its class says otherwise.
 */
export function annotationsFor(toolClass: ToolClass): ToolAnnotationsFromClass {
  return {
    readOnlyHint: toolClass === 'read',
    destructiveHint: toolClass === 'destructive',
    idempotentHint: toolClass === 'read',
    openWorldHint: true,
  };
}

export const POLICIES: readonly Policy[] = ['allow', 'ask', 'deny'];

/** The default of each class, before any rule: reading is free, changing things asks a person. */
export const DEFAULT_POLICIES: Readonly<Record<ToolClass, Policy>> = { read: 'allow', write: 'ask', destructive: 'ask' };

/** Rules at one level: per class, per provider, per tool. */
export interface PolicyRules {
  classes?: Partial<Record<ToolClass, Policy>>;
  providers?: Record<string, Policy>;
  tools?: Record<string, Policy>;
}

/** Every rule the person set: global ones, and per MCP client the same three kinds. */
export interface PolicySet extends PolicyRules {
  clients?: Record<string, PolicyRules>;
}

/** Which rule decided a policy, so the UI and `tarmac policy show` can say it. */
export type RuleSource =
  | { kind: 'paused' }
  | { kind: 'read-only' }
  | { kind: 'disabled' }
  /** The tool is outside the bounds of the client's profile (name: the profile). */
  | { kind: 'profile'; name: string; client?: string }
  | { kind: 'tool' | 'provider' | 'class'; name: string; client?: string }
  | { kind: 'default'; name: ToolClass };

export interface Verdict {
  policy: Policy;
  rule: RuleSource;
  /** The rule is a confirmed one that a looser change made outside Tarmac has not replaced yet. */
  unconfirmed?: boolean;
}

/** The facts of a tool a rule looks at. */
export interface ToolFacts {
  name: string;
  provider: string;
  class: ToolClass;
  /** Its toolset (absent: looked up by name in TOOLSETS). */
  toolset?: string | undefined;
}

export interface GuardState {
  policies: PolicySet;
  readOnly: boolean;
  paused: boolean;
  /** Tools turned off: they leave tools/list and every call to them is refused. */
  disabledTools: readonly string[];
  /**
   * The rules a person last confirmed, when settings.json now holds looser ones changed outside
   * Tarmac: each call gets the stricter of the two verdicts until a person confirms the change.
   */
  confirmedPolicies?: PolicySet;
  /** Custom profiles and each client's profile (absent: every client sees every tool). */
  profiles?: ProfileState;
  /** The profiles a person last confirmed, when settings.json differs: a tool must be within both. */
  confirmedProfiles?: ProfileState;
  /** Toolsets each client enabled through discovery: they widen what is listed, never the bounds. */
  enabledToolsets?: Readonly<Record<string, readonly string[]>>;
}

/** How strict a policy is: deny > ask > allow. */
export const STRICTNESS: Readonly<Record<Policy, number>> = { allow: 0, ask: 1, deny: 2 };

/**
 * The policy of one call. Pause, then read-only (for write and destructive tools), then a tool
 * turned off. Then the rules: an explicit deny at any level (tool, provider or class, the calling
 * client's or global) wins over every allow; otherwise the most specific rule decides (tool, then
 * provider, then class; at each level the client's own rule before the global one); last the
 * class default. With confirmedPolicies, the stricter of the two verdicts.
 */
export function decidePolicy(state: GuardState, tool: ToolFacts, client: string | null): Verdict {
  if (state.paused) return { policy: 'deny', rule: { kind: 'paused' } };
  if (client !== null && state.profiles) {
    const outside = outsideProfile(state.profiles, tool, client) ?? (state.confirmedProfiles ? outsideProfile(state.confirmedProfiles, tool, client) : null);
    if (outside) return { policy: 'deny', rule: { kind: 'profile', name: outside, client } };
  }
  if (state.readOnly && tool.class !== 'read') return { policy: 'deny', rule: { kind: 'read-only' } };
  if (state.disabledTools.includes(tool.name)) return { policy: 'deny', rule: { kind: 'disabled' } };
  const current = decideRules(state.policies, tool, client);
  if (!state.confirmedPolicies) return current;
  const confirmed = decideRules(state.confirmedPolicies, tool, client);
  return STRICTNESS[confirmed.policy] > STRICTNESS[current.policy] ? { ...confirmed, unconfirmed: true } : current;
}

/** The client's profile name when the tool is outside its bounds; null when within. */
function outsideProfile(profiles: ProfileState, tool: ToolFacts, client: string): string | null {
  const name = profileOf(profiles, client);
  return inBounds(profileNamed(profiles, name), tool) ? null : name;
}

function decideRules(policies: PolicySet, tool: ToolFacts, client: string | null): Verdict {
  const own = client ? policies.clients?.[client] : undefined;
  const levels: ['tool' | 'provider' | 'class', string, keyof PolicyRules][] = [
    ['tool', tool.name, 'tools'],
    ['provider', tool.provider, 'providers'],
    ['class', tool.class, 'classes'],
  ];
  const found: Verdict[] = [];
  for (const [kind, name, key] of levels) {
    const mine = (own?.[key] as Record<string, Policy> | undefined)?.[name];
    if (mine && client) found.push({ policy: mine, rule: { kind, name, client } });
    const global = (policies[key] as Record<string, Policy> | undefined)?.[name];
    if (global) found.push({ policy: global, rule: { kind, name } });
  }
  return found.find((v) => v.policy === 'deny') ?? found[0] ?? { policy: DEFAULT_POLICIES[tool.class], rule: { kind: 'default', name: tool.class } };
}

/** The parts of the settings that protect: what a loosening change touches. */
export interface ProtectedState {
  policies: PolicySet;
  readOnly: boolean;
  paused: boolean;
  disabledTools: readonly string[];
  /** Clients whose own UI may answer approvals (allow once only). */
  clientApprovals: readonly string[];
  /** The flyctl program Tarmac runs with the Fly.io token in its environment. */
  flyctlPath: string | null;
  /** Custom profiles and each client's profile: moving a client to wider bounds loosens (absent: none). */
  profiles?: ProfileState;
}

/**
 * What `after` loosens compared with `before`, in words for a person ("fly-apps-destroy: ask ->
 * allow for cursor", "read-only mode off"); empty when it only tightens or changes nothing.
 * Loosening: a verdict less strict for any tool and any client named in either state, pause or
 * read-only off, a tool turned back on, a client allowed to approve its own calls, another flyctl.
 */
export function loosenings(before: ProtectedState, after: ProtectedState, tools: readonly ToolFacts[]): string[] {
  const out: string[] = [];
  if (before.paused && !after.paused) out.push('Tarmac resumed (was paused)');
  if (before.readOnly && !after.readOnly) out.push('read-only mode off');
  for (const name of before.disabledTools) if (!after.disabledTools.includes(name)) out.push(`${name} turned back on`);
  for (const client of after.clientApprovals) if (!before.clientApprovals.includes(client)) out.push(`${client} may approve its own calls`);
  if (after.flyctlPath !== before.flyctlPath) out.push(after.flyctlPath === null ? 'flyctl program cleared (Tarmac would look for flyctl on the PATH)' : `flyctl program set to ${after.flyctlPath}`);
  out.push(...profileWidenings(before.profiles ?? NO_PROFILES, after.profiles ?? NO_PROFILES, tools));
  out.push(...accountRebindings(before.profiles ?? NO_PROFILES, after.profiles ?? NO_PROFILES, [...new Set(tools.map((t) => t.provider))]));
  const clients = [...new Set([...Object.keys(before.policies.clients ?? {}), ...Object.keys(after.policies.clients ?? {})])];
  const rulesOnly = (p: PolicySet): GuardState => ({ policies: p, readOnly: false, paused: false, disabledTools: [] });
  // Tools that loosen the same way (a class or provider rule) are named together.
  const groups = new Map<string, string[]>();
  for (const tool of tools) {
    for (const client of [null, ...clients]) {
      const was = decidePolicy(rulesOnly(before.policies), tool, client).policy;
      const now = decidePolicy(rulesOnly(after.policies), tool, client).policy;
      if (STRICTNESS[now] >= STRICTNESS[was]) continue;
      const key = `${was} -> ${now}${client ? ` for ${client}` : ''}`;
      groups.set(key, [...(groups.get(key) ?? []), tool.name]);
    }
  }
  for (const [change, names] of groups) {
    if (names.length <= 2) for (const name of names) out.push(`${name}: ${change}`);
    else out.push(`${names.length} tools (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): ${change}`);
  }
  return out;
}

/** The rule in words, for a person: "tool rule fly-apps-destroy for cursor", "read-only mode". */
export function describeRule(rule: RuleSource): string {
  switch (rule.kind) {
    case 'paused':
      return 'Tarmac is paused';
    case 'read-only':
      return 'read-only mode';
    case 'disabled':
      return 'tool turned off';
    case 'default':
      return `default for ${rule.name} tools`;
    case 'profile':
      return `outside profile ${rule.name}${rule.client ? ` of ${rule.client}` : ''}`;
    default:
      return `${rule.kind} rule ${rule.name}${rule.client ? ` for ${rule.client}` : ''}`;
  }
}

/** How a held call was settled, for the activity log. */
export interface CallDecision {
  policy: Policy;
  /** The rule behind the policy, in words (describeRule). */
  rule: string;
  /**
   * Which kind of rule that was (absent in calls recorded before Tarmac kept it): the window tells
   * a paused Tarmac, read-only mode, a tool turned off and a deny rule apart by it.
   */
  ruleKind?: RuleSource['kind'] | 'unreadable';
  /**
   * rule: no person involved; person: someone decided in Tarmac's window, tray or notification;
   * terminal: `tarmac approvals` (deny; approve only with --trust-terminal), so maybe a program;
   * client: the AI client's own UI answered (a person there, or the agent itself); timeout:
   * nobody did in time; withdrawn: the client cancelled, or Tarmac stopped, while it waited;
   * none: no way to ask; pending: the call is waiting for a person now.
   */
  by: 'rule' | 'person' | 'terminal' | 'client' | 'timeout' | 'withdrawn' | 'none' | 'pending';
  /** Where the person decided: window, notification, cli, client (tarmac: it shut down). */
  channel: string | null;
  /** How long the call waited for a person (ms), when it did. */
  waitedMs: number | null;
  /** The person allowed the tool for this client from now on (a client rule), not just once. */
  remembered?: true;
  /** Tarmac ran with --trust-terminal: other processes could loosen and approve. */
  trustTerminal?: true;
}

/** A call waiting for a person. Arguments are redacted. */
export interface PendingApproval {
  id: string;
  tool: string;
  title: string;
  provider: string;
  class: ToolClass;
  client: string;
  /** The name of the account of the tool's back end the call would use. */
  account?: string;
  args: Record<string, unknown>;
  /** What the tool will do, from its description (first sentence). */
  summary: string;
  /** ISO times. */
  createdAt: string;
  expiresAt: string;
}

export type ApprovalAnswer = 'allow-once' | 'allow-always' | 'deny';

/**
 * A waiting call that was settled, however (the `approvalSettled` event): a window that showed it
 * tells its person what happened instead of letting the question vanish (it expired, the client
 * withdrew it, someone answered elsewhere).
 */
export interface SettledApproval {
  approval: PendingApproval;
  approved: boolean;
  by: CallDecision['by'];
  /** Where it was answered: window, notification, cli, client; tarmac when Tarmac stopped. */
  channel: string | null;
  waitedMs: number;
}

/** What a rule applies to: one tool, one class, or one provider's tools. */
export interface PolicyTarget {
  kind: 'tool' | 'class' | 'provider';
  name: string;
}

/** One tool as the Tools page and `tarmac policy show` see it. */
export interface ToolPolicyView extends ToolFacts {
  title: string;
  enabled: boolean;
  /** The policy every client gets unless it has a rule of its own. */
  policy: Policy;
  rule: RuleSource;
  /** The tool's own global rule, if any (null: inherited). */
  own: Policy | null;
}

export interface GuardrailsView {
  readOnly: boolean;
  paused: boolean;
  approvalTimeoutSeconds: number;
  /** Clients whose own UI may answer approvals (allow once only). */
  clientApprovals: string[];
  /** Changes made outside Tarmac that loosen protection, waiting for a person to confirm them. */
  unconfirmed: string[];
  /** Names the settings those changes were listed from; confirming needs it (nothing newer is confirmed). */
  unconfirmedStamp: string;
  /** Started with --trust-terminal: other processes may loosen and approve. */
  trustTerminal: boolean;
  /**
   * When a Tarmac started with --trust-terminal last changed the guardrails (ISO time), until a
   * person in a window of a Tarmac without it acknowledges; null otherwise.
   */
  trustedWriteAt: string | null;
  /** Each class's policy: its rule when set, else the default. */
  classes: { class: ToolClass; policy: Policy; own: Policy | null }[];
  providers: { provider: string; own: Policy | null }[];
  tools: ToolPolicyView[];
  /** Rules set for single clients. */
  clients: Record<string, PolicyRules>;
  /** Calls waiting for a person now. */
  pending: PendingApproval[];
}

export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 120;
