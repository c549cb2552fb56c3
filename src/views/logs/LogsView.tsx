import { useMemo, useState } from 'react';
import { Field, Badge, Chips, countBy, num, obj, str, SortableTable, ViewShell, type Column, type Tone, type ViewProps } from '../common/ui.js';

/** One line of fly-logs: its parsed fields, or the raw text when flyctl's line did not parse. */
export interface LogLine {
  n: number;
  timestamp?: string;
  source?: string;
  region?: string;
  level: string;
  message: string;
}

// Colour codes a terminal would interpret; here they would only be noise.
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const ANSI = /\x1b\[[0-9;]*m/g;

export function logLinesOf(structured: Record<string, unknown>): LogLine[] {
  const lines = Array.isArray(structured.lines) ? structured.lines : [];
  return lines.map((l, n): LogLine => {
    const o = obj(l) ?? {};
    const raw = str(o.raw);
    if (raw !== undefined) return { n, level: 'other', message: raw.replace(ANSI, '') };
    const provider = str(o.provider);
    const instance = str(o.instance);
    return {
      n,
      timestamp: str(o.timestamp)?.replace(ANSI, ''),
      source: provider ? `${provider}${instance ? `[${instance}]` : ''}` : instance,
      region: str(o.region)?.replace(ANSI, ''),
      level: (str(o.level) ?? 'other').replace(ANSI, '').toLowerCase(),
      message: (typeof o.message === 'string' ? o.message : '').replace(ANSI, ''),
    };
  });
}

export function levelTone(level: string): Tone {
  if (/^(error|err|fatal|crit|critical|panic|emerg|alert)$/.test(level)) return 'danger';
  if (/^warn(ing)?$/.test(level)) return 'warn';
  if (level === 'info' || level === 'notice') return 'info';
  return 'neutral';
}

export function LogsView() {
  return (
    <ViewShell name="logs" heading={(input) => `Logs of ${str(input.app) ?? 'the app'}`}>
      {(props) => <Logs {...props} />}
    </ViewShell>
  );
}

function Logs({ input, structured }: ViewProps) {
  const lines = useMemo(() => logLinesOf(structured), [structured]);
  const [level, setLevel] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const levels = useMemo(() => countBy(lines, (l) => l.level), [lines]);
  const sources = useMemo(() => countBy(lines, (l) => l.source), [lines]);
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return lines.filter((l) => (level === null || l.level === level) && (source === '' || l.source === source) && (needle === '' || l.message.toLowerCase().includes(needle)));
  }, [lines, level, source, text]);
  const dropped = num(structured.dropped) ?? 0;
  const scope = [str(input.machine) && `machine ${String(input.machine)}`, str(input.region) && `region ${String(input.region)}`].filter(Boolean).join(', ');
  const columns: Column<LogLine>[] = [
    { key: 'time', label: 'Time', sortValue: (l) => l.timestamp ?? String(l.n).padStart(6, '0'), cell: (l) => l.timestamp ?? '' },
    { key: 'level', label: 'Level', sortValue: (l) => l.level, cell: (l) => <Badge tone={levelTone(l.level)}>{l.level}</Badge> },
    { key: 'source', label: 'Source', sortValue: (l) => l.source ?? '', cell: (l) => l.source ?? '' },
    { key: 'region', label: 'Region', sortValue: (l) => l.region ?? '', cell: (l) => l.region ?? '' },
    { key: 'msg', label: 'Message', cell: (l) => l.message },
  ];
  return (
    <main>
      <div className="head">
        <h1>Logs of {str(input.app) ?? 'the app'}</h1>
        <span className="muted">
          {lines.length} recent {lines.length === 1 ? 'line' : 'lines'}
          {scope ? ` from ${scope}` : ''}, oldest first
        </span>
      </div>
      {lines.length === 0 ? (
        <p className="panel">No recent log lines. The app may be idle: ask again later, or wait longer (wait-seconds).</p>
      ) : (
        <>
          <Chips label="Lines by level" counts={levels} selected={level} onSelect={setLevel} tone={levelTone} />
          <div className="filters" role="search" aria-label="Filter log lines">
            <Field label="Message contains">
              {(id) => (
                <input id={id} type="search" value={text} onChange={(e) => setText(e.target.value)} />
              )}
            </Field>
            {sources.length > 1 && (
              <Field label="Source">
                {(id) => (
                  <select id={id} value={source} onChange={(e) => setSource(e.target.value)}>
                    <option value="">All sources</option>
                    {sources.map(([s, n]) => (
                      <option key={s} value={s}>
                        {s} ({n})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <span className="muted" role="status">
              {shown.length === lines.length ? `Showing all ${lines.length}` : `Showing ${shown.length} of ${lines.length}`}
            </span>
          </div>
          <SortableTable caption="Log lines" columns={columns} items={shown} rowKey={(l) => String(l.n)} rowClass="log-line" />
        </>
      )}
      {dropped > 0 && <p className="note">{dropped} older lines left out: ask for more lines (max-lines) to see them.</p>}
    </main>
  );
}
