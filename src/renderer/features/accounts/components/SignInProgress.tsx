import { useSignInProgress } from '../../../app/events.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Button, Spinner } from '../../../components/ui.js';

/** While a sign-in runs: what it waits for, the URL in case no browser opened, and Cancel. */
export function SignInProgress({ provider, waitsForBrowser, onCancel, cancelling }: { provider: string; waitsForBrowser: boolean; onCancel(): void; cancelling: boolean }) {
  const events = useSignInProgress(provider);
  const opened = [...events].reverse().find((e) => e.kind === 'browser-opened');
  const waiting = [...events].reverse().find((e) => e.kind === 'waiting');
  const label = waiting?.kind === 'waiting' ? waiting.message : waitsForBrowser ? 'Waiting for you to finish signing in in the browser…' : 'Checking with the server…';
  return (
    <div className="progress" data-testid="sign-in-progress">
      <Spinner label={label} />
      {opened?.kind === 'browser-opened' ? (
        <div className="form">
          <p className="small">No browser window? Open this link yourself:</p>
          <div className="url-box">
            <a className="mono" href={opened.url} target="_blank" rel="noreferrer" data-testid="sign-in-url">
              {opened.url}
            </a>
            <CopyButton value={opened.url} label="Copy the sign-in link" />
          </div>
        </div>
      ) : null}
      <div className="btn-row">
        <Button onClick={onCancel} busy={cancelling}>
          Cancel sign-in
        </Button>
      </div>
    </div>
  );
}
