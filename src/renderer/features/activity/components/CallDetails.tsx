import { useMutation } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { X } from 'lucide-react';
import type { ToolCall } from '../../../../shared/activity.js';
import { api } from '../../../api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, Details } from '../../../components/ui.js';
import { cancelledByText, decidedBy, formatBytes, formatDuration, outcome, providerName } from '../format.js';
import { OutcomeBadge } from './OutcomeBadge.js';

const POLICY_WORDS = { allow: 'allow', ask: 'ask a person', deny: 'deny' } as const;

/** One call in full: what became of it and who decided, redacted arguments, the answer or error, timing. */
export function CallDetails({
  call,
  providers,
  onClose,
  onCloseAutoFocus,
}: {
  call: ToolCall | null;
  providers: ReadonlyArray<{ id: string; label: string }> | undefined;
  onClose(): void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const cancel = useMutation({ mutationFn: (id: string) => api.cancelCall(id) });
  return (
    <Dialog.Root open={call !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined} onCloseAutoFocus={onCloseAutoFocus}>
          {call ? <Body call={call} providers={providers} cancel={cancel} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function Body({ call, providers, cancel }: { call: ToolCall; providers: ReadonlyArray<{ id: string; label: string }> | undefined; cancel: ReturnType<typeof useMutation<boolean, Error, string>> }) {
  const o = outcome(call);
  const d = call.decision;
  const who = decidedBy(call);
  const waiting = o.kind === 'waiting';
  return (
    <>
      <div className="card-head">
        <Dialog.Title className="card-title mono">{call.tool}</Dialog.Title>
        <div className="row">
          <OutcomeBadge outcome={o} />
          <Dialog.Close asChild>
            <button type="button" className="btn btn-ghost btn-sm" aria-label="Close">
              <X size={16} aria-hidden="true" />
            </button>
          </Dialog.Close>
        </div>
      </div>
      <p className="call-outcome" data-testid="call-outcome">
        {o.sentence}.
      </p>
      <section aria-labelledby="call-decision">
        <h3 className="section-title" id="call-decision">
          Decision
        </h3>
        <Details
          items={[
            ['Decided by', who.who],
            ['Where', who.where],
            ['Answer', who.answer],
            ['Policy', d ? `${POLICY_WORDS[d.policy]} (${d.rule})` : null],
            ['Waited', d?.waitedMs != null ? formatDuration(d.waitedMs) : null],
            ['Cancelled by', cancelledByText(call.cancelledBy)],
          ]}
        />
        {d?.trustTerminal ? (
          <Alert tone="warn">Tarmac ran with --trust-terminal when this call was decided: other programs could approve calls and loosen rules.</Alert>
        ) : null}
      </section>
      <h3 className="section-title">Call</h3>
      <Details
        items={[
          ['Client', call.client],
          ['Provider', `${providerName(call.provider, providers)} (${call.class})`],
          ['Account', call.account ?? null],
          ['Started', new Date(call.time).toLocaleString()],
          [call.status === 'denied' || o.kind === 'withdrawn' ? 'Waited in all' : 'Duration', formatDuration(call.durationMs) || (call.status === 'running' ? null : 'It did not run')],
          ['Answer size', formatBytes(call.resultBytes)],
          ['Session', call.session],
          ['Call id', call.id],
        ]}
      />
      <h3 className="section-title">Arguments (secrets removed)</h3>
      <pre className="code-block" tabIndex={0}>
        {JSON.stringify(call.args, null, 2)}
      </pre>
      {call.preview ? (
        <>
          <h3 className="section-title">{call.status === 'ok' ? 'Answer (start)' : call.status === 'invalid' ? 'What the tool expects' : 'What went wrong'}</h3>
          <pre className="code-block" tabIndex={0}>
            {call.preview}
          </pre>
        </>
      ) : null}
      {waiting ? (
        <Alert tone="info">This call waits for a person: answer it in the approval dialog, in the tray, or with `tarmac approvals`.</Alert>
      ) : call.status === 'running' ? (
        <Alert tone="info">
          <div className="spread">
            <span>This call is still running.</span>
            <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate(call.id)}>
              Cancel the call
            </Button>
          </div>
        </Alert>
      ) : null}
      {cancel.isSuccess && !cancel.data ? <Alert tone="info">The call had already finished.</Alert> : null}
      {cancel.error ? <ErrorAlert error={cancel.error} /> : null}
      <div className="btn-row">
        <CopyButton value={JSON.stringify(call, null, 2)} label="Copy this call as JSON" text="Copy this call as JSON" />
      </div>
    </>
  );
}
