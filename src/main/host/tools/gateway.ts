import type { CallToolResult } from '@modelcontextprotocol/server';
import { describeRule, type ApprovalAnswer, type CallDecision, type GuardState, type Policy, type Verdict } from '../../../shared/policy.js';
import type { ToolCall } from '../../../shared/activity.js';
import type { Redactor } from '../activity/redact.js';
import type { ActivityStore } from '../activity/store.js';
import type { Logger } from '../log.js';
import { runWithCall } from '../telemetry/active.js';
import type { CallTrace, RequestTrace, TelemetryHub } from '../telemetry/hub.js';
import { raceSignal } from './abort.js';
import type { AnyToolSpec, ToolOutput } from './catalogue.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
const PREVIEW_CHARS = 240;
const MAX_ERROR_CHARS = 2_000;

/**
 * Decides what happens to a call before it runs (the guardrails); a Verdict also says which rule.
 * `guard`: the guardrails as already read for this very request (CallContext.guard), if any.
 */
export type PolicyHook = (spec: AnyToolSpec, client: string, guard?: GuardState) => Policy | Verdict | Promise<Policy | Verdict>;

/** How a person (or nobody) settled a held call. */
export interface ApprovalResult {
  approved: boolean;
  by: CallDecision['by'];
  channel: string | null;
  waitedMs: number | null;
  /** Allowed for this client from now on (a client rule), not just once. */
  remember?: boolean;
}

/** Asks a person; resolves true (or approved) to run the call. Absent: "ask" behaves like "deny". */
export type ApprovalHook = (request: {
  spec: AnyToolSpec;
  client: string;
  args: Record<string, unknown>;
  signal: AbortSignal;
  progress?: CallContext['progress'];
  askClient?: AskClient;
  canDefer?: boolean;
  clientAnswer?: ApprovalAnswer;
  /** Called once, just before the call starts to wait for a person (not when it is answered at once or deferred). */
  onWaiting?: () => void;
  /** The name of the account the call would use (several accounts per back end). */
  account?: string;
}) => Promise<boolean | ApprovalResult>;

/** The account a client's call to a back end uses: its id, and the name a person gave it. */
export type AccountHook = (client: string, provider: string, guard?: GuardState) => Promise<{ id: string; name: string }>;

export interface GatewayOptions {
  activity: ActivityStore;
  redactor: Redactor;
  log: Logger;
  policy?: PolicyHook;
  approve?: ApprovalHook;
  /** Which account of the tool's back end the client's profile binds (absent: "default"). */
  account?: AccountHook;
  defaultTimeoutMs?: number;
  /** Started with --trust-terminal: every call's record says so. */
  trustTerminal?: boolean;
  /** OpenTelemetry export: a span per call (none while export is off). */
  telemetry?: Pick<TelemetryHub, 'call' | 'enabled'>;
}

export interface CallContext {
  client: string;
  sessionId: string | null;
  /** Aborted when the client cancels the request. */
  signal?: AbortSignal;
  progress?: (progress: number, total?: number, message?: string) => void;
  /** Asks the person through the client itself (elicitation); null when the client cannot. */
  askClient?: AskClient | undefined;
  /** A 2026-07-28 client that can answer an input-required result (the approval step may defer to it). */
  canDefer?: boolean;
  /** The person's answer, given through the client in a retried request (verified by the server). */
  clientAnswer?: ApprovalAnswer | undefined;
  /**
   * The guardrails as read while this request was being served (a server built for one call):
   * the policy decides from them instead of reading settings.json again. Absent: it reads.
   */
  guard?: GuardState | undefined;
  /** How the MCP request arrived (id, protocol version, transport, trace context), for its span. */
  request?: RequestTrace | undefined;
}

/**
 * Thrown by an approval step that asks the client through an input-required result (2026-07-28)
 * instead of waiting: the MCP server answers with that result and the client's retry carries
 * the person's answer. Nothing is recorded for the first round.
 */
