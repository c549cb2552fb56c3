import { Search } from 'lucide-react';
import { Tabs } from 'radix-ui';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ClientChange, ClientState } from '../../../../shared/clients.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, PageHeader, Spinner } from '../../../components/ui.js';
import { useClientPlan, useClients, type ClientRequest } from '../hooks/useClients.js';
import { useCredentials } from '../hooks/useCredentials.js';
import { AccessPanel } from './AccessPanel.js';
import { ChangeDialog } from './ChangeDialog.js';
import { ClientCard } from './ClientCard.js';

const SECTIONS: Array<{ title: string; help: string; has(c: ClientState): boolean }> = [
  { title: 'On this computer', help: 'Installed clients, and any client Tarmac is registered in.', has: (c) => c.detected || c.status !== 'not-registered' },
  {
    title: 'Not found on this computer',
    help: 'Register writes the config file now, ready for when you install the client; or set it up by hand.',
    has: (c) => !c.detected && c.status === 'not-registered',
  },
];

/** Registered and stale first, then installed ones, then the rest; by name within each. */
function rank(c: ClientState): number {
  if (c.status !== 'not-registered') return 0;
  return c.detected ? 1 : 2;
}

/** Register Tarmac in AI clients, see where each stands, fix the stale ones; and every credential that can reach it. */
export function ClientsPage() {
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'access' ? 'access' : 'apps';
  const credentials = useCredentials();
  const clients = useClients();
  const { plan, preview, apply, cancel } = useClientPlan();
  const [query, setQuery] = useState('');
  const [done, setDone] = useState<{ request: ClientRequest; changes: ClientChange[] } | null>(null);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (clients.data ?? [])
      .filter((c) => !q || c.label.toLowerCase().includes(q) || c.id.includes(q))
      .sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
  }, [clients.data, query]);
  const waiting = (clients.data ?? []).filter((c) => c.detected && c.status === 'not-registered');
  const busy = preview.isPending || apply.isPending;
  const request = (r: ClientRequest) => {
    setDone(null);
    apply.reset();
    preview.mutate(r);
  };
  const failed = preview.error && preview.variables ? { request: preview.variables, error: preview.error } : null;

  return (
    <div className="page">
      <PageHeader
        title="Clients"
        description="Register Tarmac in the AI apps on this computer. Each gets its own credential, so the activity log says which one called; you see every change to their files before it is written."
      />
      <Tabs.Root
        value={view}
        onValueChange={(v) =>
          setParams(
            (prev) => {
              const p = new URLSearchParams(prev);
              if (v === 'access') p.set('view', 'access');
              else p.delete('view');
              return p;
            },
            { replace: true },
          )
        }
      >
        <Tabs.List className="tabs-list" aria-label="Clients views">
          <Tabs.Trigger value="apps" className="tab">
            AI apps
          </Tabs.Trigger>
          <Tabs.Trigger value="access" className="tab">
            Access{credentials.data ? ` (${credentials.data.length})` : ''}
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="apps" className="tab-panel stack-page">
          {clients.isPending ? <Spinner label="Looking for AI clients on this computer…" /> : null}
          {clients.error ? <ErrorAlert error={clients.error} /> : null}
          {clients.data ? (
            <>
              <div className="toolbar">
                <div className="search">
                  <Search size={16} aria-hidden="true" />
                  <label htmlFor="client-filter" className="visually-hidden">
                    Filter clients by name
                  </label>
                  <input id="client-filter" className="input" type="search" placeholder="Filter by name" value={query} onChange={(e) => setQuery(e.target.value)} />
                </div>
                <Button
                  variant="primary"
                  busy={preview.isPending && preview.variables?.key === 'detected'}
                  disabled={busy || waiting.length === 0}
                  onClick={() => request({ key: 'detected', action: 'register', clients: [], title: 'Register all detected clients' })}
                >
                  Register all detected{waiting.length ? ` (${waiting.length})` : ''}
                </Button>
              </div>
              {failed?.request.key === 'detected' ? <ErrorAlert error={failed.error} /> : null}
              {preview.isPending && preview.variables?.key === 'detected' ? <Spinner label="Working out the changes…" /> : null}
              {done ? <DoneAlert done={done} clients={clients.data} /> : null}
              <p className="small muted" role="status">
                {shown.length === clients.data.length ? `${clients.data.length} clients` : `${shown.length} of ${clients.data.length} clients match “${query.trim()}”`}
                {', '}
                {clients.data.filter((c) => c.status === 'registered').length} registered, {clients.data.filter((c) => c.detected).length} installed.
              </p>
              {!query.trim() && clients.data.every((c) => !c.detected && c.status === 'not-registered') ? (
                <Alert tone="info" title="No AI client found on this computer">
                  <p>
                    Tarmac looked for the config folders of {clients.data.length} AI apps and found none. Install one (Claude Desktop, Cursor, VS Code…) and come back, or register one
                    below now: its config file is then ready for when you install it.
                  </p>
                </Alert>
              ) : null}
              {SECTIONS.map(({ title, help, has }) => {
                const inSection = shown.filter(has);
                if (!inSection.length) return null;
                const headingId = `clients-${title.replace(/\W+/g, '-').toLowerCase()}`;
                return (
                  <section key={title} className="stack" aria-labelledby={headingId}>
                    <div>
                      <h2 className="section-title" id={headingId}>
                        {title} ({inSection.length})
                      </h2>
                      <p className="help">{help}</p>
                    </div>
                    <div className="client-grid">
                      {inSection.map((c) => (
                        <ClientCard
                          key={c.id}
                          client={c}
                          busy={preview.isPending && preview.variables?.key === c.id}
                          locked={busy}
                          failed={failed?.request.key === c.id ? failed : null}
                          onRequest={request}
                          onRecheck={() => void clients.refetch()}
                          rechecking={clients.isFetching}
                        />
                      ))}
                    </div>
                  </section>
                );
              })}
              {shown.length === 0 ? <p className="empty">No client matches “{query.trim()}”.</p> : null}
            </>
          ) : null}
        </Tabs.Content>
        <Tabs.Content value="access" className="tab-panel">
          <AccessPanel />
        </Tabs.Content>
      </Tabs.Root>
      <ChangeDialog
        plan={plan}
        applying={apply.isPending}
        error={apply.error}
        onApply={() => {
          if (!plan) return;
          const current = plan;
          apply.mutate(current, { onSuccess: (changes) => setDone({ request: current.request, changes }) });
        }}
        onCancel={cancel}
        onClosed={(event) => {
          // The card's buttons changed with its status: land on its title instead of nowhere.
          const key = (done ?? plan)?.request.key;
          const target = key && key !== 'detected' ? document.getElementById(`client-${key}-title`) : null;
          if (target) {
            event.preventDefault();
            target.focus();
          }
        }}
      />
    </div>
  );
}

const PAST = { register: 'registered', unregister: 'removed', repair: 'repaired' } as const;

function DoneAlert({ done, clients }: { done: { request: ClientRequest; changes: ClientChange[] }; clients: ClientState[] }) {
  const written = done.changes.filter((c) => c.written);
  const label = (id: string) => clients.find((c) => c.id === id)?.label ?? id;
  if (!written.length) return <Alert tone="info" live>Nothing needed changing.</Alert>;
  return (
    <Alert tone="ok" live>
      <p>
        {[...new Set(written.map((c) => label(c.id)))].join(', ')}: {PAST[done.request.action]} in {written.map((c) => c.path).join(', ')}. Restart the client (or reload its MCP servers) to pick up the change.
      </p>
      {written.some((c) => c.backup) ? <p className="small muted">The previous files are kept in Tarmac's client-backups folder.</p> : null}
    </Alert>
  );
}
