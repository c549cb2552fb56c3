import type { ToolCall, ToolCallStatus } from '../../../shared/activity.js';
import type { CallDecision } from '../../../shared/policy.js';

export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

export const STATUS: Record<ToolCallStatus, { label: string; tone: Tone }> = {
  running: { label: 'Running', tone: 'neutral' },
  ok: { label: 'OK', tone: 'ok' },
  error: { label: 'Error', tone: 'danger' },
  denied: { label: 'Denied', tone: 'warn' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  timeout: { label: 'Timed out', tone: 'danger' },
  invalid: { label: 'Invalid', tone: 'warn' },
};

/** What became of a call, told apart finely enough that a person sees why it did not run. */
export type OutcomeKind =
  | 'running'
  | 'waiting'
  | 'ok'
  | 'error'
  | 'timeout'
  | 'invalid'
  | 'cancelled'
  | 'withdrawn'
  | 'declined'
  | 'no-answer'
  | 'no-approver'
  | 'paused'
  | 'read-only'
  | 'tool-off'
  | 'rule'
  | 'policy-error'
  | 'denied';

export interface Outcome {
  kind: OutcomeKind;
  /** A word or two for the badge. */
  label: string;
  tone: Tone;
  /** The same in a sentence, for the details and for screen readers. */
  sentence: string;
}

/** The rule's kind; calls recorded before Tarmac kept it have only the rule in words. */
function ruleKind(d: CallDecision): CallDecision['ruleKind'] {
  if (d.ruleKind) return d.ruleKind;
  if (d.rule === 'Tarmac is paused') return 'paused';
  if (d.rule === 'read-only mode') return 'read-only';
  if (d.rule === 'tool turned off') return 'disabled';
  if (d.rule === 'policy unreadable') return 'unreadable';
  return undefined;
}

export function outcome(call: ToolCall): Outcome {
  const d = call.decision;
  const waited = d?.waitedMs != null ? ` after ${formatDuration(d.waitedMs)}` : '';
  switch (call.status) {
    case 'running':
      return d?.by === 'pending'
        ? { kind: 'waiting', label: 'Waiting', tone: 'warn', sentence: 'Waiting for a person to approve it' }
        : { kind: 'running', label: 'Running', tone: 'neutral', sentence: 'Running' };
    case 'ok':
      return { kind: 'ok', label: 'OK', tone: 'ok', sentence: 'Finished' };
    case 'error':
      return { kind: 'error', label: 'Error', tone: 'danger', sentence: 'Failed' };
    case 'timeout':
      return { kind: 'timeout', label: 'Timed out', tone: 'danger', sentence: 'Ran too long and was stopped' };
    case 'invalid':
      return { kind: 'invalid', label: 'Invalid', tone: 'warn', sentence: 'Refused: its arguments did not fit the tool' };
    case 'cancelled':
      return d?.by === 'withdrawn'
        ? { kind: 'withdrawn', label: 'Withdrawn', tone: 'neutral', sentence: `Withdrawn while it waited for approval${waited}` }
        : { kind: 'cancelled', label: 'Cancelled', tone: 'neutral', sentence: 'Cancelled before it finished' };
    case 'denied':
      break;
  }
  if (!d) return { kind: 'denied', label: 'Denied', tone: 'warn', sentence: 'Denied' };
  switch (d.by) {
    case 'person':
      return { kind: 'declined', label: 'Declined', tone: 'danger', sentence: `Declined by a person${channelWords(d.channel)}${waited}` };
    case 'terminal':
      return { kind: 'declined', label: 'Declined', tone: 'danger', sentence: `Declined from the terminal (tarmac approvals)${waited}` };
    case 'client':
      return { kind: 'declined', label: 'Declined', tone: 'danger', sentence: `Declined in the AI client's own prompt${waited}` };
    case 'timeout':
      return { kind: 'no-answer', label: 'No answer', tone: 'warn', sentence: `Denied: nobody answered within ${d.waitedMs != null ? formatDuration(d.waitedMs) : 'the time allowed'}` };
    case 'none':
      return { kind: 'no-approver', label: 'No one asked', tone: 'warn', sentence: 'Denied: it needed approval and no Tarmac window was open to ask in' };
    default:
      break;
  }
  switch (ruleKind(d)) {
    case 'paused':
      return { kind: 'paused', label: 'Paused', tone: 'neutral', sentence: 'Refused: Tarmac was paused' };
    case 'read-only':
      return { kind: 'read-only', label: 'Read-only', tone: 'neutral', sentence: 'Refused: read-only mode was on' };
    case 'disabled':
      return { kind: 'tool-off', label: 'Tool off', tone: 'neutral', sentence: 'Refused: the tool is turned off' };
    case 'unreadable':
      return { kind: 'policy-error', label: 'Policy error', tone: 'danger', sentence: "Refused: Tarmac's settings could not be read" };
    default:
      return { kind: 'rule', label: 'Blocked', tone: 'danger', sentence: `Denied by a rule (${d.rule})` };
  }
}

function channelWords(channel: string | null): string {
  switch (channel) {
    case 'window':
      return ' in the Tarmac window';
    case 'notification':
      return ' from an OS notification';
    case 'cli':
      return ' in the terminal';
    case 'client':
      return " in the AI client's prompt";
    default:
      return '';
  }
}

/** Who or what settled a call, in words for its details: [who, where]. */
export function decidedBy(call: ToolCall): { who: string; where: string | null; answer: string | null } {
  const d = call.decision;
  if (!d) {
    if (call.status === 'invalid') return { who: 'Nobody: the call was refused before any rule looked at it', where: null, answer: null };
    return { who: 'No rule held it (allowed by default)', where: null, answer: null };
  }
  const answer = d.policy !== 'ask' || d.by === 'pending' ? null : call.status === 'denied' || call.status === 'cancelled' ? 'Not allowed' : d.remembered ? 'Allowed for this client from now on' : 'Allowed once';
  switch (d.by) {
    case 'pending':
      return { who: 'Nobody yet: waiting for a person', where: null, answer };
    case 'person':
      return { who: 'A person', where: channelPlace(d.channel), answer };
    case 'terminal':
      return { who: 'The terminal (tarmac approvals); a program could have answered there', where: 'Terminal', answer };
    case 'client':
      return { who: "The AI client's own prompt (a person there, or the agent itself)", where: 'The AI client', answer };
    case 'timeout':
      return { who: 'Nobody: no one answered in time', where: null, answer };
    case 'withdrawn':
      return { who: d.channel === 'tarmac' ? 'Nobody: Tarmac shut down while it waited' : 'Nobody: the client cancelled while it waited', where: null, answer };
    case 'none':
      return { who: 'Nobody could be asked (no Tarmac window open)', where: null, answer };
    case 'rule':
      return { who: d.policy === 'allow' ? 'A rule (nobody was asked)' : ruleWho(d), where: null, answer };
  }
}

function ruleWho(d: CallDecision): string {
  switch (ruleKind(d)) {
    case 'paused':
      return 'Pause: Tarmac was paused';
    case 'read-only':
      return 'Read-only mode';
    case 'disabled':
      return 'The tool is turned off (Tools page)';
    case 'unreadable':
      return "Tarmac's settings could not be read, so it refused (fails closed)";
    default:
      return 'A rule (nobody was asked)';
  }
}

function channelPlace(channel: string | null): string | null {
  switch (channel) {
    case 'window':
      return 'The Tarmac window';
    case 'notification':
      return 'An OS notification';
    case 'cli':
      return 'The terminal';
    case 'client':
      return 'The AI client';
    default:
      return null;
  }
}

/** Who cancelled a call, as the record names it ("user", "client", "tarmac" or a name given). */
export function cancelledByText(by: string | null): string | null {
  switch (by) {
    case null:
      return null;
    case 'user':
      return 'You, in the Tarmac window';
    case 'client':
      return 'The AI client';
    case 'tarmac':
      return 'Tarmac (it was shutting down)';
    default:
      return by;
  }
}

/** A provider's name for people ("Fly.io" for "fly"), from the host's list; the id when it is not there. */
export function providerName(id: string, providers: ReadonlyArray<{ id: string; label: string }> | undefined): string {
  return providers?.find((p) => p.id === id)?.label ?? id;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * How long a running call has run (or waited, while it waits), for its row: the host sends no
 * duration until it ends. An approved call's wait is not its run.
 */
export function elapsed(call: ToolCall, now: number): number | null {
  if (call.status !== 'running') return call.durationMs;
  const waited = call.decision && call.decision.by !== 'pending' ? (call.decision.waitedMs ?? 0) : 0;
  return Math.max(0, now - Date.parse(call.time) - waited);
}
