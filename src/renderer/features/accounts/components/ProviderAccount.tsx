import { useMutation } from '@tanstack/react-query';
import { LogOut } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ProviderStatus } from '../../../../shared/api.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, Card, Details, ProviderBadge } from '../../../components/ui.js';
import { ChoicePicker } from './ChoicePicker.js';
import { SignIn } from './SignIn.js';

const DETAIL_LABELS: Record<string, string> = {
  account: 'Account',
  tokenSource: 'Token from',
  flyctlPath: 'flyctl',
  flyctlVersion: 'flyctl version',
  flyctlTools: 'Fly tools',
  server: 'Server',
  organization: 'Organization',
  expires: 'Token expires',
  source: 'Sign-in from',
  ca: 'Trusted CA',
};

export function ProviderAccount({ provider, keychainOk }: { provider: ProviderStatus; keychainOk: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [reSignIn, setReSignIn] = useState(false);
  const signOut = useMutation({
    mutationFn: () => api.signOut(provider.id),
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: keys.status });
    },
  });
  const titleId = `account-${provider.id}`;
  const ready = provider.state === 'ready';
  const flyctlMissing = provider.fix?.action === 'install-flyctl';

  return (
    <Card labelledBy={titleId} data-testid={`account-${provider.id}`}>
      <div className="card-head">
        <h2 className="card-title" id={titleId}>
          {provider.label}
        </h2>
        <ProviderBadge state={provider.state} />
      </div>
      <p className="card-sub" data-testid={`account-${provider.id}-summary`}>
        {provider.summary}
      </p>
      <Details
        items={Object.entries(DETAIL_LABELS).map(([key, label]) => [label, key === 'expires' ? formatExpiry(provider.details[key]) : provider.details[key]])}
      />
      {provider.warnings.map((w) => (
        <Alert key={w} tone="warn">
          {w}
        </Alert>
      ))}

      {flyctlMissing ? (
        <Alert tone="info" title="Install flyctl first">
          <p>
            Tarmac runs your own flyctl. Install it (<code>brew install flyctl</code>, or <code>curl -L https://fly.io/install.sh | sh</code>, or see{' '}
            <a href="https://fly.io/docs/flyctl/install/" target="_blank" rel="noreferrer">
              fly.io/docs/flyctl/install
            </a>
            ), then come back: Tarmac finds it on your PATH, in ~/.fly/bin or Homebrew. Installed somewhere else?{' '}
            <Link to="/settings#flyctl">Set its path in Settings</Link>.
          </p>
        </Alert>
      ) : null}

      {ready ? <ChoicePicker provider={provider.id} label={provider.label} /> : null}

      {ready ? (
        <div className="btn-row">
          {confirming ? (
            <>
              <span>Sign out of {provider.label}? Tarmac forgets its copy of the token.</span>
              <Button variant="danger" onClick={() => signOut.mutate()} busy={signOut.isPending}>
                Sign out
              </Button>
              <Button onClick={() => setConfirming(false)}>Keep signed in</Button>
            </>
          ) : (
            <>
              <Button onClick={() => setConfirming(true)}>
                <LogOut size={14} aria-hidden="true" /> Sign out…
              </Button>
              <Button variant="ghost" onClick={() => setReSignIn((v) => !v)} aria-expanded={reSignIn}>
                {reSignIn ? 'Hide sign-in' : 'Sign in with another account'}
              </Button>
            </>
          )}
        </div>
      ) : null}
      {signOut.error ? <ErrorAlert error={signOut.error} /> : null}

      {!flyctlMissing && (!ready || reSignIn) ? <SignIn provider={provider.id} label={provider.label} disabled={!keychainOk} /> : null}
    </Card>
  );
}

function formatExpiry(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const minutes = Math.round((d.getTime() - Date.now()) / 60_000);
  const rel = minutes < 0 ? 'expired' : minutes < 60 ? `in ${minutes} min` : minutes < 48 * 60 ? `in ${Math.round(minutes / 60)} h` : `in ${Math.round(minutes / 1440)} days`;
  return `${d.toLocaleString()} (${rel}; refreshed automatically)`;
}
