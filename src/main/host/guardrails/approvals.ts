import { randomUUID } from 'node:crypto';
import type { ApprovalAnswer, CallDecision, PendingApproval, ToolFacts } from '../../../shared/policy.js';

export interface ApprovalRequest {
  tool: ToolFacts & { title: string; description: string };
  client: string;
  /** The name of the account the call would use. */
  account?: string;
  /** Already redacted: this is what people see. */
  args: Record<string, unknown>;
  timeoutMs: number;
  /** The client cancelled its request: the approval is withdrawn. */
  signal: AbortSignal;
  /** Called with the id once the call is queued (another channel can then answer it). */
  onQueued?: (id: string) => void;
}

export interface ApprovalOutcome {
  approved: boolean;
  by: CallDecision['by'];
  channel: string | null;
  waitedMs: number;
  /** "Allow this tool for this client from now on". */
  remember: boolean;
}

export type ApprovalChange = { type: 'added'; approval: PendingApproval } | { type: 'settled'; approval: PendingApproval; outcome: ApprovalOutcome };

export class ApprovalNotFoundError extends Error {
  override readonly name = 'ApprovalNotFoundError';
}

interface Waiting {
  view: PendingApproval;
  settle(answer: ApprovalAnswer | 'timeout' | 'withdrawn', channel: string | null): void;
}

/**
 * Calls held for a person. Each waits until someone decides (window, tray, CLI, the client
 * itself), the timeout denies it, or the client withdraws it by cancelling. Approvers register
 * while they can answer; with none, nobody is asked (see canAsk).
 */
export class ApprovalQueue {
  readonly #waiting = new Map<string, Waiting>();
  readonly #approvers = new Map<string, number>();
  readonly #listeners = new Set<(change: ApprovalChange) => void>();

  /** Someone who can answer is present (a window, a control socket). Returns its removal. */
  addApprover(channel: string): () => void {
    this.#approvers.set(channel, (this.#approvers.get(channel) ?? 0) + 1);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const left = (this.#approvers.get(channel) ?? 1) - 1;
      if (left > 0) this.#approvers.set(channel, left);
      else this.#approvers.delete(channel);
    };
  }

  /** The channels a person could answer on now. */
  approvers(): string[] {
    return [...this.#approvers.keys()];
  }

  list(): PendingApproval[] {
    return [...this.#waiting.values()].map((w) => w.view);
  }

  get size(): number {
    return this.#waiting.size;
  }

  onChange(listener: (change: ApprovalChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  request(req: ApprovalRequest): Promise<ApprovalOutcome> {
    const started = performance.now();
    const now = Date.now();
    const view: PendingApproval = {
      id: randomUUID().slice(0, 8),
      tool: req.tool.name,
      title: req.tool.title,
      provider: req.tool.provider,
      class: req.tool.class,
      client: req.client,
      ...(req.account ? { account: req.account } : {}),
      args: req.args,
      summary: firstSentence(req.tool.description),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + req.timeoutMs).toISOString(),
    };
    return new Promise<ApprovalOutcome>((resolve) => {
      const timer = setTimeout(() => waiting.settle('timeout', null), req.timeoutMs);
      const onAbort = () => waiting.settle('withdrawn', 'client');
      const waiting: Waiting = {
        view,
        settle: (answer, channel) => {
          if (!this.#waiting.delete(view.id)) return;
          clearTimeout(timer);
          req.signal.removeEventListener('abort', onAbort);
          const approved = answer === 'allow-once' || answer === 'allow-always';
          const outcome: ApprovalOutcome = {
            approved,
            by: answer === 'timeout' ? 'timeout' : answer === 'withdrawn' ? 'withdrawn' : channel === 'client' ? 'client' : channel === 'cli' ? 'terminal' : 'person',
            channel,
            waitedMs: Math.round(performance.now() - started),
            // Only a person in Tarmac makes a lasting rule; the client's own answer counts once.
            remember: answer === 'allow-always' && channel !== 'client',
          };
          this.#emit({ type: 'settled', approval: view, outcome });
          resolve(outcome);
        },
      };
      this.#waiting.set(view.id, waiting);
      req.signal.addEventListener('abort', onAbort, { once: true });
      this.#emit({ type: 'added', approval: view });
      req.onQueued?.(view.id);
      if (req.signal.aborted) onAbort();
    });
  }

  /** A person's answer, from `channel` (window, tray, cli, client). */
  decide(id: string, answer: ApprovalAnswer, channel: string): PendingApproval {
    const waiting = this.#waiting.get(id);
    if (!waiting) throw new ApprovalNotFoundError(`No call is waiting with id ${id}: it was decided, timed out or withdrawn already. \`tarmac approvals\` lists the ones waiting.`);
    waiting.settle(answer, channel);
    return waiting.view;
  }

  /** Deny everything still waiting (host shutdown). */
  denyAll(): void {
    for (const waiting of [...this.#waiting.values()]) waiting.settle('withdrawn', 'tarmac');
  }

  #emit(change: ApprovalChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not keep a call waiting.
      }
    }
  }
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/\.(\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end + 1) : flat;
  return sentence.length > 300 ? sentence.slice(0, 299) + '…' : sentence;
}
