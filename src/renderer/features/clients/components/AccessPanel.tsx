import { KeyRound } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import type { McpCredential } from '../../../../shared/credentials.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Badge, Button, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { useCredentials } from '../hooks/useCredentials.js';
import { sinceText } from '../../../components/since.js';
import { CreateTokenDialog } from './CreateTokenDialog.js';
import { RevokeDialog } from './RevokeDialog.js';
import { ClientProfile } from '../../profiles/ClientProfile.js';
import { ProfilesCard } from '../../profiles/ProfilesCard.js';
import { useProfiles } from '../../profiles/useProfiles.js';

const KIND = {
  token: { label: 'Token', help: 'a static token, sent as a Bearer header' },
  oauth: { label: 'OAuth', help: 'signed in from the client with OAuth' },
} as const;

/** A time as "3 minutes ago", with the exact local time on hover and for assistive tech. */
function When({ iso, none }: { iso: string | null; none: string }) {
  if (!iso) return <span className="muted">{none}</span>;
  const exact = new Date(iso).toLocaleString();
  return (
    <time dateTime={iso} title={exact}>
      {sinceText(iso)}
    </time>
  );
}

/**
 * Every client that can reach the endpoint, whichever way it signs in: create a token (shown
 * once), revoke any client after saying what that does.
 */
export function AccessPanel() {
  const credentials = useCredentials();
  const status = useHostStatus();
  const profiles = useProfiles();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<McpCredential | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  /** The button that opened the revoke dialog: focus goes back there, or to the heading once its row is gone. */
  const opener = useRef<HTMLElement | null>(null);
  const list = useMemo(() => credentials.data ?? [], [credentials.data]);
  const taken = useMemo(() => new Set(list.map((c) => c.name)), [list]);
  const connected = useMemo(() => new Map((status.data?.clients ?? []).map((c) => [c.client, c.sessions])), [status.data]);

  return (
    <section className="stack" aria-labelledby="access-title">
      <div className="access-head">
        <div>
          <h2 className="section-title" id="access-title" ref={headingRef} tabIndex={-1}>
            Clients that can reach Tarmac{credentials.data ? ` (${list.length})` : ''}
          </h2>
          <p className="help">
            Tokens (made here, by <code>tarmac token create</code>, or when a client is registered) and clients that signed in with OAuth. Revoking one stops it at once.
          </p>
        </div>
        <Button
          id="create-token"
          variant="primary"
          onClick={() => {
            setRevoked(null);
            setCreating(true);
          }}
        >
          <KeyRound size={14} aria-hidden="true" /> Create token
        </Button>
      </div>
      {credentials.isPending ? <Spinner label="Reading the credentials…" /> : null}
      {credentials.error ? <ErrorAlert error={credentials.error} /> : null}
      {revoked ? (
        <Alert tone="ok" live>
          {`Revoked ${revoked}: Tarmac refuses it from now on.`}
        </Alert>
      ) : null}
      {credentials.data && list.length === 0 ? (
        <p className="empty">No client can reach Tarmac yet: register one under AI apps, create a token, or add Tarmac to a client that signs in with OAuth.</p>
      ) : null}
      {list.length ? (
        <ul className="access-list" aria-labelledby="access-title">
          {list.map((c) => {
            const sessions = connected.get(c.name) ?? 0;
            return (
              <li key={`${c.kind}:${c.name}`} className="access-row" data-testid={`credential-${c.name}`}>
                <div className="access-name">
                  <span className="mono break">{c.name}</span>
                  <span title={KIND[c.kind].help}>
                    <Badge tone="neutral">{KIND[c.kind].label}</Badge>
                  </span>
                </div>
                <dl className="access-facts small">
                  <div>
                    <dt>Created</dt>
                    <dd>
                      <When iso={c.createdAt} none="unknown" />
                    </dd>
                  </div>
                  <div>
                    <dt>Last used</dt>
                    <dd data-testid="last-used">
                      <When iso={c.lastUsedAt} none="no calls" />
                    </dd>
                  </div>
                  <div>
                    <dt>Last connected</dt>
                    <dd data-testid="last-connected">
                      {sessions ? <span className="connected-now">connected now</span> : <When iso={c.lastConnectedAt} none="never" />}
                    </dd>
                  </div>
                </dl>
                <div className="access-actions">
                  <Button
                    variant="danger"
                    size="sm"
                    aria-label={`Revoke ${c.name}`}
                    onClick={(e) => {
                      opener.current = e.currentTarget;
                      setRevoked(null);
                      setRevoking(c);
                    }}
                  >
                    Revoke
                  </Button>
                </div>
                {profiles.data ? <ClientProfile client={c.name} view={profiles.data} /> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {profiles.error ? <ErrorAlert error={profiles.error} /> : null}
      {profiles.data ? <ProfilesCard view={profiles.data} /> : null}
      <CreateTokenDialog
        open={creating}
        taken={taken}
        endpoint={status.data?.endpoint.url ?? null}
        onClose={() => setCreating(false)}
        onClosed={(event) => {
          event.preventDefault();
          document.getElementById('create-token')?.focus();
        }}
      />
      <RevokeDialog
        credential={revoking}
        onClose={(done) => {
          if (done && revoking) setRevoked(revoking.name);
          setRevoking(null);
        }}
        onClosed={(event) => {
          // Back to the row's button; once the row is gone, to the section instead of nowhere.
          event.preventDefault();
          const back = opener.current;
          opener.current = null;
          if (!revoked && back?.isConnected) back.focus();
          else headingRef.current?.focus();
        }}
      />
    </section>
  );
}
