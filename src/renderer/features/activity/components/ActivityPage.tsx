import { useMutation, useQuery } from '@tanstack/react-query';
import { ArrowUp, Download, Pause, Play, Trash2 } from 'lucide-react';
import { AlertDialog, Tabs } from 'radix-ui';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ActivityFacets, ActivityOrder, ExportFormat, ToolCall } from '../../../../shared/activity.js';
import { api, downloadFromApi, onHostEvent, transport } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, PageHeader, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { isNewestFirst, KEYS, readFilter, readOrder, toQuery, type FilterState } from '../filter.js';
import { providerName } from '../format.js';
import { useActivityFeed } from '../hooks/useActivityFeed.js';
import { ActivityFilters, type ClientChoices } from './ActivityFilters.js';
import { CallDetails } from './CallDetails.js';
import { CallsTable } from './CallsTable.js';

// The chart library is big: it loads when the Charts tab opens.
const ActivityCharts = lazy(() => import('./ActivityCharts.js'));

const FACETS = ['activityFacets'] as const;

/** Every tool call, live and from the history; what AI clients did to your infrastructure. */
export function ActivityPage() {
  const [params, setParams] = useSearchParams();
  const read = readFilter(params);
  const filterKey = KEYS.map((k) => read[k]).join('\u0000');
  // One object per filter, so the (memoized) filters do not render again for every live call.
  const state = useMemo(() => read, [filterKey]);
  // The time range is relative: "last hour" is fixed when the filter is set, not on every render.
  const filter = useMemo(() => toQuery(state), [filterKey]);
  const { by, dir } = readOrder(params);
  const order = useMemo(() => ({ by, dir }), [by, dir]);
  const [paused, setPaused] = useState(false);
  // The grid is scrolled away from its first row: new calls wait above it ("N new calls above").
  const [away, setAway] = useState(false);
  const [open, setOpen] = useState<ToolCall | null>(null);
  // Where the focus goes back to when the details close: what opened them.
  const opener = useRef<HTMLElement | null>(null);
  const feed = useActivityFeed(filter, filterKey, paused, order, away);
  const tab = params.get('view') === 'charts' ? 'charts' : 'calls';
  const filtered = KEYS.some((k) => state[k] !== '');

  const update = useCallback(
    (next: Partial<FilterState> & { view?: string; sort?: string; dir?: string }) =>
      setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(next)) {
          if (v) p.set(k, v);
          else p.delete(k);
        }
        return p;
      },
      { replace: true },
    ),
    [setParams],
  );
  const sort = useCallback((next: ActivityOrder) => update(isNewestFirst(next) ? { sort: '', dir: '' } : { sort: next.by, dir: next.dir }), [update]);
  const clearFilters = () => update(Object.fromEntries(KEYS.map((k) => [k, ''])));

  // Stable, so the (memoized) grid does not render again for calls that only wait above it.
  const pagesRef = useRef(feed.pages);
  pagesRef.current = feed.pages;
  const loadMore = useCallback(() => {
    const pages = pagesRef.current;
    if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, []);

  const openCall = useCallback((call: ToolCall) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(call);
  }, []);
  const grid = useRef<HTMLDivElement>(null);
  const newAbove = paused || feed.sorted ? 0 : feed.pending;

  // The open call follows its live record (running -> finished).
  const current = open ? (feed.rows.find(open.id) ?? open) : null;
  const choices = useFilterChoices();
  const empty = !feed.pages.isPending && !feed.pages.error && feed.rows.count === 0 && feed.pending === 0;

  return (
    <div className="page page-wide">
      <PageHeader title="Activity" description="Every tool call an AI client made through Tarmac, as it happens. Arguments are shown with secrets removed." />
      <Tabs.Root value={tab} onValueChange={(v) => update({ view: v === 'charts' ? 'charts' : '' })}>
        <div className="spread">
          <Tabs.List className="tabs-list" aria-label="Activity views">
            <Tabs.Trigger value="calls" className="tab">
              Calls
            </Tabs.Trigger>
            <Tabs.Trigger value="charts" className="tab">
              Charts
            </Tabs.Trigger>
          </Tabs.List>
          <ClearHistory />
        </div>
        <Tabs.Content value="calls" className="tab-panel">
          <div className="form">
            <ActivityFilters state={state} clients={choices.clients} providers={choices.providers} tools={choices.tools} onChange={update} />
            <div className="activity-toolbar">
              <p className="muted small" role="status">
                {feed.pages.isPending || empty ? '' : `${feed.rows.count.toLocaleString('en')} call${feed.rows.count === 1 ? '' : 's'} shown${feed.pages.hasNextPage ? '; scroll for more' : ''}${paused ? ' (live paused)' : ''}.`}
              </p>
              <div className="btn-row">
                <Button onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
                  {paused ? <Play size={14} aria-hidden="true" /> : <Pause size={14} aria-hidden="true" />}
                  {paused ? 'Resume live' : 'Pause live'}
                </Button>
                <ExportButtons filter={filter} />
              </div>
            </div>
            {feed.pending > 0 && (paused || feed.sorted) ? (
              <Alert tone="info">
                <div className="spread">
                  <span role="status">
                    {feed.pending} new call{feed.pending === 1 ? '' : 's'} {feed.sorted && !paused ? 'since this sort was loaded' : 'while paused'}
                  </span>
                  <Button size="sm" onClick={feed.showPending}>
                    Show them
                  </Button>
                </div>
              </Alert>
            ) : null}
            {feed.pages.error ? <ErrorAlert error={feed.pages.error} /> : null}
            {feed.pages.isPending ? (
              <Spinner label="Loading the history…" />
            ) : empty ? (
              filtered ? (
                <div className="empty-state" data-testid="activity-no-match">
                  <h2>No calls match these filters</h2>
                  <p>Other calls are in the history; widen the time range or clear the filters to see them.</p>
                  <Button onClick={clearFilters}>Clear filters</Button>
                </div>
              ) : (
                <div className="empty-state" data-testid="activity-empty">
                  <h2>No tool calls yet</h2>
                  <p>
                    Each call an AI client makes through Tarmac appears here the moment it starts. Register Tarmac in a client on the <Link to="/clients">Clients</Link> page, then
                    ask the client something that needs a tool, for example to list your Fly.io apps.
                  </p>
                </div>
              )
            ) : feed.pages.error ? null : (
              <div className="calls-wrap" ref={grid}>
                {newAbove > 0 ? (
                  <button
                    type="button"
                    className="btn btn-sm calls-new"
                    onClick={() => {
                      feed.showPending();
                      grid.current?.querySelector('[role=grid]')?.scrollTo({ top: 0 });
                    }}
                  >
                    <ArrowUp size={14} aria-hidden="true" />
                    {newAbove.toLocaleString('en')} new call{newAbove === 1 ? '' : 's'} above
                  </button>
                ) : null}
                <CallsTable
                  rows={feed.rows}
                  order={order}
                  onSort={sort}
                  onOpen={openCall}
                  onEnd={loadMore}
                  loadingMore={feed.pages.isFetchingNextPage || feed.pages.isPlaceholderData}
                  providers={choices.providerList}
                  onAway={setAway}
                />
              </div>
            )}
          </div>
        </Tabs.Content>
        <Tabs.Content value="charts" className="tab-panel">
          <Suspense fallback={<Spinner label="Loading charts…" />}>{tab === 'charts' ? <ActivityCharts /> : null}</Suspense>
        </Tabs.Content>
      </Tabs.Root>
      <CallDetails
        call={current}
        providers={choices.providerList}
        onClose={() => setOpen(null)}
        onCloseAutoFocus={(e) => {
          // Back to the row (the grid) or button that opened the details, not to <body>.
          const back = opener.current?.isConnected ? opener.current : document.querySelector<HTMLElement>('[data-testid=calls-scroller]');
          if (back) {
            e.preventDefault();
            back.focus();
          }
        }}
      />
    </div>
  );
}

