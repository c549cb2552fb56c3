/** The Activity page's filters: kept in the URL (shareable, survives a reload) and matched live. */
import { ACTIVITY_SORT_KEYS, NEWEST_FIRST, type ActivityFilter, type ActivityOrder, type ActivitySortKey, type ToolCall, type ToolCallStatus } from '../../../shared/activity.js';
import type { ToolClass } from '../../../shared/policy.js';

export const RANGES = [
  { value: '', label: 'Any time' },
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
] as const;

const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface FilterState {
  text: string;
  client: string;
  provider: string;
  tool: string;
  class: '' | ToolClass;
  status: '' | ToolCallStatus;
  range: string;
}

export const KEYS = ['text', 'client', 'provider', 'tool', 'class', 'status', 'range'] as const;

export function readFilter(params: URLSearchParams): FilterState {
  const get = (k: string) => params.get(k) ?? '';
  return {
    text: get('text'),
    client: get('client'),
    provider: get('provider'),
    tool: get('tool'),
    class: get('class') as FilterState['class'],
    status: get('status') as FilterState['status'],
    range: get('range'),
  };
}

/** The host's filter for a state: an empty field does not narrow; a range becomes "since". */
export function toQuery(state: FilterState, now = Date.now()): ActivityFilter {
  const f: ActivityFilter = {};
  if (state.text.trim()) f.text = state.text.trim();
  if (state.client) f.client = state.client;
  if (state.provider) f.provider = state.provider;
  if (state.tool.trim()) f.tool = state.tool.trim();
  if (state.class) f.class = state.class;
  if (state.status) f.status = state.status;
  const m = /^(\d+)([mhd])$/.exec(state.range);
  if (m) f.since = now - Number(m[1]) * UNIT[m[2]!]!;
  return f;
}

/** The sort in the URL (`sort=tool&dir=asc`); newest first when there is none or it is not one we know. */
export function readOrder(params: URLSearchParams): ActivityOrder {
  const by = params.get('sort') as ActivitySortKey | null;
  if (!by || !ACTIVITY_SORT_KEYS.includes(by)) return NEWEST_FIRST;
  return { by, dir: params.get('dir') === 'asc' ? 'asc' : 'desc' };
}

export const isNewestFirst = (order: ActivityOrder) => order.by === 'time' && order.dir === 'desc';

/** Does a call pushed live belong in the list this filter shows? (The same rules the host applies.) */
export function matches(filter: ActivityFilter, call: ToolCall): boolean {
  if (filter.client && call.client !== filter.client) return false;
  if (filter.provider && call.provider !== filter.provider) return false;
  // Part of the name, any case, as the host's filter.
  if (filter.tool && !call.tool.toLowerCase().includes(filter.tool.toLowerCase())) return false;
  if (filter.class && call.class !== filter.class) return false;
  if (filter.status && call.status !== filter.status) return false;
  if (filter.since !== undefined && Date.parse(call.time) < (typeof filter.since === 'number' ? filter.since : Date.parse(filter.since))) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const hay = `${call.tool}\n${JSON.stringify(call.args)}\n${call.preview ?? ''}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}
