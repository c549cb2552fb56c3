import type { PendingApproval, SettledApproval } from '../../../shared/policy.js';

/**
 * What to tell the person when a call they were being asked about stops waiting without their
 * answer in this window: it expired, the client withdrew it, or someone answered elsewhere.
 * `settled` is the host's word on it; undefined when it never arrived (the stream reconnected).
 */
export function approvalNotice(approval: PendingApproval, settled: SettledApproval | undefined): { title: string; text: string } {
  const { tool, client } = approval;
  const verdict = settled?.approved ? 'allowed once' : 'denied';
  if (!settled) return { title: 'No longer waiting', text: `The request to run ${tool} is no longer waiting for an answer. The Activity page shows what became of it.` };
  switch (settled.by) {
    case 'timeout': {
      const seconds = Math.round((Date.parse(approval.expiresAt) - Date.parse(approval.createdAt)) / 1000);
      return {
        title: 'The request expired',
        text: `The request to run ${tool} expired after ${seconds} s and was denied; nothing ran. ${client} was told to ask you again, so a new request may follow.`,
      };
    }
    case 'withdrawn':
      return settled.channel === 'tarmac'
        ? { title: 'Tarmac is stopping', text: `The request to run ${tool} was denied because Tarmac is shutting down; nothing ran.` }
        : { title: 'The request was withdrawn', text: `${client} withdrew its request to run ${tool} (it cancelled the call or disconnected); nothing ran.` };
    case 'client':
      return { title: `Answered in ${client}`, text: `The request to run ${tool} was ${verdict} in ${client}’s own window, which you allowed to answer for it.` };
    case 'terminal':
      return { title: 'Answered from the terminal', text: `The request to run ${tool} was ${verdict} from the terminal (tarmac approvals).` };
    default:
      return {
        title: settled.channel === 'notification' ? 'Answered from the notification' : 'Answered in another window',
        text: `The request to run ${tool} was ${settled.approved ? 'allowed' : 'denied'} ${settled.channel === 'notification' ? 'from the system notification' : 'in another Tarmac window'}.`,
      };
  }
}

/** Seconds as a person reads a countdown: "45 s", "1 min 58 s", "2 min". */
export function formatSeconds(total: number): string {
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m === 0) return `${s} s`;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}