/**
 * The filters' choices: the history's clients, providers and tools (kept fresh as calls name new
 * ones), clients that can no longer connect marked as revoked, and providers by their names.
 */
function useFilterChoices() {
  const facets = useQuery({ queryKey: FACETS, queryFn: () => api.activityFacets(), staleTime: 0, refetchOnMount: 'always' });
  const credentials = useQuery({ queryKey: keys.credentials, queryFn: () => api.listCredentials() });
  const status = useHostStatus();
  useEffect(() => {
    // A name the filters do not offer yet: ask again, once for a burst (calls arrive by the
    // hundred). The host writes what waits before it answers, so the answer has the new name.
    let due: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      due ??= setTimeout(() => {
        due = null;
        void queryClient.invalidateQueries({ queryKey: FACETS });
      }, 250);
    };
    const stop = onHostEvent((e) => {
      if (e.type === 'activityCleared') refresh();
      if (e.type !== 'activity' || e.data.type !== 'started') return;
      const known = queryClient.getQueryData<ActivityFacets>(FACETS);
      const c = e.data.call;
      if (!known || !(known.clients.includes(c.client) && known.tools.includes(c.tool) && known.providers.includes(c.provider))) refresh();
    });
    return () => {
      stop();
      if (due) clearTimeout(due);
    };
  }, []);
  const providerList = status.data?.providers;
  return useMemo(() => {
    const f = facets.data ?? { clients: [], providers: [], tools: [] };
    const names = credentials.data ? new Set(credentials.data.map((c) => c.name)) : null;
    // Over stdio there is no credential to revoke: such a client is never "revoked".
    const current = (name: string) => names === null || names.has(name) || name === 'stdio' || name.startsWith('stdio:');
    const clients: ClientChoices = {
      current: [...new Set([...(credentials.data?.map((c) => c.name) ?? []), ...f.clients.filter(current)])].sort().map((n) => ({ value: n, label: n })),
      revoked: f.clients.filter((n) => !current(n)).map((n) => ({ value: n, label: `${n} (revoked)` })),
    };
    const providerIds = [...new Set([...(providerList?.map((p) => p.id) ?? []), ...f.providers])];
    return {
      clients,
      providers: providerIds.map((p) => ({ value: p, label: providerName(p, providerList) })),
      tools: f.tools,
      providerList,
    };
  }, [facets.data, credentials.data, providerList]);
}

