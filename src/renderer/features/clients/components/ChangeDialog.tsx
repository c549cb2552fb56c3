import { Dialog } from 'radix-ui';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Button } from '../../../components/ui.js';
import type { ClientPlan } from '../hooks/useClients.js';
import { DiffView } from './DiffView.js';

/** The exact change, file by file, before anything is written: Apply or Cancel. */
export function ChangeDialog({
  plan,
  applying,
  error,
  onApply,
  onCancel,
  onClosed,
}: {
  plan: ClientPlan | null;
  applying: boolean;
  error: unknown;
  onApply(): void;
  onCancel(): void;
  /** Where focus goes once the dialog is gone (the card's buttons may have changed). */
  onClosed(event: Event): void;
}) {
  const changed = plan?.changes.filter((c) => c.changed) ?? [];
  const same = plan?.changes.filter((c) => !c.changed) ?? [];
  return (
    <Dialog.Root open={plan !== null} onOpenChange={(open) => !open && !applying && onCancel()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" onCloseAutoFocus={onClosed} aria-describedby="change-dialog-desc">
          <Dialog.Title className="dialog-title">{plan?.request.title}</Dialog.Title>
          <Dialog.Description id="change-dialog-desc" className="muted">
            {changed.length
              ? `Tarmac will make ${changed.length === 1 ? 'this change' : `these ${changed.length} changes`}.${plan?.request.force ? ' The other “tarmac” entry is replaced by Tarmac’s.' : ''} Nothing is written until you choose Apply; the previous file is kept as a backup.`
              : 'Nothing to change: every file is already as it should be.'}
          </Dialog.Description>
          <div className="dialog-body">
            {changed.map((c) => (
              <section key={`${c.id}:${c.path}`} className="diff-file" aria-label={`Change to ${c.path}`}>
                <h3 className="mono small diff-path">{c.path}</h3>
                <DiffView diff={c.diff} label={`Unified diff of ${c.path}`} />
              </section>
            ))}
            {same.length ? (
              <ul className="list-plain small muted">
                {same.map((c) => (
                  <li key={`${c.id}:${c.path}`}>
                    <span className="mono">{c.path}</span> is already up to date.
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          {error ? <ErrorAlert error={error} /> : null}
          {applying ? (
            <p className="progress-line" role="status">
              <span className="spinner" aria-hidden="true" /> Writing {changed.length === 1 ? 'the file' : 'the files'} and reading {changed.length === 1 ? 'it' : 'them'} back…
            </p>
          ) : null}
          <div className="btn-row dialog-actions">
            <Dialog.Close asChild>
              <Button disabled={applying}>{changed.length ? 'Cancel' : 'Close'}</Button>
            </Dialog.Close>
            {changed.length && plan ? (
              <Button variant={plan.request.action === 'unregister' || plan.request.force ? 'danger' : 'primary'} busy={applying} disabled={applying} onClick={onApply}>
                Apply
              </Button>
            ) : null}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
