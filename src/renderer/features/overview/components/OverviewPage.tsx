import { Link } from 'react-router';
import { GuardSwitches } from '../../tools/components/GuardSwitches.js';
import { Plug, ServerCog } from 'lucide-react';
import { ACTIVE_WINDOW_MS, clientActivity, type ClientSessions, type EndpointStatus, type HostStatus, type ProviderStatus } from '../../../../shared/api.js';
import { sinceText } from '../../../components/since.js';
import { useNow } from '../../../hooks/useNow.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Badge, Card, Details, PageHeader, ProviderBadge, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { ProviderFixAction } from './ProviderFixAction.js';

/** Where AI clients connect, who is connected, and what each back end needs. */
export function OverviewPage() {
  const status = useHostStatus();
  return (
    <div className="page">
      <PageHeader title="Overview" description="Tarmac serves your Fly.io and Flight Control tools to AI clients on this computer." />
      {status.isPending ? <Spinner label="Asking Tarmac for its status…" /> : null}
      {status.error ? <ErrorAlert error={status.error} /> : null}
      {status.data ? <OverviewContent status={status.data} /> : null}
    </div>
  );
}

function OverviewContent({ status }: { status: HostStatus }) {
  return (
    <>
      {status.keychain.state === 'unavailable' ? (
        <Alert tone="danger" title="Your keychain cannot be reached" live>
          <p>{status.keychain.message}</p>
          <p className="small muted">Tarmac keeps every token in the OS keychain and never in a file, so sign-in waits until the keychain works.</p>
        </Alert>
      ) : null}
      <EndpointCard endpoint={status.endpoint} clients={status.clients} />
      <div className="grid-2">
        {status.providers.map((p) => (
          <ProviderCard key={p.id} provider={p} />
        ))}
      </div>
      <Card labelledBy="guardrails-title" data-testid="guardrails-card">
        <h2 className="card-title" id="guardrails-title">
          Guardrails
        </h2>
        <GuardSwitches />
        <p className="help">
          Which tools run, ask first or are refused: <Link to="/tools">set a policy per tool</Link>.
        </p>
      </Card>
    </>
  );
}

const ENDPOINT_STATE: Record<EndpointStatus['state'], { tone: 'ok' | 'warn' | 'danger' | 'neutral'; label: string }> = {
  running: { tone: 'ok', label: 'Running' },
  starting: { tone: 'neutral', label: 'Starting' },
  stopped: { tone: 'neutral', label: 'Stopped' },
  error: { tone: 'danger', label: 'Not running' },
};

function EndpointCard({ endpoint, clients }: { endpoint: EndpointStatus; clients: ClientSessions[] }) {
  const s = ENDPOINT_STATE[endpoint.state];
  // "Active now" and "2 minutes ago" move with the clock; the host sends each request's time.
  const now = useNow(15_000);
  const active = clients.filter((c) => clientActivity(c, now) === 'active').length;
  return (
    <Card labelledBy="endpoint-title" data-testid="endpoint-card">
      <div className="card-head">
        <h2 className="card-title" id="endpoint-title">
          <Plug size={18} aria-hidden="true" /> MCP endpoint
        </h2>
        <Badge tone={s.tone}>{s.label}</Badge>
      </div>
      {endpoint.url ? (
        <div className="url-box">
          <span className="mono" data-testid="endpoint-url">
            {endpoint.url}
          </span>
          <CopyButton value={endpoint.url} label="Copy the endpoint URL" />
        </div>
      ) : null}
      {endpoint.state === 'error' && endpoint.error ? (
        <Alert tone="danger" title="The endpoint did not start">
          <p>{endpoint.error}</p>
          <p>Choose a free port in Settings; Tarmac moves the endpoint there at once.</p>
        </Alert>
      ) : null}
      <div className="stats">
        <div>
          <div className="stat-value">{endpoint.tools}</div>
          <div className="stat-label">tools</div>
        </div>
        <div>
          <div className="stat-value" data-testid="active-clients">
            {active}
          </div>
          <div className="stat-label">clients active now</div>
        </div>
        <div>
          <div className="stat-value">{endpoint.sessions}</div>
          <div className="stat-label">open sessions</div>
        </div>
      </div>
      <h3 className="section-title">AI clients</h3>
      {clients.length ? (
        <>
          <ul className="list-plain" aria-label="AI clients">
            {[...clients]
              .sort((a, b) => RANK[clientActivity(a, now)] - RANK[clientActivity(b, now)] || (Date.parse(b.lastRequestAt ?? '') || 0) - (Date.parse(a.lastRequestAt ?? '') || 0))
              .map((c) => (
                <ClientRow key={c.client} client={c} now={now} />
              ))}
          </ul>
          <p className="help">
            Active now: a request in the last {ACTIVE_WINDOW_MS / 60_000} minutes or one being answered. Listening: connected to hear of changes, asking for nothing. An idle
            session is closed after 30 minutes.
          </p>
        </>
      ) : endpoint.state === 'running' ? (
        <div className="empty" data-testid="no-clients">
          <p>No AI client has called Tarmac since it started.</p>
          <p className="help">
            <Link to="/clients">Register a client</Link> (Claude, Cursor, VS Code and others) and it appears here with its last request.
          </p>
        </div>
      ) : (
        <p className="empty">No AI client can reach Tarmac while the endpoint is not running.</p>
      )}
    </Card>
  );
}

