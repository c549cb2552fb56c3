import { useMutation } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { X } from 'lucide-react';
import type { ToolCall } from '../../../../shared/activity.js';
import { api } from '../../../api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Badge, Button, Details } from '../../../components/ui.js';
import { formatBytes, formatDuration, STATUS } from '../format.js';

/** One call in full: redacted arguments, the result's preview or error, timing, who asked. */
export function CallDetails({ call, onClose }: { call: ToolCall | null; onClose(): void }) {
  const cancel = useMutation({ mutationFn: (id: string) => api.cancelCall(id) });
  return (
    <Dialog.Root open={call !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          {call ? (
            <>
              <div className="card-head">
                <Dialog.Title className="card-title mono">{call.tool}</Dialog.Title>
                <div className="row">
                  <Badge tone={STATUS[call.status].tone}>{STATUS[call.status].label}</Badge>
                  <Dialog.Close asChild>
                    <button type="button" className="btn btn-ghost btn-sm" aria-label="Close">
                      <X size={16} aria-hidden="true" />
                    </button>
                  </Dialog.Close>
                </div>
              </div>
              <Details
                items={[
                  ['Client', call.client],
                  ['Provider', `${call.provider} (${call.class})`],
                  ['Started', new Date(call.time).toLocaleString()],
                  ['Duration', formatDuration(call.durationMs)],
                  ['Answer size', formatBytes(call.resultBytes)],
                  ['Session', call.session],
                  ['Cancelled by', call.cancelledBy],
                  ['Call id', call.id],
                ]}
              />
              <h3 className="section-title">Arguments (secrets removed)</h3>
              <pre className="code-block" tabIndex={0}>
                {JSON.stringify(call.args, null, 2)}
              </pre>
              {call.preview ? (
                <>
                  <h3 className="section-title">{call.status === 'ok' ? 'Answer (start)' : 'What went wrong'}</h3>
                  <pre className="code-block" tabIndex={0}>
                    {call.preview}
                  </pre>
                </>
              ) : null}
              {call.status === 'running' ? (
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
                <CopyButton value={JSON.stringify(call, null, 2)} label="Copy as JSON: this call" text="Copy as JSON" />
              </div>
            </>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
