import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, ArrowUpDown } from 'lucide-react';
import { memo, useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ActivityOrder, ActivitySortKey, ToolCall } from '../../../../shared/activity.js';
import type { RowSource } from '../hooks/useActivityFeed.js';
import { elapsed, formatBytes, formatDuration, formatTime, outcome, providerName } from '../format.js';
import { OutcomeBadge } from './OutcomeBadge.js';

const ROW_HEIGHT = 40;
const HEAD_HEIGHT = 36;

interface Column {
  label: string;
  sort?: ActivitySortKey;
  num?: boolean;
}

// What a call was and what became of it first: a narrow window shows those before it scrolls.
const COLUMNS: Column[] = [
  { label: 'Time', sort: 'time' },
  { label: 'Tool', sort: 'tool' },
  { label: 'Status', sort: 'status' },
  { label: 'Duration', sort: 'duration', num: true },
  { label: 'Client' },
  { label: 'Provider' },
  { label: 'Class' },
  { label: 'Size', num: true },
];
const SORTABLE = COLUMNS.map((c, i) => (c.sort ? i : -1)).filter((i) => i >= 0);

/** A new sort of a column: newest, longest and Z first for time and duration, A first for names. */
const FIRST_DIR: Record<ActivitySortKey, ActivityOrder['dir']> = { time: 'desc', duration: 'desc', tool: 'asc', status: 'asc' };

export interface CallsTableProps {
  rows: RowSource;
  order: ActivityOrder;
  onSort(order: ActivityOrder): void;
  onOpen(call: ToolCall): void;
  onEnd(): void;
  loadingMore: boolean;
  providers: ReadonlyArray<{ id: string; label: string }> | undefined;
  /** The grid is (true) or is no longer (false) scrolled away from its first row. */
  onAway(away: boolean): void;
}

/**
 * Every call, virtualized (and memoized: calls that only wait above it do not render it again): only the rows in view are in the DOM, so 100,000 calls scroll like
 * ten. An ARIA grid with one Tab stop: the grid itself takes the focus and the active row (or
 * column header) is its aria-activedescendant, moved by the arrow keys, Home, End, Page Up and
 * Page Down and always kept rendered and scrolled into view. Enter opens a row's details, or
 * sorts by a header's column. The header sits inside the scrolling box, so a narrow window
 * scrolls header and rows sideways together.
 */
