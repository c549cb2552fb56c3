import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { ToolCall, ToolCallStatus } from '../../../shared/activity.js';
import { rotatedName } from '../log.js';
import { Ring } from './ring.js';

export interface ActivityStoreOptions {
  /** Folder for the JSONL files; omit to keep history in memory only. */
  dir?: string;
  capacity?: number;
  fileSize?: string;
  maxFiles?: number;
}

export interface StartCall {
  client: string;
  session: string | null;
  tool: string;
  provider: string;
  /** Must already be redacted. */
  args: Record<string, unknown>;
}

export interface FinishCall {
  status: Exclude<ToolCallStatus, 'running'>;
  resultBytes: number | null;
  /** Must already be redacted. */
  preview: string | null;
}

export interface ActivityQuery {
  limit?: number;
  tool?: string;
  client?: string;
  status?: ToolCallStatus;
}

export type ActivityListener = (call: ToolCall) => void;

/**
 * Every tool call: a bounded in-memory ring for the UI and queries, JSONL files (rotated by size)
 * for history, and a live stream of changes. Callers redact before handing anything in.
 */
export class ActivityStore {
  /**
   * Running calls as objects; finished ones as their JSON line. A finished record is one string
   * instead of a handful of small objects, which keeps 10,000 of them from scattering across the
   * old generation and holding tens of MB of heap pages that are mostly garbage.
   */
  readonly #ring: Ring<ToolCall | string>;
  readonly #running = new Map<string, { call: ToolCall; started: bigint; seq: number }>();
  readonly #listeners = new Set<ActivityListener>();
  readonly #file: RotatingFileStream | null;

  constructor(options: ActivityStoreOptions = {}) {
    this.#ring = new Ring(options.capacity ?? 10_000);
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      this.#file = createStream(rotatedName('activity', 'jsonl'), {
        path: options.dir,
        size: options.fileSize ?? '10M',
        rotate: Math.max(1, (options.maxFiles ?? 5) - 1),
        mode: 0o600,
      });
      // A full disk must not take tool calls down with it.
      this.#file.on('error', () => undefined);
    } else {
      this.#file = null;
    }
  }

  start(input: StartCall): ToolCall {
    const call: ToolCall = {
      id: randomUUID(),
      time: new Date().toISOString(),
      ...input,
      status: 'running',
      durationMs: null,
      resultBytes: null,
      preview: null,
    };
    const seq = this.#ring.push(call);
    this.#running.set(call.id, { call, started: process.hrtime.bigint(), seq });
    this.#emit(call);
    return call;
  }

  finish(id: string, result: FinishCall): ToolCall | undefined {
    const entry = this.#running.get(id);
    if (!entry) return undefined;
    this.#running.delete(id);
    const { call } = entry;
    call.status = result.status;
    call.durationMs = Math.round(Number(process.hrtime.bigint() - entry.started) / 1e4) / 100;
    call.resultBytes = result.resultBytes;
    call.preview = result.preview;
    const line = JSON.stringify(call);
    this.#ring.replace(entry.seq, line);
    this.#file?.write(line + '\n');
    this.#emit(call);
    return call;
  }

  /** Record a call that never ran (denied before start, for instance). */
  record(input: StartCall, result: FinishCall): ToolCall {
    const call = this.start(input);
    return this.finish(call.id, result) ?? call;
  }

  /** Newest first. */
  list(query: ActivityQuery = {}): ToolCall[] {
    const { tool, client, status } = query;
    const out: ToolCall[] = [];
    const limit = query.limit ?? 200;
    for (const item of this.#ring.newestFirst()) {
      if (out.length >= limit) break;
      const c = typeof item === 'string' ? (JSON.parse(item) as ToolCall) : { ...item };
      if ((!tool || c.tool === tool) && (!client || c.client === client) && (!status || c.status === status)) out.push(c);
    }
    return out;
  }

  get size(): number {
    return this.#ring.size;
  }

  subscribe(listener: ActivityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const file = this.#file;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }

  static dirFor(dataDir: string): string {
    return join(dataDir, 'activity');
  }

  #emit(call: ToolCall): void {
    for (const listener of this.#listeners) {
      try {
        listener({ ...call });
      } catch {
        // A broken subscriber must not break tool calls.
      }
    }
  }
}
