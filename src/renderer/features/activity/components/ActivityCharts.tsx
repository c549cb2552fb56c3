import { useQuery } from '@tanstack/react-query';
import { RadioGroup } from 'radix-ui';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsRange, ToolCallStatus } from '../../../../shared/activity.js';
import { api, onHostEvent } from '../../../api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Card, Spinner } from '../../../components/ui.js';
import { useHostStatus } from '../../../hooks/useHost.js';
import { formatDuration, providerName, STATUS } from '../format.js';

const COLORS: Record<ToolCallStatus, string> = {
  ok: '#1f9d63',
  error: '#d7263d',
  timeout: '#9b1d5a',
  denied: '#e08c00',
  cancelled: '#7a8594',
  running: '#3b82f6',
  invalid: '#b45309',
};
/** Legend text in the page's text colour: the series colours are for the marks, not for reading. */
const legendText = (value: string) => <span style={{ color: 'var(--text)' }}>{value}</span>;
const SERIES: ToolCallStatus[] = ['ok', 'error', 'timeout', 'denied', 'invalid', 'cancelled', 'running'];

/** The periods on offer, back from now (the history keeps 90 days by default). */
const PERIODS: Array<{ range: StatsRange; label: string; words: string }> = [
  { range: '1h', label: '1 hour', words: 'the last hour' },
  { range: '24h', label: '24 hours', words: 'the last 24 hours' },
  { range: '7d', label: '7 days', words: 'the last 7 days' },
  { range: '30d', label: '30 days', words: 'the last 30 days' },
  { range: '90d', label: '90 days', words: 'the last 90 days' },
];

const HOUR = 3_600_000;

/** What one bar covers, for the chart's title. */
function bucketWords(ms: number): string {
  if (ms === 60_000) return 'minute';
  if (ms < HOUR) return `${ms / 60_000} minutes`;
  if (ms === HOUR) return 'hour';
  if (ms < 24 * HOUR) return `${ms / HOUR} hours`;
  return 'day';
}

