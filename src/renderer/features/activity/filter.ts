/** The Activity page's filters: kept in the URL (shareable, survives a reload) and matched live. */
import type { ActivityFilter, ToolCall, ToolCallStatus } from '../../../shared/activity.js';
import type { ToolClass } from '../../../shared/policy.js';

export const RANGES = [
  { value: '', label: 'Any time' },
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
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

/** Does a call pushed live belong in the list this filter shows? (The same rules the host applies.) */
export function matches(filter: ActivityFilter, call: ToolCall): boolean {
  if (filter.client && call.client !== filter.client) return false;
  if (filter.provider && call.provider !== filter.provider) return false;
  if (filter.tool && call.tool !== filter.tool) return false;
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
