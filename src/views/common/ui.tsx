import { useId, useMemo, useState, type ReactNode } from 'react';
import { resultText, useToolResult, type ToolResult } from './use-tool-result.js';

export type Tone = 'ok' | 'warn' | 'danger' | 'info' | 'neutral';

export interface ViewProps {
  input: Record<string, unknown>;
  structured: Record<string, unknown>;
  result: ToolResult;
}

/**
 * The frame every view shares: connecting, waiting for the answer, a cancelled or failed call
 * (its text, which says what to do next), then the view itself with the call's arguments and
 * structured answer.
 */
export function ViewShell({ name, heading, children }: { name: string; heading: (input: Record<string, unknown>) => string; children: (props: ViewProps) => ReactNode }) {
  const state = useToolResult(name);
  if (state.phase === 'connecting') return <Status>Connecting to the client…</Status>;
  if (state.phase === 'failed') return <Status error>This view could not talk to the client ({state.message}). The answer is in the conversation as text.</Status>;
  if (state.phase === 'cancelled') return <Status>The call was cancelled{state.reason ? ` (${state.reason})` : ''}. Ask again to see its answer here.</Status>;
  const title = heading(state.input);
  if (state.phase === 'waiting') {
    return (
      <main aria-busy="true">
        <h1>{title}</h1>
        <p className="muted" role="status">
          Waiting for the answer…
        </p>
      </main>
    );
  }
  const { result, input } = state;
  if (result.isError) {
    return (
      <main>
        <h1>{title}</h1>
        <p className="panel error" role="alert">
          {resultText(result) || 'The call failed without a message.'}
        </p>
      </main>
    );
  }
  return <>{children({ input, result, structured: result.structuredContent ?? {} })}</>;
}

function Status({ children, error }: { children: ReactNode; error?: boolean }) {
  return (
    <main>
      <p className={error ? 'panel error' : 'muted'} role={error ? 'alert' : 'status'}>
        {children}
      </p>
    </main>
  );
}

/** A labelled filter control; the label names the control alone (not its current value too). */
export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

/** Counts per value; pressing one narrows the list to it (pressing it again shows all). */
export function Chips({ label, counts, selected, onSelect, tone }: { label: string; counts: ReadonlyArray<readonly [string, number]>; selected: string | null; onSelect: (value: string | null) => void; tone: (value: string) => Tone }) {
  if (counts.length === 0) return null;
  return (
    <ul className="chips" aria-label={label}>
      {counts.map(([value, n]) => (
        <li key={value}>
          <button type="button" className="chip" aria-pressed={selected === value} onClick={() => onSelect(selected === value ? null : value)}>
            <Badge tone={tone(value)}>{value}</Badge>
            <b>{n}</b>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** How many items have each value, most first (ties by name). */
export function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface Column<T> {
  key: string;
  label: string;
  /** The cell; `sortValue` orders the column (absent: not sortable). */
  cell: (item: T) => ReactNode;
  sortValue?: (item: T) => string | number;
  /** The row's header cell (the item's name). */
  rowHeader?: boolean;
}

/** A table whose column headers sort it (a button each, aria-sort on the header). */
export function SortableTable<T>({ caption, columns, items, rowKey, initialSort, rowClass }: { caption: string; columns: ReadonlyArray<Column<T>>; items: readonly T[]; rowKey: (item: T) => string; initialSort?: { key: string; dir: 'ascending' | 'descending' }; rowClass?: string }) {
  const [sort, setSort] = useState(initialSort ?? null);
  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!sort || !column?.sortValue) return items;
    const value = column.sortValue;
    const dir = sort.dir === 'ascending' ? 1 : -1;
    return [...items].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * dir;
    });
  }, [items, columns, sort]);
  return (
    <div className="scroller" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const current = sort?.key === c.key ? sort.dir : undefined;
              return (
                <th key={c.key} scope="col" aria-sort={current ?? (c.sortValue ? 'none' : undefined)}>
                  {c.sortValue ? (
                    <button type="button" className="sort" onClick={() => setSort({ key: c.key, dir: current === 'ascending' ? 'descending' : 'ascending' })}>
                      {c.label}
                      <span aria-hidden="true">{current === 'ascending' ? '▲' : current === 'descending' ? '▼' : ''}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((item) => (
            <tr key={rowKey(item)} className={rowClass}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className={c.key}>
                    {c.cell(item)}
                  </th>
                ) : (
                  <td key={c.key} className={c.key}>
                    {c.cell(item)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Labels({ labels }: { labels: Record<string, string> | undefined }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <span className="label-list">
      {entries.map(([k, v]) => (
        <code key={k}>{v === '' ? k : `${k}=${v}`}</code>
      ))}
    </span>
  );
}

/** A stacked bar of counts with its legend (the numbers are text; the bar is a picture of them). */
export function StackedBar({ label, parts, total }: { label: string; parts: ReadonlyArray<{ name: string; count: number; tone: Tone }>; total: number }) {
  const shown = parts.filter((p) => p.count > 0);
  const summary = shown.map((p) => `${p.name} ${p.count}`).join(', ');
  return (
    <div>
      <div className="bar" role="img" aria-label={`${label}: ${summary || 'none'} of ${total}`}>
        {total > 0 && shown.map((p) => <span key={p.name} className={`seg-${p.tone}`} style={{ width: `${(p.count / total) * 100}%` }} />)}
      </div>
      <ul className="legend" aria-label={`${label} legend`}>
        {shown.map((p) => (
          <li key={p.name}>
            <i className={`seg-${p.tone}`} aria-hidden="true" />
            {p.name} <b>{p.count}</b>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** A path's value in an object (`a.b.c`), or undefined. */
export function at(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split('.')) {
    const o = obj(cur);
    if (!o) return undefined;
    cur = o[key];
  }
  return cur;
}

/** A date as the reader's local time; the raw text when it is not a date. */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
