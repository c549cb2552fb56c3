import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ToolCall } from '../../../../shared/activity.js';
import type { RowSource } from '../hooks/useActivityFeed.js';
import { Badge } from '../../../components/ui.js';
import { elapsed, formatBytes, formatDuration, formatTime, STATUS } from '../format.js';

const ROW_HEIGHT = 40;

/**
 * Every call, virtualized: only the rows in view are in the DOM, so 100,000 calls scroll like
 * ten. Each row is one button (Enter or click opens its details); the header is for the eye.
 */
export function CallsTable({ rows, onOpen, onEnd, loadingMore }: { rows: RowSource; onOpen(call: ToolCall): void; onEnd(): void; loadingMore: boolean }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.count, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.count - 30) onEnd();
  }, [last, rows.count, onEnd]);

  // Running calls show their time so far; one clock for the table, only while something runs.
  const running = rows.running;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [running]);

  return (
    <div className="calls">
      <div className="calls-head" aria-hidden="true">
        <span>Time</span>
        <span>Client</span>
        <span>Tool</span>
        <span>Provider</span>
        <span>Class</span>
        <span>Status</span>
        <span className="num">Duration</span>
        <span className="num">Size</span>
      </div>
      <div className="calls-body" ref={parent} data-testid="calls-scroller">
        <ul className="calls-list" style={{ height: virtualizer.getTotalSize() }} aria-label="Tool calls, newest first" aria-busy={loadingMore || undefined}>
          {items.map((item) => {
            const call = rows.at(item.index);
            const s = STATUS[call.status];
            const duration = formatDuration(elapsed(call, now));
            return (
              <li key={call.id} className="calls-item" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <button
                  type="button"
                  className="calls-row"
                  onClick={() => onOpen(call)}
                  aria-label={`${call.tool} by ${call.client}, ${s.label}${duration ? `, ${duration}` : ''}, ${formatTime(call.time)}`}
                  data-status={call.status}
                >
                  <span className="mono small">{formatTime(call.time)}</span>
                  <span className="ellipsis">{call.client}</span>
                  <span className="mono ellipsis">{call.tool}</span>
                  <span>{call.provider}</span>
                  <span>{call.class}</span>
                  <span>
                    <Badge tone={s.tone}>{s.label}</Badge>
                  </span>
                  <span className="num mono small">{duration}</span>
                  <span className="num mono small">{formatBytes(call.resultBytes)}</span>
                </button>
              </li>
            );
          })}
        </ul>
        {rows.count === 0 ? <p className="empty">No tool calls match. Calls appear here the moment an AI client makes them.</p> : null}
      </div>
    </div>
  );
}
