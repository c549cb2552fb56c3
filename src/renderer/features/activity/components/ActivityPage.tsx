import { useMutation, useQuery } from '@tanstack/react-query';
import { Download, Pause, Play, Trash2 } from 'lucide-react';
import { AlertDialog, Tabs } from 'radix-ui';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ExportFormat, ToolCall } from '../../../../shared/activity.js';
import { api, downloadFromApi, transport } from '../../../api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, PageHeader, Spinner } from '../../../components/ui.js';
import { KEYS, readFilter, toQuery, type FilterState } from '../filter.js';
import { useActivityFeed } from '../hooks/useActivityFeed.js';
import { ActivityFilters } from './ActivityFilters.js';
import { CallDetails } from './CallDetails.js';
import { CallsTable } from './CallsTable.js';

// The chart library is big: it loads when the Charts tab opens.
const ActivityCharts = lazy(() => import('./ActivityCharts.js'));

/** Every tool call, live and from the history; what AI clients did to your infrastructure. */
export function ActivityPage() {
  const [params, setParams] = useSearchParams();
  const state = readFilter(params);
  const filterKey = KEYS.map((k) => state[k]).join('\u0000');
  // The time range is relative: "last hour" is fixed when the filter is set, not on every render.
  const filter = useMemo(() => toQuery(state), [filterKey]);
  const [paused, setPaused] = useState(false);
  const [open, setOpen] = useState<ToolCall | null>(null);
  const feed = useActivityFeed(filter, filterKey, paused);
  const tab = params.get('view') === 'charts' ? 'charts' : 'calls';
  const names = useQuery({ queryKey: ['activityStats', 'day'], queryFn: () => api.activityStats('day'), staleTime: 0, refetchOnMount: 'always' });

  const update = (next: Partial<FilterState> & { view?: string }) =>
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
    );

  const loadMore = useCallback(() => {
    if (feed.pages.hasNextPage && !feed.pages.isFetchingNextPage) void feed.pages.fetchNextPage();
  }, [feed.pages]);

  // The open call follows its live record (running -> finished).
  const current = open ? (feed.rows.find(open.id) ?? open) : null;

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
          <div className="btn-row">
            <Button onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
              {paused ? <Play size={14} aria-hidden="true" /> : <Pause size={14} aria-hidden="true" />}
              {paused ? 'Resume live' : 'Pause live'}
            </Button>
            <ExportButtons filter={filter} />
            <ClearHistory />
          </div>
        </div>
        <Tabs.Content value="calls" className="tab-panel">
          <div className="form">
            <ActivityFilters
              state={state}
              clients={names.data?.clients.map((c) => c.client) ?? []}
              providers={names.data?.providers.map((p) => p.provider) ?? []}
              onChange={update}
            />
            {feed.pending > 0 ? (
              <Alert tone="info">
                <div className="spread">
                  <span role="status">
                    {feed.pending} new call{feed.pending === 1 ? '' : 's'} while paused
                  </span>
                  <Button size="sm" onClick={feed.showPending}>
                    Show them
                  </Button>
                </div>
              </Alert>
            ) : null}
            {feed.pages.error ? <ErrorAlert error={feed.pages.error} /> : null}
            {feed.pages.isPending ? <Spinner label="Loading the history…" /> : <CallsTable rows={feed.rows} onOpen={setOpen} onEnd={loadMore} loadingMore={feed.pages.isFetchingNextPage} />}
            <p className="muted small" role="status">
              {feed.pages.isPending ? '' : `${feed.rows.count.toLocaleString('en')} call${feed.rows.count === 1 ? '' : 's'} shown${feed.pages.hasNextPage ? '; scroll for older ones' : ''}${paused ? ' (live paused)' : ''}.`}
            </p>
          </div>
        </Tabs.Content>
        <Tabs.Content value="charts" className="tab-panel">
          <Suspense fallback={<Spinner label="Loading charts…" />}>{tab === 'charts' ? <ActivityCharts /> : null}</Suspense>
        </Tabs.Content>
      </Tabs.Root>
      <CallDetails call={current} onClose={() => setOpen(null)} />
    </div>
  );
}

/** Desktop: a save dialog; browser mode: a download of the same filtered set. */
function ExportButtons({ filter }: { filter: ReturnType<typeof toQuery> }) {
  const save = useMutation({ mutationFn: (format: ExportFormat) => api.exportActivity(filter, format) });
  const download = useMutation({
    mutationFn: (format: ExportFormat) => downloadFromApi(`export?format=${format}&filter=${encodeURIComponent(JSON.stringify(filter))}`, `tarmac-activity.${format}`),
  });
  if (transport === 'browser') {
    return (
      <>
        <Button onClick={() => download.mutate('jsonl')} busy={download.isPending && download.variables === 'jsonl'}>
          <Download size={14} aria-hidden="true" /> JSONL
        </Button>
        <Button onClick={() => download.mutate('csv')} busy={download.isPending && download.variables === 'csv'}>
          <Download size={14} aria-hidden="true" /> CSV
        </Button>
        {download.error ? <ErrorAlert error={download.error} /> : null}
      </>
    );
  }
  return (
    <>
      <Button onClick={() => save.mutate('jsonl')} busy={save.isPending && save.variables === 'jsonl'}>
        <Download size={14} aria-hidden="true" /> JSONL
      </Button>
      <Button onClick={() => save.mutate('csv')} busy={save.isPending && save.variables === 'csv'}>
        <Download size={14} aria-hidden="true" /> CSV
      </Button>
      {save.data ? <span className="small muted" role="status">Saved to {save.data.path}</span> : null}
      {save.error ? <ErrorAlert error={save.error} /> : null}
    </>
  );
}

function ClearHistory() {
  const clear = useMutation({ mutationFn: () => api.clearActivity() });
  return (
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
  );
}
