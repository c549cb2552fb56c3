import { z } from 'zod';
import type { ActivityEvent, ActivityFacets, ActivityFilter, ActivityOrder, ActivityPage, ActivityStats, ExportFormat, StatsRange, ToolCall } from '../../../shared/activity.js';
import { ACTIVITY_SORT_KEYS, NEWEST_FIRST, STATS_RANGES, TOOL_CALL_STATUSES } from '../../../shared/activity.js';
import { TOOL_CLASSES } from '../../../shared/policy.js';
import type { Gateway } from '../tools/gateway.js';
import { exportActivity } from './export.js';
import { StatsCache } from './stats.js';
import type { ActivityStore } from './store.js';

/**
 * The Activity page's host functions. Every input is checked against these schemas (they may
 * come over IPC or the browser bridge): bad input throws a ZodError that names the field, and
 * changes nothing.
 */
const time = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
const name = z.string().min(1).max(200);

export const ActivityFilterSchema = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  client: name.optional(),
  provider: name.optional(),
  tool: name.optional(),
  class: z.enum(TOOL_CLASSES as [ToolCall['class'], ...ToolCall['class'][]]).optional(),
  status: z.enum(TOOL_CALL_STATUSES as [ToolCall['status'], ...ToolCall['status'][]]).optional(),
  text: z.string().min(1).max(500).optional(),
}) satisfies z.ZodType<ActivityFilter>;

export const ActivityOrderSchema = z.strictObject({
  by: z.enum(ACTIVITY_SORT_KEYS as [ActivityOrder['by'], ...ActivityOrder['by'][]]),
  dir: z.enum(['asc', 'desc']),
}) satisfies z.ZodType<ActivityOrder>;

export const QueryInputSchema = z.strictObject({
  filter: ActivityFilterSchema.default({}),
  // A sorted page's cursor carries its sort key (a tool name may be 128 characters).
  cursor: z.string().max(600).nullable().default(null),
  limit: z.number().int().min(1).max(1_000).default(100),
  order: ActivityOrderSchema.default(NEWEST_FIRST),
});
export const CallIdSchema = z.string().min(1).max(100);
export const StatsRangeSchema = z.enum(STATS_RANGES as [StatsRange, ...StatsRange[]]) satisfies z.ZodType<StatsRange>;
export const ExportFormatSchema = z.enum(['jsonl', 'csv']) satisfies z.ZodType<ExportFormat>;
/** Who cancels, as the log will show it: a short label such as "user". */
export const CancelledBySchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N} ._@-]+$/u, 'use letters, digits, spaces and . _ @ - only');

export interface ActivityApi {
  query(filter?: ActivityFilter, cursor?: string | null, limit?: number, order?: ActivityOrder): ActivityPage;
  get(id: string): ToolCall | null;
  stats(range: StatsRange): ActivityStats;
  /** Every client, provider and tool in the history (the filters' choices). */
  facets(): ActivityFacets;
  /** The filtered set as text chunks: JSON lines, or CSV with a header. */
  export(filter: ActivityFilter, format: ExportFormat): AsyncIterable<string>;
  /** Forget the history (the JSONL audit files stay). */
  clear(): void;
  /** Stop a running call; false when it is not running. */
  cancelCall(id: string, by: string): boolean;
  /** Live events: a call started, a call finished. Returns the unsubscribe function. */
  onActivity(listener: (event: ActivityEvent) => void): () => void;
}

export function createActivityApi(host: { activity: ActivityStore; gateway: Gateway }): ActivityApi {
  const { activity, gateway } = host;
  const stats = new StatsCache();
  return {
    query(filter = {}, cursor = null, limit = 100, order = NEWEST_FIRST) {
      const input = QueryInputSchema.parse({ filter, cursor, limit, order });
      return activity.query(input.filter, input.cursor, input.limit, input.order);
    },
    get: (id) => activity.get(CallIdSchema.parse(id)),
    stats: (range) => stats.get(activity.reader(), StatsRangeSchema.parse(range)),
    facets: () => activity.facets(),
    export(filter, format) {
      const parsed = ActivityFilterSchema.parse(filter);
      return exportActivity(activity, parsed, ExportFormatSchema.parse(format));
    },
    clear: () => activity.clear(),
    cancelCall: (id, by) => gateway.cancelCall(CallIdSchema.parse(id), CancelledBySchema.parse(by)),
    onActivity: (listener) => activity.onActivity(listener),
  };
}
