import { useState } from 'react';
import { DeferredConfirmDialog } from '../../../app/deferred.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button } from '../../../components/ui.js';
import { useAcknowledgeTrustedWrite, useConfirmChanges, useDiscardChanges, useGuardrails } from '../useGuardrails.js';

/**
 * On every page: changes made outside Tarmac that would loosen protection (waiting for this
 * person to confirm or discard them), and the standing warning of --trust-terminal.
 */
export function GuardBanners() {
  const view = useGuardrails().data;
  const [confirming, setConfirming] = useState(false);
  const confirm = useConfirmChanges();
  const discard = useDiscardChanges();
  const acknowledge = useAcknowledgeTrustedWrite();
  if (!view) return null;
  const waiting = view.unconfirmed;
  return (
    <div className="guard-banners">
      {view.trustTerminal ? (
        <Alert tone="warn" title="Trust terminal is on">
          Tarmac was started with --trust-terminal: any program running as you (an AI agent with a shell included) can loosen protection and approve calls, and edits of
          settings.json apply at once. Use it only where no agent runs, such as a server or CI.
        </Alert>
      ) : null}
      {view.trustedWriteAt ? (
        <div data-testid="trusted-write-banner">
          <Alert tone="warn" title="A Tarmac trusting the terminal changed your guardrails">
            <p>
              On {new Date(view.trustedWriteAt).toLocaleString()}, a Tarmac started with --trust-terminal set the guardrails, and its changes are in force. If you did not
              start Tarmac that way, a program running as you may have: check the rules on the Tools page.
            </p>
            <div className="btn-row">
              <Button size="sm" busy={acknowledge.isPending} onClick={() => acknowledge.mutate()}>
                I have checked them
              </Button>
            </div>
            {acknowledge.error ? <ErrorAlert error={acknowledge.error} /> : null}
          </Alert>
        </div>
      ) : null}
      {waiting.length > 0 ? (
        <div data-testid="unconfirmed-banner">
          <Alert tone="warn" title={waiting.length === 1 ? 'A change made outside Tarmac waits for you' : `${waiting.length} changes made outside Tarmac wait for you`} live>
            <p>settings.json was changed by another program or by hand, and the change loosens protection. It is not in force until you confirm it here:</p>
            <ul className="change-list">
              {waiting.slice(0, 6).map((c) => (
                <li key={c}>{c}</li>
              ))}
              {waiting.length > 6 ? <li>and {waiting.length - 6} more</li> : null}
            </ul>
            <div className="btn-row">
              <Button size="sm" onClick={() => setConfirming(true)}>
                Review and confirm…
              </Button>
              <Button size="sm" variant="ghost" busy={discard.isPending} onClick={() => discard.mutate()}>
                Discard the changes
              </Button>
            </div>
            {discard.error ? <ErrorAlert error={discard.error} /> : null}
          </Alert>
        </div>
      ) : null}
      {confirming ? (
        <DeferredConfirmDialog
          open
          testId="confirm-changes-dialog"
          title="Bring these changes into force?"
          description="Only if you made them yourself. An AI agent with a shell can edit settings.json too; confirming lets its change through."
          cancelLabel="Not now"
          confirmLabel={`Confirm ${waiting.length === 1 ? 'the change' : `${waiting.length} changes`}`}
          busy={confirm.isPending}
          error={confirm.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() => confirm.mutate(view.unconfirmedStamp, { onSuccess: () => setConfirming(false) })}
        >
          <ul className="change-list">
            {waiting.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </DeferredConfirmDialog>
      ) : null}
    </div>
  );
}
