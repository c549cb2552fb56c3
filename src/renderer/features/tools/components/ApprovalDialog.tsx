import { Dialog } from 'radix-ui';
import { ShieldAlert } from 'lucide-react';
import type { ApprovalAnswer, PendingApproval } from '../../../../shared/policy.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Badge, Button } from '../../../components/ui.js';
import { useDecide, useGuardrails } from '../useGuardrails.js';

const CLASS_TONE = { read: 'ok', write: 'warn', destructive: 'danger' } as const;

/** Shown anywhere in the window while a call waits for a person; the oldest first. */
export function ApprovalDialog() {
  const view = useGuardrails();
  const pending = view.data?.pending ?? [];
  const current = pending[0];
  return (
    <Dialog.Root open={Boolean(current)}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        {current ? <ApprovalContent key={current.id} approval={current} more={pending.length - 1} /> : null}
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ApprovalContent({ approval, more }: { approval: PendingApproval; more: number }) {
  const decide = useDecide();
  const answer = (a: ApprovalAnswer) => decide.mutate({ id: approval.id, answer: a });
  // A destructive call starts on Deny, so Enter alone never destroys anything.
  const destructive = approval.class === 'destructive';
  return (
    // Escape and outside clicks do not decide: a person answers with one of the three buttons.
    <Dialog.Content className="dialog" onEscapeKeyDown={(e) => e.preventDefault()} onPointerDownOutside={(e) => e.preventDefault()} aria-describedby="approval-what">
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
        <dt>Waits until</dt>
        <dd>{new Date(approval.expiresAt).toLocaleTimeString()} (then it is denied)</dd>
      </dl>
      <p className="label">Arguments (secrets masked)</p>
      <pre className="args" tabIndex={0} aria-label="Arguments">
        {JSON.stringify(approval.args, null, 2)}
      </pre>
      {more > 0 ? <p className="help">{more} more waiting after this one.</p> : null}
      {decide.error ? <ErrorAlert error={decide.error} /> : null}
      <div className="dialog-actions approval-actions">
        <Button variant="danger" onClick={() => answer('deny')} disabled={decide.isPending} autoFocus={destructive}>
          Deny
        </Button>
        <Button onClick={() => answer('allow-always')} disabled={decide.isPending}>
          Allow this tool for {approval.client}
        </Button>
        <Button variant={destructive ? 'default' : 'primary'} onClick={() => answer('allow-once')} disabled={decide.isPending} autoFocus={!destructive}>
          Allow once
        </Button>
      </div>
    </Dialog.Content>
  );
}
