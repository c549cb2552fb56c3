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
  | { kind: 'tool' | 'provider' | 'class'; name: string; client?: string }
  | { kind: 'default'; name: ToolClass };

export interface Verdict {
  policy: Policy;
  rule: RuleSource;
}

/** The facts of a tool a rule looks at. */
export interface ToolFacts {
  name: string;
  provider: string;
  class: ToolClass;
}

export interface GuardState {
  policies: PolicySet;
  readOnly: boolean;
  paused: boolean;
  /** Tools turned off: they leave tools/list and every call to them is refused. */
  disabledTools: readonly string[];
}

/**
 * The policy of one call. Most specific wins: pause, then read-only (for write and destructive
 * tools), then a tool turned off; then tool, provider and class rules, each level's rule for the
 * calling client before the global one; last the class default.
 */
export function decidePolicy(state: GuardState, tool: ToolFacts, client: string | null): Verdict {
  if (state.paused) return { policy: 'deny', rule: { kind: 'paused' } };
  if (state.readOnly && tool.class !== 'read') return { policy: 'deny', rule: { kind: 'read-only' } };
  if (state.disabledTools.includes(tool.name)) return { policy: 'deny', rule: { kind: 'disabled' } };
  const own = client ? state.policies.clients?.[client] : undefined;
  const levels: ['tool' | 'provider' | 'class', string, keyof PolicyRules][] = [
    ['tool', tool.name, 'tools'],
    ['provider', tool.provider, 'providers'],
    ['class', tool.class, 'classes'],
  ];
  for (const [kind, name, key] of levels) {
    const mine = (own?.[key] as Record<string, Policy> | undefined)?.[name];
    if (mine && client) return { policy: mine, rule: { kind, name, client } };
    const global = (state.policies[key] as Record<string, Policy> | undefined)?.[name];
    if (global) return { policy: global, rule: { kind, name } };
  }
  return { policy: DEFAULT_POLICIES[tool.class], rule: { kind: 'default', name: tool.class } };
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
    default:
      return `${rule.kind} rule ${rule.name}${rule.client ? ` for ${rule.client}` : ''}`;
  }
}

/** How a held call was settled, for the activity log. */
export interface CallDecision {
  policy: Policy;
  /** The rule behind the policy, in words (describeRule). */
  rule: string;
  /** rule: no person involved; person: someone decided; timeout: nobody did in time; none: no way to ask. */
  by: 'rule' | 'person' | 'timeout' | 'withdrawn' | 'none';
  /** Where the person decided: window, tray, cli, client. */
  channel: string | null;
  /** How long the call waited for a person (ms), when it did. */
  waitedMs: number | null;
}

/** A call waiting for a person. Arguments are redacted. */
export interface PendingApproval {
  id: string;
  tool: string;
  title: string;
  provider: string;
  class: ToolClass;
  client: string;
  args: Record<string, unknown>;
  /** What the tool will do, from its description (first sentence). */
  summary: string;
  /** ISO times. */
  createdAt: string;
  expiresAt: string;
}

export type ApprovalAnswer = 'allow-once' | 'allow-always' | 'deny';

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
  approvalVia: 'tarmac' | 'client';
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
