import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { api } from '../../../api.js';
import { keys } from '../../../app/query.js';
import { AccountList } from './AccountList.js';
import { ProviderAccount } from './ProviderAccount.js';

/** Sign in to each back end; the tokens go to the OS keychain and never into a file. */
export function AccountsPage() {
  const status = useHostStatus();
  // Kept current by the host's accounts, profiles and status events (app/events.ts).
  const accounts = useQuery({ queryKey: keys.accounts, queryFn: () => api.listAccounts() });
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
      <PageHeader title="Accounts" description="Sign in to Fly.io and Flight Control, with as many accounts as you need (a profile says which one its clients use). Tokens are kept in your OS keychain, never in a file." />
      {status.isPending ? <Spinner label="Asking Fly.io and Flight Control who is signed in…" /> : null}
      {status.error ? <ErrorAlert error={status.error} /> : null}
      {status.data && status.data.providers.length === 0 ? <p className="empty">This Tarmac has no back ends to sign in to (Fly.io and Flight Control are not loaded). Restart Tarmac; if this stays, its log says why.</p> : null}
      {status.data?.providers.map((p) => {
        const backend = accounts.data?.backends.find((b) => b.provider === p.id);
        return (
          <div key={p.id} className="stack" ref={(el) => void (el ? sections.current.set(p.id, el) : sections.current.delete(p.id))}>
            <ProviderAccount provider={p} keychainOk={status.data.keychain.state === 'ok'} />
            {backend ? <AccountList backend={backend} keychainOk={status.data.keychain.state === 'ok'} /> : null}
          </div>
        );
      })}
      {accounts.error ? <ErrorAlert error={accounts.error} /> : null}
    </div>
  );
}
