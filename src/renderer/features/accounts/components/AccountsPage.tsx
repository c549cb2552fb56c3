import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { ProviderAccount } from './ProviderAccount.js';

/** Sign in to each back end; the tokens go to the OS keychain and never into a file. */
export function AccountsPage() {
  const status = useHostStatus();
  const [params] = useSearchParams();
  const wanted = params.get('provider');
  const sections = useRef(new Map<string, HTMLElement>());

  // Arriving from the Overview's "Sign in" button: bring that provider into view and focus.
  useEffect(() => {
    if (!wanted || !status.data) return;
    const el = sections.current.get(wanted);
    if (el) {
      el.scrollIntoView({ block: 'start' });
      el.querySelector<HTMLElement>('input, select, button')?.focus();
    }
  }, [wanted, status.data]);

  return (
    <div className="page">
      <PageHeader title="Accounts" description="Sign in to Fly.io and Flight Control. Tokens are kept in your OS keychain, never in a file." />
      {status.isPending ? <Spinner label="Asking Fly.io and Flight Control who is signed in…" /> : null}
      {status.error ? <ErrorAlert error={status.error} /> : null}
      {status.data && status.data.providers.length === 0 ? <p className="empty">This Tarmac has no back ends to sign in to (Fly.io and Flight Control are not loaded). Restart Tarmac; if this stays, its log says why.</p> : null}
      {status.data?.providers.map((p) => (
        <div key={p.id} ref={(el) => void (el ? sections.current.set(p.id, el) : sections.current.delete(p.id))}>
          <ProviderAccount provider={p} keychainOk={status.data.keychain.state === 'ok'} />
        </div>
      ))}
    </div>
  );
}