export class ApprovalDeferred extends Error {
  override readonly name = 'ApprovalDeferred';
  /** The account the call would use (its name), for the question the client shows. */
  readonly account: string | undefined;
  constructor(tool: string, account?: string) {
    super(tool);
    this.account = account;
  }
}

/** `account`: the name of the account the call would use, which the question names. */
export type AskClient = (question: { tool: string; title: string; summary: string; args: Record<string, unknown>; account?: string }) => Promise<ApprovalAnswer | null>;

class CallTimeout extends Error {}

/**
 * The one path every tool call takes: policy, activity start, the run under a deadline and the
 * client's cancellation, activity finish. Whatever a tool throws comes back as an isError result
 * with a short message: never a stack, never a secret.
 */
export class Gateway {
  readonly #o: GatewayOptions;
  /** Calls still running, by activity id, so a person or a host shutdown can stop them. */
  readonly #running = new Map<string, (by: string) => void>();
  #stopped = false;
  /** One child logger per tool: creating a pino child on every call costs more than the call. */
  readonly #toolLogs = new Map<string, Logger>();

  constructor(options: GatewayOptions) {
    this.#o = options;
  }

  /** Calls are traced (export on): worth reading how each request arrived (CallContext.request). */
  get traced(): boolean {
    return this.#o.telemetry?.enabled ?? false;
  }

  async call(spec: AnyToolSpec, rawArgs: Record<string, unknown>, ctx: CallContext): Promise<CallToolResult> {
    const t = this.#o.telemetry?.call({ tool: spec.name, provider: spec.provider, class: spec.class, client: ctx.client, sessionId: ctx.sessionId, request: ctx.request });
    if (!t) return this.#call(spec, rawArgs, ctx, undefined);
    try {
      return await this.#call(spec, rawArgs, ctx, t);
    } catch (err) {
      // A 2026-07-28 approval question goes back to the client: this round ends without a verdict.
      const deferred = err instanceof ApprovalDeferred;
      t.end({ status: deferred ? 'deferred' : 'error', isError: !deferred });
      throw err;
    }
  }

  async #call(spec: AnyToolSpec, rawArgs: Record<string, unknown>, ctx: CallContext, t: CallTrace | undefined): Promise<CallToolResult> {
    const { activity, redactor, log } = this.#o;
    // Masked by meaning (secret arguments, env values, passwords in URLs and commands, values under
    // secret-looking names); the masked values are scrubbed from every later text too (an error may echo them).
    const args = redactor.toolArgs(rawArgs ?? {}, spec);
    t?.arguments(args);