export const CallsTable = memo(function CallsTable({ rows, order, onSort, onOpen, onEnd, loadingMore, providers, onAway }: CallsTableProps) {
  const base = useId();
  const grid = useRef<HTMLDivElement>(null);
  // The active row, by call id so it stays on its call while new ones arrive above it; 'head' is the header row.
  const [active, setActive] = useState<string | 'head' | null>(null);
  const [headCol, setHeadCol] = useState(() => COLUMNS.findIndex((c) => c.sort === order.by));
  const activeIndex = active === null || active === 'head' ? -1 : rows.indexOf(active);
  const activeRef = useRef(activeIndex);
  activeRef.current = activeIndex;

  // The active row stays in the DOM even when scrolled out of view, so the grid's
  // aria-activedescendant always names an element that is there.
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    const i = activeRef.current;
    if (i >= 0 && i < range.count && !indexes.includes(i)) indexes.push(i);
    return indexes.sort((a, b) => a - b);
  }, []);
  const virtualizer = useVirtualizer({
    count: rows.count,
    getScrollElement: () => grid.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
    scrollPaddingStart: HEAD_HEIGHT,
    rangeExtractor,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.count - 30) onEnd();
  }, [last, rows.count, onEnd]);

  // A call that is gone (history cleared, another filter) leaves no active row behind.
  useEffect(() => {
    if (active !== null && active !== 'head' && activeIndex < 0) setActive(null);
  }, [active, activeIndex]);

  // Scrolled away from the first row, or back: told on the change only. From the virtualizer's own
  // reading of the scroll position (reading scrollTop again in a scroll handler forced a second
  // layout in every frame while scrolling).
  const away = (virtualizer.scrollOffset ?? 0) > ROW_HEIGHT / 2;
  useEffect(() => onAway(away), [away, onAway]);

  // Running calls show their time so far; one clock for the table, only while something runs.
  const running = rows.running;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);

  const moveTo = (index: number) => {
    const i = Math.max(0, Math.min(rows.count - 1, index));
    if (rows.count === 0) return;
    setActive(rows.at(i).id);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  // After a move, keep the row in view even if its height estimate was off.
  useLayoutEffect(() => {
    if (activeIndex >= 0 && document.activeElement === grid.current) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
    // Only when the active row itself changes.
  }, [active]);

  const sortBy = (col: number) => {
    const key = COLUMNS[col]?.sort;
    if (!key) return;
    onSort(order.by === key ? { by: key, dir: order.dir === 'asc' ? 'desc' : 'asc' } : { by: key, dir: FIRST_DIR[key] });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(((grid.current?.clientHeight ?? 400) - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
    const inHead = active === 'head';
    const i = activeIndex;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        if (inHead) moveTo(0);
        else moveTo(i < 0 ? 0 : i + 1);
        break;
      case 'ArrowUp':
        if (inHead) break;
        if (i <= 0) {
          setActive('head');
          grid.current?.scrollTo({ top: 0 });
        } else moveTo(i - 1);
        break;
      case 'Home':
        if (!inHead) moveTo(0);
        else setHeadCol(SORTABLE[0]!);
        break;
      case 'End':
        if (!inHead) moveTo(rows.count - 1);
        else setHeadCol(SORTABLE.at(-1)!);
        break;
      case 'PageDown':
        moveTo((i < 0 ? 0 : i) + page);
        break;
      case 'PageUp':
        moveTo((i < 0 ? 0 : i) - page);
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        if (!inHead) {
          handled = false;
          break;
        }
        const at = SORTABLE.indexOf(headCol);
        const next = SORTABLE[Math.max(0, Math.min(SORTABLE.length - 1, (at < 0 ? 0 : at) + (e.key === 'ArrowLeft' ? -1 : 1)))]!;
        setHeadCol(next);
        break;
      }
      case 'Enter':
      case ' ':
        if (inHead) sortBy(headCol);
        else if (i >= 0) onOpen(rows.at(i));
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  // Tabbing in lands on the row that was active, or the first one.
  const onFocus = () => {
    if (active === null && rows.count > 0) setActive(rows.at(0).id);
  };

  const rowId = (id: string) => `${base}-row-${id}`;
  const headId = (col: number) => `${base}-col-${col}`;
  const descendant = active === 'head' ? headId(headCol) : activeIndex >= 0 ? rowId(rows.at(activeIndex).id) : undefined;

  return (
    <div
      ref={grid}
      className="calls"
      role="grid"
      aria-label="Tool calls"
      aria-rowcount={rows.count + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={descendant}
      aria-busy={loadingMore || undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      data-testid="calls-scroller"
    >
      <div className="calls-inner">
        <div className="calls-head" role="rowgroup">
          <div className="calls-cols" role="row" aria-rowindex={1}>
            {COLUMNS.map((c, col) => {
              const sorted = c.sort && order.by === c.sort ? order.dir : null;
              return (
                <div
                  key={c.label}
                  id={headId(col)}
                  role="columnheader"
                  aria-colindex={col + 1}
                  aria-sort={c.sort ? (sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none') : undefined}
                  className={`${c.num ? 'num' : ''} ${active === 'head' && headCol === col ? 'is-active' : ''}`}
                >
                  {c.sort ? (
                    <button
                      type="button"
                      tabIndex={-1}
                      className="sort-button"
                      // The grid keeps the focus (one Tab stop); the click still sorts.
                      onMouseDown={(e) => e.preventDefault()}
                      onClick={() => {
                        setActive('head');
                        setHeadCol(col);
                        sortBy(col);
                        grid.current?.focus();
                      }}
                    >
                      {c.label}
                      {sorted === 'asc' ? <ArrowUp size={12} aria-hidden="true" /> : sorted === 'desc' ? <ArrowDown size={12} aria-hidden="true" /> : <ArrowUpDown size={12} aria-hidden="true" className="sort-idle" />}
                    </button>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div className="calls-list" role="rowgroup" style={{ height: virtualizer.getTotalSize() }} data-testid="calls-rows">
          {items.map((item) => {
            const call = rows.at(item.index);
            return (
              <div
                key={call.id}
                id={rowId(call.id)}
                role="row"
                aria-rowindex={item.index + 2}
                className={`calls-row calls-cols ${call.id === active ? 'is-active' : ''}`}
                style={{ transform: `translateY(${item.start - HEAD_HEIGHT}px)`, height: ROW_HEIGHT }}
                data-status={call.status}
                data-outcome={outcome(call).kind}
                onClick={() => {
                  setActive(call.id);
                  onOpen(call);
                }}
              >
                {/* Only the position changes as calls arrive above a row: its cells render again only when the call does (or, running, when the clock ticks). */}
                <RowCells call={call} now={call.status === 'running' ? now : 0} providers={providers} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});

const RowCells = memo(function RowCells({ call, now, providers }: { call: ToolCall; now: number; providers: CallsTableProps['providers'] }) {
  const o = outcome(call);
  return (
    <>
      <Cell col={1} className="mono small">
        {formatTime(call.time)}
      </Cell>
      <Cell col={2} className="mono ellipsis">
        {call.tool}
      </Cell>
      <Cell col={3}>
        <OutcomeBadge outcome={o} />
      </Cell>
      <Cell col={4} className="num mono small">
        {formatDuration(elapsed(call, now))}
      </Cell>
      <Cell col={5} className="ellipsis">
        {call.client}
      </Cell>
      <Cell col={6} className="ellipsis">
        {providerName(call.provider, providers)}
      </Cell>
      <Cell col={7}>{call.class}</Cell>
      <Cell col={8} className="num mono small">
        {formatBytes(call.resultBytes)}
      </Cell>
    </>
  );
});

function Cell({ col, className, children }: { col: number; className?: string; children: ReactNode }) {
  return (
    <div role="gridcell" aria-colindex={col} className={className}>
      {children}
    </div>
  );
}
