import { Dialog } from 'radix-ui';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { CLIENT_NAME_PATTERN, CLIENT_NAME_RULE } from '../../../../shared/credentials.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button } from '../../../components/ui.js';
import { useCreateToken } from '../hooks/useCredentials.js';

/** The nearest valid name ("CI Runner" -> "ci-runner"), or null. */
function suggest(name: string): string | null {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  return CLIENT_NAME_PATTERN.test(s) ? s : null;
}

/** Why a name cannot be used, before asking the host (which checks the same rule and what is taken). */
function nameProblem(name: string, taken: ReadonlySet<string>): string | null {
  if (!name) return 'Give the client a name.';
  if (!CLIENT_NAME_PATTERN.test(name)) {
    const s = suggest(name);
    return s && !taken.has(s) ? `Not a valid name: try “${s}”.` : `Not a valid name: ${CLIENT_NAME_RULE}.`;
  }
  if (taken.has(name)) return `A client named “${name}” exists already: choose another name, or revoke it first to give it a new token.`;
  return null;
}

/**
 * Ask a client name, make its token, show the token once with a copy button. The token lives only
 * in this dialog: closing it forgets the answer.
 */
export function CreateTokenDialog({
  open,
  taken,
  endpoint,
  onClose,
  onClosed,
}: {
  open: boolean;
  taken: ReadonlySet<string>;
  endpoint: string | null;
  onClose(): void;
  /** Runs as focus would go back: the dialog has no trigger of its own to return to. */
  onClosed(event: Event): void;
}) {
  const id = useId();
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const tokenRef = useRef<HTMLTextAreaElement>(null);
  const created = create.data ?? null;
  const problem = nameProblem(name.trim(), taken);
  const showProblem = touched && problem !== null;

  useEffect(() => {
    // The submit button is gone: focus lands on the token, selected for copying.
    if (created) {
      tokenRef.current?.focus();
      tokenRef.current?.select();
    }
  }, [created]);

  const close = () => {
    if (create.isPending) return;
    onClose();
    setName('');
    setTouched(false);
    create.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (problem || create.isPending) return;
    create.mutate(name.trim());
  };

  return (
    <Dialog.Root open={open} onOpenChange={(o) => !o && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-narrow" aria-describedby={`${id}-desc`} data-testid="create-token-dialog" onCloseAutoFocus={onClosed}>
          {created ? (
            <>
              <Dialog.Title className="dialog-title">Token for {created.name}</Dialog.Title>
              <Dialog.Description id={`${id}-desc`} className="muted">
                Give this token to {created.name}: it sends it as <code>Authorization: Bearer &lt;token&gt;</code>
                {endpoint ? (
                  <>
                    {' '}
                    to <span className="mono break">{endpoint}</span>
                  </>
                ) : null}
                .
              </Dialog.Description>
              <div className="token-box">
                <textarea
                  ref={tokenRef}
                  className="input mono token-value"
                  readOnly
                  rows={2}
                  value={created.token}
                  aria-label={`Token for ${created.name}`}
                  spellCheck={false}
                  onFocus={(e) => e.currentTarget.select()}
                />
                <CopyButton value={created.token} label={`Copy the token for ${created.name}`} />
              </div>
              <Alert tone="warn">Copy it now: Tarmac will not show it again. It is kept in your keychain; if it is lost, revoke it and create another.</Alert>
              <div className="btn-row dialog-actions">
                <Button variant="primary" onClick={close}>
                  Done
                </Button>
              </div>
            </>
          ) : (
            <form className="form" onSubmit={submit} noValidate>
              <Dialog.Title className="dialog-title">Create a token</Dialog.Title>
              <Dialog.Description id={`${id}-desc`} className="muted">
                A token lets one MCP client reach Tarmac under its own name: the activity log shows that name, and the Tools page can set rules for it.
              </Dialog.Description>
              <div className="field">
                <label htmlFor={`${id}-name`}>Client name</label>
                <input
                  id={`${id}-name`}
                  className="input mono"
                  value={name}
                  autoComplete="off"
                  spellCheck={false}
                  autoCapitalize="none"
                  placeholder="e.g. build-agent"
                  maxLength={64}
                  aria-invalid={showProblem || undefined}
                  aria-describedby={`${id}-help${showProblem ? ` ${id}-problem` : ''}`}
                  onChange={(e) => {
                    setName(e.target.value);
                    if (create.error) create.reset();
                  }}
                  onBlur={() => name && setTouched(true)}
                />
                <p className="help" id={`${id}-help`}>
                  Lower-case letters, digits, “.”, “_” and “-”, up to 64, starting with a letter or digit.
                </p>
                {showProblem ? (
                  <p className="field-error small" id={`${id}-problem`}>
                    {problem}
                  </p>
                ) : null}
              </div>
              {create.error ? <ErrorAlert error={create.error} titles={{ conflict: 'Name taken' }} /> : null}
              <div className="btn-row dialog-actions">
                <Dialog.Close asChild>
                  <Button disabled={create.isPending}>Cancel</Button>
                </Dialog.Close>
                <Button type="submit" variant="primary" busy={create.isPending} disabled={create.isPending}>
                  Create token
                </Button>
              </div>
            </form>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
