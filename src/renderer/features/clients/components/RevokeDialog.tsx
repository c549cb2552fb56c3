import { AlertDialog } from 'radix-ui';
import type { McpCredential } from '../../../../shared/credentials.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Button } from '../../../components/ui.js';
import { useRevokeCredential } from '../hooks/useCredentials.js';

/** What revoking does, said before it is done. */
function consequence(c: McpCredential): string {
  return c.kind === 'oauth'
    ? `${c.name} signed in with OAuth. Revoking it ends that sign-in and every token it holds: the running server refuses it from its next request and closes its open sessions at once. It can sign in again from the client, and you will be asked to allow it.`
    : `${c.name}'s token stops working: every config entry that uses it (including one Tarmac registered) is refused from its next request, and the running server closes its open sessions at once. To connect it again, create a new token and give it to the client.`;
}

/**
 * "Revoke cursor?" with what that does; the dialog stays open (and says why) if revoking fails.
 * onClose says whether the credential was revoked; onClosed runs as focus would go back.
 */
export function RevokeDialog({
  credential,
  onClose,
  onClosed,
}: {
  credential: McpCredential | null;
  onClose(revoked: boolean): void;
  onClosed(event: Event): void;
}) {
  const revoke = useRevokeCredential();
  const close = (revoked: boolean) => {
    if (revoke.isPending) return;
    revoke.reset();
    onClose(revoked);
  };
  return (
    <AlertDialog.Root open={credential !== null} onOpenChange={(open) => !open && close(false)}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog dialog-narrow" data-testid="revoke-dialog" onCloseAutoFocus={onClosed}>
          <AlertDialog.Title className="dialog-title break">Revoke {credential?.name}?</AlertDialog.Title>
          <AlertDialog.Description className="muted break">{credential ? consequence(credential) : ''}</AlertDialog.Description>
          {revoke.error ? <ErrorAlert error={revoke.error} /> : null}
          <div className="btn-row dialog-actions">
            <AlertDialog.Cancel asChild>
              <Button disabled={revoke.isPending}>Keep it</Button>
            </AlertDialog.Cancel>
            <Button
              variant="danger"
              busy={revoke.isPending}
              disabled={revoke.isPending || !credential}
              onClick={() => credential && revoke.mutate(credential.name, { onSuccess: () => close(true) })}
            >
              Revoke {credential?.name}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