/** A bar's label: the clock for short buckets, the day (and hour) for long ones. */
function bucketLabel(iso: string, ms: number): string {
  const d = new Date(iso);
  if (ms >= 24 * HOUR) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  if (ms >= HOUR) return d.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Charts of the recorded calls; they follow finished calls, at most every few seconds. */
export default function ActivityCharts() {
  const [range, setRange] = useState<StatsRange>('1h');
  const providers = useHostStatus().data?.providers;
  const period = PERIODS.find((p) => p.range === range)!;
  const stats = useQuery({ queryKey: ['activityStats', range], queryFn: () => api.activityStats(range), staleTime: 0, refetchOnMount: 'always' });
  // New calls refresh the charts, gathered so a busy minute redraws them once every few seconds.
  useEffect(() => {
    let due: ReturnType<typeof setTimeout> | null = null;
    const stop = onHostEvent((e) => {
      if ((e.type === 'activity' && e.data.type === 'finished') || e.type === 'activityCleared') {
        due ??= setTimeout(() => {
          due = null;
          void stats.refetch();
        }, 3000);
      }
    });
    return () => {
      stop();
      if (due) clearTimeout(due);
    };
    // refetch is stable for this query key.
  }, [range]);

  const picker = (
    <RadioGroup.Root className="segmented" aria-label="Chart period" value={range} onValueChange={(v) => setRange(v as StatsRange)}>
      {PERIODS.map((p) => (
        <RadioGroup.Item key={p.range} value={p.range} className="segment">
          {p.label}
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
  if (stats.error)
    return (
      <div className="charts">
        {picker}
        <ErrorAlert error={stats.error} />
      </div>
    );
  if (!stats.data)
    return (
      <div className="charts">
        {picker}
        <Spinner label="Counting calls…" />
      </div>
    );
  const s = stats.data;
  const none = s.total === 0;
  const buckets = s.buckets.map((m) => ({ bucket: bucketLabel(m.start, s.bucketMs), ...m.counts }));
  const axis = { stroke: 'currentColor', tick: { fill: 'currentColor', fontSize: 12 } };
  const per = bucketWords(s.bucketMs);
  return (
    <div className="charts">
      {picker}
      <Card labelledBy="chart-per-bucket">
        <h2 className="card-title" id="chart-per-bucket">
          Calls per {per}
        </h2>
        {none ? (
          <p className="empty" data-testid="chart-empty">
            No calls in {period.words}. Calls appear here as AI clients make them; pick a longer period to see older ones.
          </p>
        ) : (
          <div className="chart" role="img" aria-label={`Calls per ${per} by status over ${period.words}: ${s.total} calls`}>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={buckets} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
                <XAxis dataKey="bucket" {...axis} minTickGap={24} />
                <YAxis allowDecimals={false} {...axis} width={36} />
                <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }} />
                <Legend formatter={legendText} />
                {SERIES.filter((k) => s.buckets.some((b) => b.counts[k])).map((k) => (
                  <Bar key={k} dataKey={k} name={STATUS[k].label} stackId="s" fill={COLORS[k]} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
      </Card>
      <div className="grid-2">
        <Card labelledBy="chart-durations">
          <h2 className="card-title" id="chart-durations">
            Duration per tool (p50 and p95)
          </h2>
          {s.durations.length === 0 ? (
            <p className="empty">No tool ran in {period.words}.</p>
          ) : (
          <div className="chart" role="img" aria-label="Median and 95th percentile duration of the busiest tools">
            <ResponsiveContainer width="100%" height={Math.max(120, s.durations.slice(0, 8).length * 34 + 40)}>
              <BarChart data={s.durations.slice(0, 8)} layout="vertical" margin={{ left: 8, right: 16 }}>
                <XAxis type="number" {...axis} tickFormatter={(v: number) => formatDuration(v)} />
                <YAxis type="category" dataKey="tool" {...axis} width={150} />
                <Tooltip formatter={(v) => formatDuration(Number(v))} contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }} />
                <Legend formatter={legendText} />
                <Bar dataKey="p50Ms" name="p50" fill="#3b82f6" isAnimationActive={false} />
                <Bar dataKey="p95Ms" name="p95" fill="#f5b005" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          )}
        </Card>
        <Card labelledBy="chart-top">
          <h2 className="card-title" id="chart-top">
            Top tools
          </h2>
          {s.topTools.length === 0 ? (
            <p className="empty">No calls in {period.words}.</p>
          ) : (
          <div className="chart" role="img" aria-label="The most called tools">
            <ResponsiveContainer width="100%" height={Math.max(120, s.topTools.slice(0, 8).length * 30 + 30)}>
              <BarChart data={s.topTools.slice(0, 8)} layout="vertical" margin={{ left: 8, right: 16 }}>
                <XAxis type="number" allowDecimals={false} {...axis} />
                <YAxis type="category" dataKey="tool" {...axis} width={150} />
                <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }} />
                <Bar dataKey="calls" name="calls" fill="#7c5cff" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          )}
        </Card>
      </div>
      <div className="grid-2">
        <Card labelledBy="chart-providers">
          <h2 className="card-title" id="chart-providers">
            Errors per provider
          </h2>
          {s.providers.length === 0 ? (
            <p className="empty">No calls in {period.words}.</p>
          ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col" className="num">
                  Calls
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col" className="num">
                  Error rate
                </th>
              </tr>
            </thead>
            <tbody>
              {s.providers.map((p) => (
                <tr key={p.provider}>
                  <td>{providerName(p.provider, providers)}</td>
                  <td className="num">{p.calls}</td>
                  <td className="num">{p.errors}</td>
                  <td className="num">
                    <span className="meter" aria-hidden="true">
                      <span style={{ width: `${Math.round(p.errorRate * 100)}%` }} />
                    </span>
                    {(p.errorRate * 100).toFixed(1)}%
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
        </Card>
        <Card labelledBy="chart-clients">
          <h2 className="card-title" id="chart-clients">
            Clients
          </h2>
          {s.clients.length === 0 ? (
            <p className="empty">No client called a tool in {period.words}.</p>
          ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col" className="num">
                  Calls
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col">Last call</th>
              </tr>
            </thead>
            <tbody>
              {s.clients.map((c) => (
                <tr key={c.client}>
                  <td className="mono">{c.client}</td>
                  <td className="num">{c.calls}</td>
                  <td className="num">{c.errors}</td>
                  <td>{new Date(c.lastSeen).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
        </Card>
      </div>
    </div>
  );
}
