import { useId, useState } from 'react';
import { ApiError } from '../../../../shared/api.js';
import type { ClientState } from '../../../../shared/clients.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Badge, Button, Card } from '../../../components/ui.js';
import type { ClientRequest } from '../hooks/useClients.js';
import { sinceText } from '../../../components/since.js';

const STATUS = {
  registered: { tone: 'ok', label: 'Registered' },
  stale: { tone: 'warn', label: 'Needs repair' },
  'not-registered': { tone: 'neutral', label: 'Not registered' },
} as const;

const CREDENTIAL = {
  token: 'its own token, in its config file',
  oauth: 'OAuth (signs in through Tarmac; no secret in the file)',
  bridge: 'tarmac bridge (its token stays in the keychain)',
} as const;

export interface ClientCardProps {
  client: ClientState;
  /** This card's dry run is under way. */
  busy: boolean;
  /** Another request is under way: one change at a time. */
  locked: boolean;
  /** The request of this card that failed, and why. */
  failed: { request: ClientRequest; error: unknown } | null;
  onRequest(request: ClientRequest): void;
}

/** One AI client: installed or not, where it stands with Tarmac, and the one action that fits. */
export function ClientCard({ client, busy, locked, failed, onRequest }: ClientCardProps) {
  const id = useId();
  const [oauth, setOAuth] = useState(false);
  const s = STATUS[client.status];
  const titleId = `client-${client.id}-title`;
  const ask = (action: ClientRequest['action'], title: string, force = false) =>
    onRequest({ key: client.id, action, clients: [client.id], oauth: action === 'register' && oauth, force, title });
  const error = failed?.error;
  // An entry named "tarmac" that is not Tarmac's: replaced or removed only when the person says so.
  const conflict = failed && error instanceof ApiError && error.code === 'conflict' ? failed.request : null;
  const files = client.files.map((f) => f.path);
  return (
    <Card labelledBy={titleId} className="client-card" data-testid={`client-${client.id}`}>
      <div className="card-head">
        <h3 className="card-title" id={titleId} tabIndex={-1}>
          {client.label}
        </h3>
        <Badge tone={s.tone}>{s.label}</Badge>
      </div>
      <p className="card-sub small">
        {client.detected ? 'Installed on this computer' : 'Not found on this computer'}
        {' · '}
        Last connected: <span data-testid="last-connected">{sinceText(client.lastConnectedAt)}</span>
      </p>
      {client.status === 'stale' && client.reason ? (
        <p className="small stale-reason" data-testid="stale-reason">
          <strong>Why:</strong> {client.reason}
        </p>
      ) : null}
      {client.credential && client.status !== 'not-registered' ? <p className="small muted">Signs in with {CREDENTIAL[client.credential]}.</p> : null}
      <p className="mono small muted path">{files.join(', ')}</p>
      {client.status === 'not-registered' && client.supportsOAuth ? (
        <div className="check small">
          <input id={`${id}-oauth`} type="checkbox" checked={oauth} onChange={(e) => setOAuth(e.target.checked)} aria-describedby={`${id}-oauth-help`} />
          <div>
            <label htmlFor={`${id}-oauth`}>Sign in with OAuth instead of a token</label>
            <p className="help" id={`${id}-oauth-help`}>
              Only the URL goes into the file; {client.label} asks you to allow it in your browser on first use.
            </p>
          </div>
        </div>
      ) : null}
      <div className="btn-row">
        {client.status === 'not-registered' ? (
          <Button variant={client.detected ? 'primary' : 'default'} size="sm" busy={busy} disabled={locked} onClick={() => ask('register', `Register ${client.label}`)}>
            Register
          </Button>
        ) : null}
        {client.status === 'stale' ? (
          <Button variant="primary" size="sm" busy={busy} disabled={locked} onClick={() => ask('repair', `Repair ${client.label}`)}>
            Repair
          </Button>
        ) : null}
        {client.status !== 'not-registered' ? (
          <Button variant="danger" size="sm" disabled={locked} onClick={() => ask('unregister', `Remove Tarmac from ${client.label}`)}>
            Remove
          </Button>
        ) : null}
        {client.status === 'not-registered' && client.installLink ? (
          // The client's own install link carries the URL only: no token leaves Tarmac, and the
          // client signs in through Tarmac's consent page on first use.
          <a className="btn btn-sm" href={client.installLink} target="_blank" rel="noreferrer" aria-describedby={`${titleId}-link-help`}>
            Open in {client.label}
          </a>
        ) : null}
      </div>
      {client.status === 'not-registered' && client.installLink ? (
        <p className="help" id={`${titleId}-link-help`}>
          {client.label} adds Tarmac itself from its install link: only the URL goes there, and it signs in through Tarmac on first use.
        </p>
      ) : null}
      {busy ? (
        <p className="progress-line small" role="status">
          <span className="spinner" aria-hidden="true" /> Working out the change…
        </p>
      ) : null}
      {error ? (
        <div className="stack">
          <ErrorAlert error={error} />
          {conflict ? (
            <div className="btn-row">
              <Button size="sm" variant="danger" disabled={locked} onClick={() => onRequest({ ...conflict, force: true, title: `${conflict.title} (overwriting the entry)` })}>
                Overwrite
              </Button>
            </div>
          ) : null}
        </div>
      ) : null}
      {!client.detected ? <ManualSetup client={client} /> : null}
    </Card>
  );
}

/** For a client that is not installed (yet): the entry to paste, and its own command when it has one. */
function ManualSetup({ client }: { client: ClientState }) {
  const file = client.files[0]?.path ?? 'its config file';
  return (
    <details className="manual">
      <summary>Set up by hand</summary>
      <p className="small muted">
        Add this to <span className="mono">{file}</span>
        {setupHint(client)}
      </p>
      <div className="snippet">
        <pre className="mono" tabIndex={0} aria-label={`Entry for ${client.label}`}>
          {client.snippet}
        </pre>
        <CopyButton value={client.snippet} label={`Copy the entry for ${client.label}`} />
      </div>
      {client.installCommand ? (
        <>
          <p className="small muted">Or let {client.label} add it:</p>
          <div className="snippet">
            <pre className="mono" tabIndex={0} aria-label={`Command for ${client.label}`}>
              {client.installCommand.map(shellQuote).join(' ')}
            </pre>
            <CopyButton value={client.installCommand.map(shellQuote).join(' ')} label={`Copy the command for ${client.label}`} />
          </div>
        </>
      ) : null}
    </details>
  );
}

function setupHint(client: ClientState): string {
  if (client.snippet.includes('TOKEN')) return `, with TOKEN replaced by the token \`tarmac token create ${client.id}\` prints.`;
  if (client.supportsOAuth) return `; ${client.label} signs in through Tarmac on first use.`;
  return `; the bridge reads ${client.id}'s token from the keychain (\`tarmac token create ${client.id}\` makes it).`;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
