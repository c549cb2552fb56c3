import { ApprovalDeferred, type ApprovalHook, type ApprovalResult } from '../tools/gateway.js';
import type { Guardrails } from './guardrails.js';

export interface ApprovalHookOptions {
  /** How often a waiting call sends the client a progress notification (ms). */
  progressMs?: number;
}

const WAITING = 'Waiting for a person to approve this call in Tarmac';

/**
 * The gateway's approval step over the guardrails' queue: nobody to ask means no (the model is
 * told why); while the call waits, progress notifications keep the client's request alive;
 * "allow this tool for this client" becomes a client rule before the call runs.
 *
 * The AI client's own UI may answer only for a client a person allowed to (off by default), and
 * then for this one call only: its answer never becomes a lasting rule, because the client, or an
 * agent answering for itself, is what the guardrails guard against. The history says "client".
 */
export function approvalHook(guardrails: Guardrails, options: ApprovalHookOptions = {}): ApprovalHook {
  return async ({ spec, client, args, signal, progress, askClient, canDefer, clientAnswer, onWaiting, account }): Promise<ApprovalResult> => {
    const queue = guardrails.approvals;
    const viaClientAllowed = (askClient || canDefer || clientAnswer) ? await guardrails.clientMayApprove(client) : false;
    // A 2026-07-28 client answered our input-required result in its retry (its state checked, once).
    if (clientAnswer && viaClientAllowed) return { approved: clientAnswer !== 'deny', by: 'client', channel: 'client', waitedMs: null };
    if (canDefer && viaClientAllowed) throw new ApprovalDeferred(spec.name, account);
    // Through the client only when a person allowed it for this client and it can ask (elicitation).
    const viaClient = askClient && viaClientAllowed ? askClient : undefined;
    if (queue.approvers().length === 0 && !viaClient) return { approved: false, by: 'none', channel: null, waitedMs: null };
    const timeoutMs = await guardrails.approvalTimeoutMs();
    onWaiting?.();
    let tick: NodeJS.Timeout | undefined;
    if (progress) {
      let n = 0;
      progress(n, undefined, WAITING);
      tick = setInterval(() => progress(++n, undefined, WAITING), options.progressMs ?? 10_000);
    }
    try {
      const outcome = await queue.request({
        tool: { name: spec.name, provider: spec.provider, class: spec.class, title: spec.title, description: spec.description },
        client,
        ...(account ? { account } : {}),
        args,
        timeoutMs,
        signal,
        // The person may answer in the client or in Tarmac: the first answer counts.
        ...(viaClient
          ? {
              onQueued: (id: string) =>
                void viaClient({ tool: spec.name, title: spec.title, summary: spec.description.split('. ')[0] ?? spec.description, args, ...(account ? { account } : {}) })
                  .then((answer) => {
                    // Allow once at most: a client's answer never sets a rule.
                    if (answer) queue.decide(id, answer === 'deny' ? 'deny' : 'allow-once', 'client');
                  })
                  .catch(() => undefined),
            }
          : {}),
      });
      // The rule is written as whoever approved: from the terminal that works only with --trust-terminal.
      if (outcome.approved && outcome.remember) await guardrails.setPolicy({ kind: 'tool', name: spec.name }, 'allow', client, outcome.channel === 'cli' ? 'terminal' : 'person');
      return outcome;
    } finally {
      clearInterval(tick);
    }
  };
}