/** Desktop: a save dialog; browser mode: a download of the same filtered set. */
function ExportButtons({ filter }: { filter: ReturnType<typeof toQuery> }) {
  const save = useMutation({ mutationFn: (format: ExportFormat) => api.exportActivity(filter, format) });
  const download = useMutation({
    mutationFn: (format: ExportFormat) => downloadFromApi(`export?format=${format}&filter=${encodeURIComponent(JSON.stringify(filter))}`, `tarmac-activity.${format}`),
  });
  const run = transport === 'browser' ? download : save;
  return (
    <>
      <Button onClick={() => run.mutate('jsonl')} busy={run.isPending && run.variables === 'jsonl'} aria-label="Export the shown calls as JSONL">
        <Download size={14} aria-hidden="true" /> JSONL
      </Button>
      <Button onClick={() => run.mutate('csv')} busy={run.isPending && run.variables === 'csv'} aria-label="Export the shown calls as CSV">
        <Download size={14} aria-hidden="true" /> CSV
      </Button>
      {save.data ? (
        <span className="small muted" role="status">
          Saved to {save.data.path}
        </span>
      ) : null}
      {run.error ? <ErrorAlert error={run.error} /> : null}
    </>
  );
}

function ClearHistory() {
  const clear = useMutation({ mutationFn: () => api.clearActivity() });
  return (
    <>
    {clear.error ? <ErrorAlert error={clear.error} /> : null}
    <AlertDialog.Root>
      <AlertDialog.Trigger asChild>
        <Button variant="danger">
          <Trash2 size={14} aria-hidden="true" /> Clear history
        </Button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title className="card-title">Clear the tool-call history?</AlertDialog.Title>
          <AlertDialog.Description className="muted">
            Every recorded call disappears from this page and from <code>tarmac activity</code>. The append-only audit files in the data folder are kept.
          </AlertDialog.Description>
          <div className="btn-row" style={{ justifyContent: 'flex-end' }}>
            <AlertDialog.Cancel asChild>
              <Button>Keep it</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button variant="danger" onClick={() => clear.mutate()}>
                Clear history
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
    </>
  );
}