    // A policy that cannot be read denies: failing closed, and the call is still recorded.
    const verdict = await this.#verdict(spec, ctx.client, ctx.guard);
    // Which account the call uses: an unreadable binding fails closed like the policy.
    const account = verdict ? await (this.#o.account ? this.#o.account(ctx.client, spec.provider, ctx.guard).catch(() => null) : { id: 'default', name: 'default' }) : null;
    const base = { client: ctx.client, session: ctx.sessionId, tool: spec.name, provider: spec.provider, class: spec.class, args, ...(account ? { account: account.name } : {}) };
    if (account) t?.account(account.name);
    let decision: CallDecision | undefined;
    if (!verdict || !account) {
      const text = `Tarmac could not read its policy, so "${spec.name}" was refused (it fails closed). Ask the user to check Tarmac's settings file; the app log says what is wrong.`;
      const unreadable: CallDecision = { policy: 'deny', rule: 'policy unreadable', ruleKind: 'unreadable', by: 'rule', channel: null, waitedMs: null };
      const rec = activity.record(base, { status: 'denied', resultBytes: null, preview: text, decision: unreadable });
      t?.decided(unreadable);
      t?.end({ status: 'denied', isError: true, activityId: rec.id });
      return { content: [{ type: 'text', text }], isError: true };
    }
    if (verdict.policy !== 'allow' || verdict.rule.kind !== 'default' || this.#o.trustTerminal) {
      const rule = describeRule(verdict.rule) + (verdict.unconfirmed ? ' (a looser change made outside Tarmac waits for a person to confirm it)' : '');
      decision = { policy: verdict.policy, rule, ruleKind: verdict.rule.kind, by: 'rule', channel: null, waitedMs: null, ...(this.#o.trustTerminal ? { trustTerminal: true } : {}) };
    }
    // A call that waits for a person is on record from the moment it starts to wait ("waiting for
    // approval" in the window), so its row sits at its start time and a refusal shows the wait.
    let held: ToolCall | undefined;
    if (verdict.policy !== 'allow' && decision) {
      let outcome: ApprovalResult = { approved: false, by: verdict.policy === 'ask' ? 'none' : 'rule', channel: null, waitedMs: null };
      if (verdict.policy === 'ask' && this.#o.approve) {
        const waiting: CallDecision = { ...decision, by: 'pending' };
        const answer = await this.#o
          .approve({ spec, client: ctx.client, args, signal: ctx.signal ?? new AbortController().signal, ...(ctx.progress ? { progress: ctx.progress } : {}), ...(ctx.askClient ? { askClient: ctx.askClient } : {}),
            ...(ctx.canDefer ? { canDefer: true } : {}),
            ...(ctx.clientAnswer ? { clientAnswer: ctx.clientAnswer } : {}),
            onWaiting: () => void (held ??= activity.start({ ...base, decision: waiting })),
            ...(account ? { account: account.name } : {}),
          })
          .catch((err: unknown): ApprovalResult => {
            if (err instanceof ApprovalDeferred && !held) throw err;
            return { approved: false, by: 'none', channel: null, waitedMs: null };
          });
        outcome = typeof answer === 'boolean' ? { approved: answer, by: 'person', channel: null, waitedMs: null } : answer;
      }
      decision = { ...decision, by: outcome.by, channel: outcome.channel, waitedMs: outcome.waitedMs, ...(outcome.approved && outcome.remember ? { remembered: true } : {}) };
      if (!outcome.approved) {
        const text = refusalText(spec.name, verdict, outcome);
        const status = outcome.by === 'withdrawn' ? 'cancelled' : 'denied';
        const result = { status, resultBytes: null, preview: text, decision, ...(status === 'cancelled' ? { cancelledBy: outcome.channel ?? 'client' } : {}) } as const;
        // Its duration is the wait; a call refused without waiting has none.
        const rec = (held ? activity.finish(held.id, result) : undefined) ?? activity.record(base, result);
        t?.decided(decision);
        t?.end({ status, isError: true, activityId: rec.id });
        return { content: [{ type: 'text', text }], isError: true };
      }
    }
    if (t) t.decided(decision ?? { policy: 'allow', rule: describeRule(verdict.rule), ruleKind: verdict.rule.kind, by: 'rule', channel: null, waitedMs: null });

    // Approved after a wait: the same record runs now, its duration counting from here.
    const record = held && decision ? (activity.update(held.id, { decision }) ?? held) : activity.start(decision ? { ...base, decision } : base);
    const timeoutMs = spec.timeoutMs ?? this.#o.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    // One controller per call, aborted by the deadline, the client's cancel or a host stop. (Not
    // AbortSignal.any over a host-wide signal: that keeps a trace of every call ever made.)
    const controller = new AbortController();
    const ended: { why: 'timeout' | 'cancelled' | null; by: string | null } = { why: null, by: null };
    const abort = (reason: 'timeout' | 'cancelled', error: unknown, by: string | null = null) => {
      if (ended.why === null) Object.assign(ended, { why: reason, by });
      controller.abort(error);
    };
    const timer = setTimeout(() => abort('timeout', new CallTimeout()), timeoutMs);
    const onClientCancel = () => abort('cancelled', ctx.signal?.reason, 'client');
    ctx.signal?.addEventListener('abort', onClientCancel, { once: true });
    if (ctx.signal?.aborted) abort('cancelled', ctx.signal.reason, 'client');
    if (this.#stopped) abort('cancelled', new Error('Tarmac is shutting down.'), 'tarmac');
    const onStop = (by: string) => abort('cancelled', new Error(`Cancelled by ${by}.`), by);
    this.#running.set(record.id, onStop);
    const signal = controller.signal;

    try {
      const toolCtx = { signal, client: ctx.client, sessionId: ctx.sessionId, ...(account ? { account: account.id } : {}), log: this.#toolLog(spec.name), progress: ctx.progress ?? (() => undefined) };
      // Traced: what the tool runs (flyctl, HTTP requests) becomes child spans of this call's span.
      const running = t?.active ? runWithCall(t.active, () => spec.run(rawArgs ?? {}, toolCtx)) : spec.run(rawArgs ?? {}, toolCtx);
      const output = await raceSignal(running, signal);
      // Redacted once: the result and its preview in the history both come from this.
      const text = redactor.text(output.text);
      const result = toResult(output, text, redactor, spec.output !== undefined);
      activity.finish(record.id, {
        status: output.isError ? 'error' : 'ok',
        resultBytes: resultBytes(result),
        preview: preview(text),
      });
      t?.end({ status: output.isError ? 'error' : 'ok', isError: Boolean(output.isError), activityId: record.id });
      return result;
    } catch (err) {
      const status = ended.why ?? 'error';
      const text =
        status === 'timeout'
          ? `"${spec.name}" did not finish within ${formatMs(timeoutMs)} and was stopped. Try narrower arguments, or try again later.`
          : status === 'cancelled'
            ? cancelledText(spec.name, ended.by)
            : errorText(err, redactor);
      if (status === 'error') log.warn({ tool: spec.name, err: text }, 'tool call failed');
      activity.finish(record.id, { status, resultBytes: null, preview: preview(redactor.text(text)), cancelledBy: status === 'cancelled' ? ended.by : null });
      t?.end({ status, isError: true, activityId: record.id });
      return { content: [{ type: 'text', text }], isError: true };
    } finally {
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onClientCancel);
      this.#running.delete(record.id);
    }
  }

  /**
   * A call whose arguments do not fit the tool's schema: recorded (status invalid, arguments and
   * message redacted) and answered with `message`, as the MCP SDK answers one; nothing is decided
   * or run, since there is no valid call to decide on.
   */
  invalid(spec: AnyToolSpec, rawArgs: unknown, message: string, ctx: Pick<CallContext, 'client' | 'sessionId' | 'request'>): CallToolResult {
    const { activity, redactor } = this.#o;
    const given = rawArgs !== null && typeof rawArgs === 'object' && !Array.isArray(rawArgs) ? (rawArgs as Record<string, unknown>) : { arguments: rawArgs ?? null };
    const args = redactor.toolArgs(given, spec);
    const t = this.#o.telemetry?.call({ tool: spec.name, provider: spec.provider, class: spec.class, client: ctx.client, sessionId: ctx.sessionId, request: ctx.request });
    t?.arguments(args);
    const rec = activity.record({ client: ctx.client, session: ctx.sessionId, tool: spec.name, provider: spec.provider, class: spec.class, args }, { status: 'invalid', resultBytes: null, preview: preview(redactor.text(message)) });
    t?.end({ status: 'invalid', isError: true, activityId: rec.id });
    return { content: [{ type: 'text', text: message }], isError: true };
  }

  /**
   * Stop a running call (by its activity id) on behalf of `by` (who asked: "user", a client name,
   * ...). The MCP client gets a cancelled result and the record says who cancelled. False when
   * the call is not running (finished already, or never was).
   */
  cancelCall(id: string, by: string): boolean {
    const stop = this.#running.get(id);
    if (!stop) return false;
    stop(by);
    return true;
  }

  /** The policy's answer for this call, or null when it cannot be read (a sync throw included). */
  async #verdict(spec: AnyToolSpec, client: string, guard: GuardState | undefined): Promise<Verdict | null> {
    const hook = this.#o.policy;
    try {
      const v = hook ? await hook(spec, client, guard) : 'allow';
      return typeof v === 'string' ? { policy: v, rule: { kind: 'default', name: spec.class } } : v;
    } catch {
      return null;
    }
  }

  #toolLog(tool: string): Logger {
    let child = this.#toolLogs.get(tool);
    if (!child) this.#toolLogs.set(tool, (child = this.#o.log.child({ tool })));
    return child;
  }

  /** Abort every call still running (host shutdown). */
  stopAll(): void {
    this.#stopped = true;
    for (const stop of this.#running.values()) stop('tarmac');
  }
}

/** Why a call did not run, written for the model: what happened and what it can do. */
function refusalText(tool: string, verdict: Verdict, outcome: ApprovalResult): string {
  switch (verdict.rule.kind) {
    case 'paused':
      return `Tarmac is paused: no tool runs until a person resumes it (in the Tarmac window or tray, or \`tarmac resume\`). Ask the user to resume Tarmac.`;
    case 'read-only':
      return `Tarmac is in read-only mode, so "${tool}", which changes things, was refused. Only the user can turn read-only mode off in Tarmac; read-only tools still work.`;
    case 'disabled':
      return `"${tool}" is turned off in Tarmac. The user can turn it on on Tarmac's Tools page.`;
    case 'profile':
      return `"${tool}" is outside the profile "${verdict.rule.name}" that Tarmac gives this client, so it was refused. Use the tools in your list; the user can choose another profile for this client on Tarmac's Clients page.`;
  }
  if (verdict.policy === 'deny') {
    return `Tarmac's policy does not allow "${tool}" for this client (${describeRule(verdict.rule)}). A person can change that on Tarmac's Tools page.`;
  }
  switch (outcome.by) {
    case 'timeout':
      return `The person did not approve "${tool}" within ${formatWait(outcome.waitedMs)}; ask them to approve it in Tarmac, then call it again.`;
    case 'withdrawn':
      return outcome.channel === 'tarmac' ? `"${tool}" was not approved before Tarmac shut down. Try again once it is running.` : `"${tool}" was cancelled while it waited for approval.`;
    case 'none':
      return `"${tool}" needs a person's approval and nobody can be asked here (no Tarmac window or \`tarmac serve\` to approve in), so it was refused. Ask the user to open Tarmac, or to allow the tool (\`tarmac policy set ${tool} allow\`).`;
    default:
      return `A person declined the call to "${tool}". Do not retry it without asking the user.`;
  }
}

function formatWait(ms: number | null): string {
  if (ms === null) return 'the time allowed';
  const s = Math.round(ms / 1000);
  return s >= 60 && s % 60 === 0 ? `${s / 60} minute${s === 60 ? '' : 's'}` : s >= 60 ? `${Math.round(s / 6) / 10} minutes` : `${s} seconds`;
}

function cancelledText(tool: string, by: string | null): string {
  if (by === 'client' || by === null) return `"${tool}" was cancelled before it finished.`;
  if (by === 'tarmac') return `"${tool}" was stopped because Tarmac is shutting down. Try again once it is running.`;
  return `"${tool}" was cancelled by ${by} in Tarmac before it finished. Do not retry it without asking the user.`;
}

/** `text`: output.text, already redacted. */
function toResult(output: ToolOutput, text: string, redactor: Redactor, declaresOutput: boolean): CallToolResult {
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (output.structured) result.structuredContent = redactor.value(output.structured) as Record<string, unknown>;
  // A tool with an outputSchema must send structuredContent on success; an answer too large for it
  // (or text flyctl printed instead of JSON) sends an empty object, which every such schema allows.
  else if (declaresOutput && !output.isError) result.structuredContent = {};
  if (output.isError) result.isError = true;
  return result;
}

/** The message of an error, one paragraph, redacted; stacks stay out. */
export function errorText(err: unknown, redactor: Redactor): string {
  let message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'The tool failed for an unknown reason.';
  message = message.trim() || 'The tool failed without saying why.';
  if (message.length > MAX_ERROR_CHARS) message = message.slice(0, MAX_ERROR_CHARS) + '…';
  return redactor.text(message);
}

/** One line of already redacted text, cut to PREVIEW_CHARS. */
function preview(redacted: string): string {
  const flat = redacted.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? flat.slice(0, PREVIEW_CHARS - 1) + '…' : flat;
}

function resultBytes(result: CallToolResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
