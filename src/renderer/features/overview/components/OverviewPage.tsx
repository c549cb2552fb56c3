import { Link } from 'react-router';
import { GuardSwitches } from '../../tools/components/GuardSwitches.js';
import { Plug, ServerCog } from 'lucide-react';
import type { ClientSessions, EndpointStatus, HostStatus, ProviderStatus } from '../../../../shared/api.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Badge, Card, PageHeader, ProviderBadge, Spinner } from '../../../components/ui.js';
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
          <div className="stat-value">{endpoint.sessions}</div>
          <div className="stat-label">open sessions</div>
        </div>
      </div>
      <h3 className="section-title">Connected clients</h3>
      {clients.length ? (
        <ul className="list-plain" aria-label="Connected clients">
          {clients.map((c) => (
            <li key={c.client} className="client-row">
              <span className="mono">{c.client}</span>
              <span className="muted">
                {c.sessions} session{c.sessions === 1 ? '' : 's'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No AI client is connected right now.</p>
      )}
    </Card>
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
      {provider.warnings.slice(0, 2).map((w) => (
        <Alert key={w} tone="warn">
          {w}
        </Alert>
      ))}
      {provider.fix ? <ProviderFixAction provider={provider} fix={provider.fix} /> : null}
    </Card>
  );
}
