import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StatsRange, ToolCallStatus } from '../../../../shared/activity.js';
import { api, onHostEvent } from '../../../api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Card, Spinner } from '../../../components/ui.js';
import { formatDuration, STATUS } from '../format.js';

const COLORS: Record<ToolCallStatus, string> = {
  ok: '#1f9d63',
  error: '#d7263d',
  timeout: '#9b1d5a',
  denied: '#e08c00',
  cancelled: '#7a8594',
  running: '#3b82f6',
};
/** Legend text in the page's text colour: the series colours are for the marks, not for reading. */
const legendText = (value: string) => <span style={{ color: 'var(--text)' }}>{value}</span>;
const SERIES: ToolCallStatus[] = ['ok', 'error', 'timeout', 'denied', 'cancelled'];

/** Charts of the recorded calls; they follow finished calls, at most every few seconds. */
export default function ActivityCharts() {
  const [range, setRange] = useState<StatsRange>('hour');
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

  if (stats.error) return <ErrorAlert error={stats.error} />;
  if (!stats.data) return <Spinner label="Counting calls…" />;
  const s = stats.data;
  const perMinute = s.perMinute.map((m) => ({ minute: new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), ...m.counts }));
  const axis = { stroke: 'currentColor', tick: { fill: 'currentColor', fontSize: 12 } };
  return (
    <div className="charts">
      <div className="row" role="radiogroup" aria-label="Chart period">
        {(['hour', 'day'] as const).map((r) => (
          <button key={r} type="button" role="radio" aria-checked={range === r} className={`segment ${range === r ? 'segment-on' : ''}`} onClick={() => setRange(r)}>
            Last {r}
          </button>
        ))}
      </div>
      <Card labelledBy="chart-per-minute">
        <h2 className="card-title" id="chart-per-minute">
          Calls per minute
        </h2>
        <div className="chart" role="img" aria-label={`Calls per minute by status over the last ${range}: ${s.perMinute.reduce((n, m) => n + Object.values(m.counts).reduce((a, b) => a + (b ?? 0), 0), 0)} calls`}>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={perMinute} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
              <XAxis dataKey="minute" {...axis} minTickGap={24} />
              <YAxis allowDecimals={false} {...axis} width={36} />
              <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }} />
              <Legend formatter={legendText} />
              {SERIES.map((k) => (
                <Bar key={k} dataKey={k} name={STATUS[k].label} stackId="s" fill={COLORS[k]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <div className="grid-2">
        <Card labelledBy="chart-durations">
          <h2 className="card-title" id="chart-durations">
            Duration per tool (p50 and p95)
          </h2>
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
        </Card>
        <Card labelledBy="chart-top">
          <h2 className="card-title" id="chart-top">
            Top tools
          </h2>
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
        </Card>
      </div>
      <div className="grid-2">
        <Card labelledBy="chart-providers">
          <h2 className="card-title" id="chart-providers">
            Errors per provider
          </h2>
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
                  <td>{p.provider}</td>
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
          {s.providers.length === 0 ? <p className="empty">No calls in this period.</p> : null}
        </Card>
        <Card labelledBy="chart-clients">
          <h2 className="card-title" id="chart-clients">
            Clients
          </h2>
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
                <th scope="col">Last connected</th>
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
          {s.clients.length === 0 ? <p className="empty">No client called a tool in this period.</p> : null}
        </Card>
      </div>
    </div>
  );
}
