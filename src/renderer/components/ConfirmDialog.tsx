import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert.js';
import { Button } from './ui.js';

/**
 * A question before something that cannot be taken back or that loosens protection: the safe
 * answer (cancel) has the focus, so Enter or Escape keeps things as they are.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  children,
  cancelLabel,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  open: boolean;
  title: ReactNode;
  description: ReactNode;
  children?: ReactNode;
  cancelLabel: string;
  confirmLabel: ReactNode;
  busy: boolean;
  error: unknown;
  onConfirm(): void;
  onCancel(): void;
  testId: string;
}) {
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !next && !busy && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog dialog-narrow" data-testid={testId}>
          <AlertDialog.Title className="dialog-title break">{title}</AlertDialog.Title>
          <AlertDialog.Description className="muted">{description}</AlertDialog.Description>
          {children}
          {error ? <ErrorAlert error={error} /> : null}
          <div className="btn-row dialog-actions">
            <AlertDialog.Cancel asChild>
              <Button disabled={busy}>{cancelLabel}</Button>
            </AlertDialog.Cancel>
            <Button variant="danger" busy={busy} onClick={onConfirm}>
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