const RANK = { active: 0, listening: 1, idle: 2 } as const;
const ACTIVITY = {
  active: { tone: 'ok', label: 'Active now' },
  listening: { tone: 'neutral', label: 'Listening' },
  idle: { tone: 'neutral', label: 'Idle' },
} as const;

function ClientRow({ client, now }: { client: ClientSessions; now: number }) {
  const state = ACTIVITY[clientActivity(client, now)];
  const plural = (n: number, one: string, many: string) => (n > 0 ? `${n} ${n === 1 ? one : many}` : null);
  const facts = [plural(client.inFlight, 'request being answered', 'requests being answered'), plural(client.sessions, 'session', 'sessions')].filter((f): f is string => f !== null);
  return (
    <li className="client-row" data-testid={`client-row-${client.client}`}>
      <span className="client-row-name">
        <span className="mono">{client.client}</span> <Badge tone={state.tone}>{state.label}</Badge>
      </span>
      <span className="muted client-row-facts">
        {client.lastRequestAt ? (
          <>
            last request{' '}
            <time dateTime={client.lastRequestAt} title={new Date(client.lastRequestAt).toLocaleString()}>
              {sinceText(client.lastRequestAt, now)}
            </time>
          </>
        ) : (
          'no request yet'
        )}
        {facts.map((fact) => ` · ${fact}`).join('')}
      </span>
    </li>
  );
}

function ProviderCard({ provider }: { provider: ProviderStatus }) {
  const titleId = `provider-${provider.id}-title`;
  return (
    <Card labelledBy={titleId} data-testid={`provider-${provider.id}`}>
      <div className="card-head">
        <h2 className="card-title" id={titleId}>
          <ServerCog size={18} aria-hidden="true" /> {provider.label}
        </h2>
        <ProviderBadge state={provider.state} />
      </div>
      <p className="card-sub" data-testid={`provider-${provider.id}-summary`}>
        {provider.summary}
      </p>
      <ProgramFacts provider={provider} />
      {provider.warnings.slice(0, 2).map((w) => (
        <Alert key={w} tone="warn">
          {w}
        </Alert>
      ))}
      {provider.fix ? <ProviderFixAction provider={provider} fix={provider.fix} /> : null}
    </Card>
  );
}

/**
 * The program a back end runs through, when it has one: the flyctl version in use decides which
 * Fly tools (and arguments) clients get, so the card says both.
 */
function ProgramFacts({ provider }: { provider: ProviderStatus }) {
  const version = provider.details.flyctlVersion;
  if (!version) return null;
  return (
    <div data-testid={`provider-${provider.id}-program`}>
      <Details
        items={[
          ['flyctl', <span className="mono">v{version}</span>],
          ['Fly tools', provider.details.flyctlTools],
        ]}
      />
    </div>
  );
}
