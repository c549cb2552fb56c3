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
  // Neither is Tarmac's to repair: what was found, and what the person can do, is said below.
  unreadable: { tone: 'neutral', label: 'Config file unreadable' },
  foreign: { tone: 'neutral', label: 'Has another “tarmac”' },
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
  /** Read the config files again (after the person fixed one). */
  onRecheck(): void;
  /** The list is being read again. */
  rechecking: boolean;
}

/** One AI client: installed or not, where it stands with Tarmac, and the one action that fits. */
export function ClientCard({ client, busy, locked, failed, onRequest, onRecheck, rechecking }: ClientCardProps) {
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
  const ours = client.status === 'registered' || client.status === 'stale';
  const problemFile = client.files.find((f) => f.status === client.status)?.path ?? files[0] ?? '';
  return (
    <Card labelledBy={titleId} className="client-card" data-testid={`client-${client.id}`}>
      <div className="card-head">
        <h3 className="card-title" id={titleId} tabIndex={-1}>
          {client.label}
        </h3>
        <Badge tone={s.tone}>{s.label}</Badge>
      </div>
      <p className="card-sub small">
        {installedText(client)}
        {' · '}
        Last connected: <span data-testid="last-connected">{sinceText(client.lastConnectedAt)}</span>
      </p>
      {client.status === 'stale' && client.reason ? (
        <p className="small stale-reason" data-testid="stale-reason">
          <strong>Why:</strong> {client.reason}
        </p>
      ) : null}
      {client.status === 'unreadable' ? (
        <div className="small config-problem" data-testid="config-problem">
          <p>
            <strong>The config file can’t be read:</strong> {client.reason}
          </p>
          <p>Tarmac changes nothing in it until it can read it. Fix the file (or move it away), then choose Check again; or set Tarmac up by hand below.</p>
        </div>
      ) : null}
      {client.status === 'foreign' ? (
        <div className="small config-problem" data-testid="config-problem">
          <p>
            <strong>The file already has an entry named “tarmac” that Tarmac did not write</strong>
            {client.reason ? ` (${foreignDetail(client.reason)})` : ''}. Tarmac leaves it alone.
          </p>
          <p>Replace it with Tarmac’s entry (you see the change first, and the previous file is kept as a backup), or keep it and add Tarmac by hand under another name.</p>
        </div>
      ) : null}
      {client.credential && ours ? <p className="small muted">Signs in with {CREDENTIAL[client.credential]}.</p> : null}
      <ul className="list-plain file-list" aria-label={`Config ${files.length === 1 ? 'file' : 'files'} of ${client.label}`}>
        {files.map((f) => (
          <li key={f} className="file-row">
            <span className="mono small muted path" title={f}>
              {f}
            </span>
            <CopyButton value={f} label={`Copy the path of ${client.label}’s config file`} text="" />
          </li>
        ))}
      </ul>
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
        {client.status === 'foreign' ? (
          <Button size="sm" busy={busy} disabled={locked} onClick={() => ask('register', `Replace the other “tarmac” entry in ${client.label}`, true)}>
            Replace with Tarmac’s entry…
          </Button>
        ) : null}
        {client.status === 'unreadable' ? (
          <Button size="sm" busy={rechecking} disabled={rechecking} onClick={onRecheck} aria-describedby={`${titleId}-recheck`}>
            Check again
          </Button>
        ) : null}
        {ours ? (
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
      {client.status === 'unreadable' ? (
        <p className="visually-hidden" id={`${titleId}-recheck`}>
          Reads {problemFile} again
        </p>
      ) : null}
      {!client.detected || client.status === 'unreadable' || client.status === 'foreign' ? <ManualSetup client={client} /> : null}
    </Card>
  );
}

/** What is true about the client being installed, and about the file Tarmac wrote for it. */
function installedText(client: ClientState): string {
  if (client.detected) return 'Installed on this computer';
  if (client.status === 'registered' || client.status === 'stale') return 'Not found on this computer: its config file is ready for when you install it';
  return 'Not found on this computer';
}

/** "it points at https://…" of 'an entry named "tarmac" that Tarmac did not write (it points at https://…)'. */
function foreignDetail(reason: string): string {
  return /\((.*)\)$/.exec(reason)?.[1] ?? reason;
}

/** For a client that is not installed (yet), or whose file Tarmac cannot edit: the entry to paste, and its own command when it has one. */
function ManualSetup({ client }: { client: ClientState }) {
  const file = client.files[0]?.path ?? 'its config file';
  return (
    <details className="manual">
      <summary>Set up by hand</summary>
      <p className="small muted">
        Add this to <span className="mono path">{file}</span>
        {setupHint(client)}
        {client.status === 'foreign' ? ' Give it another name than “tarmac” (e.g. “tarmac-desktop”): that name is taken in this file.' : ''}
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
