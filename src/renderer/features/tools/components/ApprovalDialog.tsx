import { Dialog } from 'radix-ui';
import { Info, OctagonAlert, ShieldAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ApprovalAnswer, PendingApproval, SettledApproval } from '../../../../shared/policy.js';
import { useSettledApprovals } from '../../../app/events.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Badge, Button } from '../../../components/ui.js';
import { approvalNotice, formatSeconds } from '../approvalNotice.js';
import { useDecide, useGuardrails } from '../useGuardrails.js';

const CLASS_TONE = { read: 'ok', write: 'warn', destructive: 'danger' } as const;

/**
 * Shown anywhere in the window while a call waits for a person; the oldest first. A call that
 * stops waiting without an answer from this window (it expired, the client withdrew it, someone
 * answered elsewhere) does not just vanish: the dialog says what became of it until the person
 * has read it.
 */
export function ApprovalDialog() {
  const pending = useGuardrails().data?.pending;
  const settled = useSettledApprovals();
  // The call on screen, kept after it leaves the list so its notice can be shown.
  const [held, setHeld] = useState<PendingApproval | null>(null);
  const [answeredHere, setAnsweredHere] = useState<ReadonlySet<string>>(new Set());
  const live = held ? pending?.find((p) => p.id === held.id) : undefined;
  const gone = held !== null && pending !== undefined && !live;
  // Answered here, unless the host says otherwise (it expired while the answer was on its way).
  const outcome = held ? settled.get(held.id) : undefined;
  const answeredByThisWindow = held !== null && answeredHere.has(held.id) && (!outcome || (outcome.by === 'person' && outcome.channel === 'window'));
  const notice = gone && !answeredByThisWindow;

  useEffect(() => {
    if (!pending || notice) return;
    if (held && pending.some((p) => p.id === held.id)) return;
    setHeld(pending[0] ?? null);
  }, [pending, held, notice]);

  const next = () => setHeld(pending?.[0] ?? null);
  return (
    <Dialog.Root open={held !== null}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        {held && notice ? <SettledNotice key={`settled-${held.id}`} approval={held} onDone={next} settled={settled} /> : null}
        {held && !notice ? (
          <ApprovalContent
            key={held.id}
            approval={live ?? held}
            more={(pending?.length ?? 1) - 1}
            onAnswered={(id, here) =>
              setAnsweredHere((s) => {
                const next = new Set(s);
                if (here) next.add(id);
                else next.delete(id);
                return next;
              })
            }
          />
        ) : null}
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ApprovalContent({ approval, more, onAnswered }: { approval: PendingApproval; more: number; onAnswered: (id: string, here: boolean) => void }) {
  const decide = useDecide();
  // Marked before the request: the list without this call may arrive before the answer does.
  const answer = (a: ApprovalAnswer) => {
    onAnswered(approval.id, true);
    decide.mutate({ id: approval.id, answer: a }, { onError: () => onAnswered(approval.id, false) });
  };
  // A destructive call starts on Deny, so Enter alone never destroys anything; its Allow buttons are red.
  const destructive = approval.class === 'destructive';
  return (
    // Escape and outside clicks do not decide: a person answers with one of the three buttons.
    <Dialog.Content
      className={`dialog approval ${destructive ? 'approval-destructive' : ''}`}
      onEscapeKeyDown={(e) => e.preventDefault()}
      onPointerDownOutside={(e) => e.preventDefault()}
      aria-describedby="approval-what"
      data-testid="approval-dialog"
      data-class={approval.class}
    >
      {destructive ? (
        <p className="approval-band" data-testid="approval-destructive-band">
          <OctagonAlert size={16} aria-hidden="true" /> Destructive: this may not be undone
        </p>
      ) : null}
      <Dialog.Title className="dialog-title approval-title">
        <ShieldAlert size={18} aria-hidden="true" /> {approval.client} wants to run {approval.title}
      </Dialog.Title>
      <p id="approval-what">{approval.summary}</p>
      {destructive ? (
        <p className="approval-warning" role="note">
          This tool destroys things; it may not be undone. Deny is selected: choose Allow only if you meant this.
        </p>
      ) : null}
      <dl className="details">
        <dt>Tool</dt>
        <dd>
          <span className="mono">{approval.tool}</span> <Badge tone={CLASS_TONE[approval.class]}>{approval.class}</Badge>
        </dd>
        <dt>Client</dt>
        <dd>{approval.client}</dd>
        {approval.account ? (
          <>
            <dt>Account</dt>
            <dd data-testid="approval-account">
              {approval.provider} account <span className="mono">{approval.account}</span>
            </dd>
          </>
        ) : null}
        <dt>Time left</dt>
        <dd>
          <Countdown approval={approval} />
        </dd>
      </dl>
      <p className="label">Arguments (secrets masked)</p>
      <pre className="args" tabIndex={0} aria-label="Arguments">
        {JSON.stringify(approval.args, null, 2)}
      </pre>
      {more > 0 ? <p className="help">{more} more waiting after this one.</p> : null}
      {decide.error ? <ErrorAlert error={decide.error} /> : null}
      <div className="dialog-actions approval-actions">
        <Button onClick={() => answer('deny')} disabled={decide.isPending} autoFocus={destructive}>
          Deny
        </Button>
        <Button variant={destructive ? 'danger' : 'default'} onClick={() => answer('allow-always')} disabled={decide.isPending}>
          Allow this tool for {approval.client}
        </Button>
        <Button variant={destructive ? 'danger-solid' : 'primary'} onClick={() => answer('allow-once')} disabled={decide.isPending} autoFocus={!destructive}>
          Allow once
        </Button>
      </div>
    </Dialog.Content>
  );
}

const secondsUntil = (deadline: number) => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

/** Announced at these many seconds left; not every second, which would drown out everything else. */
const ANNOUNCE_AT = [60, 30, 10];

/**
 * The seconds left before the call is denied, counted down on screen every second (the window's
 * clock against the host's deadline, nothing asked of the host). The timer itself is not live;
 * a polite live region speaks at a minute, 30 and 10 seconds left.
 */
function Countdown({ approval }: { approval: PendingApproval }) {
  const deadline = Date.parse(approval.expiresAt);
  const total = Math.max(1, Math.round((deadline - Date.parse(approval.createdAt)) / 1000));
  const [seconds, setSeconds] = useState(() => secondsUntil(deadline));
  useEffect(() => {
    const tick = setInterval(() => setSeconds(secondsUntil(deadline)), 1000);
    return () => clearInterval(tick);
  }, [deadline]);
  const announce = ANNOUNCE_AT.find((at) => seconds <= at && seconds > at - 5 && at < total);
  return (
    <span className="countdown">
      <span role="timer" aria-label="Time left before it is denied" className={seconds <= 10 ? 'countdown-low' : undefined} data-testid="approval-countdown">
        {formatSeconds(seconds)}
      </span>{' '}
      <span className="help">then it is denied</span>
      <span className="countdown-bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, (seconds / total) * 100)}%` }} />
      </span>
      <span className="visually-hidden" aria-live="polite">
        {announce ? `${formatSeconds(announce)} left to answer ${approval.client}’s request.` : ''}
      </span>
    </span>
  );
}

function SettledNotice({ approval, settled, onDone }: { approval: PendingApproval; settled: ReadonlyMap<string, SettledApproval>; onDone: () => void }) {
  const { title, text } = approvalNotice(approval, settled.get(approval.id));
  return (
    <Dialog.Content
      className="dialog dialog-narrow approval-settled"
      role="alertdialog"
      onEscapeKeyDown={onDone}
      onPointerDownOutside={(e) => e.preventDefault()}
      aria-describedby="approval-settled-text"
      data-testid="approval-settled"
    >
      <Dialog.Title className="dialog-title approval-title">
        <Info size={18} aria-hidden="true" /> {title}
      </Dialog.Title>
      <p id="approval-settled-text">{text}</p>
      <div className="dialog-actions approval-actions">
        <Button variant="primary" onClick={onDone} autoFocus>
          OK
        </Button>
      </div>
    </Dialog.Content>
  );
}
