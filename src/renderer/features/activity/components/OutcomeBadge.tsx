import { Ban, Braces, CircleCheck, CirclePause, CircleSlash, CircleX, Clock, Hourglass, Loader, Lock, OctagonX, PowerOff, ShieldX, TimerOff, Undo2, UserRoundX, UserX, type LucideIcon } from 'lucide-react';
import type { Outcome, OutcomeKind } from '../format.js';

/** Each outcome has its own icon as well as its words, so refusals of different kinds look different at a glance. */
const ICON: Record<OutcomeKind, LucideIcon> = {
  running: Loader,
  waiting: Hourglass,
  ok: CircleCheck,
  error: CircleX,
  timeout: TimerOff,
  invalid: Braces,
  cancelled: CircleSlash,
  withdrawn: Undo2,
  declined: UserX,
  'no-answer': Clock,
  'no-approver': UserRoundX,
  paused: CirclePause,
  'read-only': Lock,
  'tool-off': PowerOff,
  rule: ShieldX,
  'policy-error': OctagonX,
  denied: Ban,
};

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const Icon = ICON[outcome.kind];
  return (
    <span className={`badge badge-${outcome.tone} badge-icon`} title={outcome.sentence}>
      <Icon size={12} aria-hidden="true" />
      {outcome.label}
    </span>
  );
}
