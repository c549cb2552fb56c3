// The Activity page's frame times, shared by bench:ui and bench:activity: a history of stored
// calls written straight into the database, the page loaded with all of them (scrolled to the
// end, 1,000 a request), then scrolled up and down continuously while new calls arrive from an
// MCP client. Frame times are measured in the page with requestAnimationFrame; the baseline is
// the same scrolling with no calls arriving, in the same run and window size.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ToolCall, ToolCallStatus } from '../../src/shared/activity.js';
import type { ToolClass } from '../../src/shared/policy.js';
import type { Ui } from '../e2e/harness.js';
import { fmt, percentile } from './stats.js';

/**
 * One 60 Hz frame (16.67 ms), and two (33.33 ms). requestAnimationFrame reports whole frames give
 * or take a few hundredths of a millisecond of timer jitter, so a frame is compared as printed, to
 * a tenth of a millisecond: 16.7 is one frame, 33.3 or 33.4 two, 50.0 three.
 */
export const FRAME_TARGETS = { medianMs: 16.7, p95Ms: 33.4 } as const;
const tenth = (ms: number) => Math.round(ms * 10) / 10;

/** `count` calls over the last month, written straight into the history (no MCP traffic). */
export function seedHistory(ui: Ui, count: number): void {
  const db = ui.t.host.activity.reader();
  const now = Date.now();
  const statuses: Exclude<ToolCallStatus, 'running'>[] = ['ok', 'ok', 'ok', 'ok', 'error', 'ok', 'ok', 'denied', 'ok', 'timeout'];
  const classes: ToolClass[] = ['read', 'read', 'write', 'destructive'];
  let batch: ToolCall[] = [];
  for (let i = 0; i < count; i++) {
    batch.push({
      id: randomUUID(),
      time: new Date(now - (count - i) * 25_000).toISOString(),
      client: ['cursor', 'claude-code', 'vscode'][i % 3]!,
      session: `s${i % 40}`,
      tool: `fly-tool-${i % 60}`,
      provider: 'fly',
      class: classes[i % classes.length]!,
      args: { app: `web-${i % 300}` },
      status: statuses[i % statuses.length]!,
      durationMs: 5 + (i % 900),
      resultBytes: 200 + (i % 5000),
      preview: `web-${i % 300} ok`,
      cancelledBy: null,
      ...(statuses[i % statuses.length] === 'denied' ? { decision: { policy: 'deny' as const, rule: 'read-only mode', ruleKind: 'read-only' as const, by: 'rule' as const, channel: null, waitedMs: null } } : {}),
    });
    if (batch.length === 1000) {
      db.write(batch);
      batch = [];
    }
  }
  db.write(batch);
}

/** Open Activity and load every stored call into the grid by scrolling to its end. */
export async function loadEverything(page: Page, deadline: number): Promise<{ loadMs: number; shown: string }> {
  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  const scroller = page.getByTestId('calls-scroller');
  await scroller.waitFor();
  const t0 = performance.now();
  const status = page.getByRole('status').filter({ hasText: /calls? shown/ });
  for (;;) {
    const text = (await status.textContent()) ?? '';
    if (/calls? shown/.test(text) && !/scroll for/.test(text)) break;
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(30);
    if (Date.now() > deadline) throw new Error('the Activity page did not load the history in the time this benchmark allows');
  }
  return { loadMs: performance.now() - t0, shown: ((await status.textContent()) ?? '').trim() };
}

/**
 * Every frame's interval (ms, sorted) for `seconds`: scrolling the grid up and down one step a
 * frame, or (step 0) held at the top, where new calls flow in as they arrive.
 */
export async function scrollFrames(page: Page, seconds: number, step = 60): Promise<number[]> {
  // A string: tsx would otherwise add helpers of its own that the page does not have.
  const frames = await page.evaluate<number[]>(`new Promise((resolve) => {
    const el = document.querySelector('[data-testid=calls-scroller]');
    const frames = [];
    let last = performance.now();
    let dir = -1;
    const end = last + ${seconds * 1000};
    if (${step} === 0) el.scrollTop = 0;
    const tick = (t) => {
      frames.push(t - last);
      last = t;
      el.scrollTop += dir * ${step};
      if (${step} > 0 && (el.scrollTop <= 0 || el.scrollTop + el.clientHeight >= el.scrollHeight - 1)) dir = -dir;
      if (t < end) requestAnimationFrame(tick);
      else resolve(frames.slice(1));
    };
    requestAnimationFrame(tick);
  })`);
  return frames.sort((a, b) => a - b);
}

interface Frames {
  median: number;
  p95: number;
  frames: number;
}

export interface FrameResult {
  width: number;
  baseline: Frames;
  /** Scrolling through the history while calls arrive (they wait above: "N new calls above"). */
  underLoad: Frames & { callsPerSecond: number };
  /** Held at the top while calls arrive: each one flows into the grid as it comes. */
  atTop: Frames & { callsPerSecond: number };
  pass: boolean;
}

const summary = (sorted: number[]): Frames => ({ median: percentile(sorted, 50), p95: percentile(sorted, 95), frames: sorted.length });
const meets = (f: Frames) => tenth(f.median) <= FRAME_TARGETS.medianMs && tenth(f.p95) <= FRAME_TARGETS.p95Ms;

/** `rate` calls a second from an MCP client (echo, recorded and pushed live like any call) while `during` runs. */
async function withCalls<T>(ui: Ui, name: string, rate: number, during: () => Promise<T>): Promise<{ result: T; callsPerSecond: number }> {
  const client = await ui.t.connect(name);
  let sent = 0;
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) void client.callTool({ name: 'echo', arguments: { text: `call ${sent}` } }).catch(() => undefined);
  }, 10);
  try {
    const result = await during();
    return { result, callsPerSecond: sent / ((performance.now() - started) / 1000) };
  } finally {
    clearInterval(timer);
    await client.close().catch(() => undefined);
  }
}

/**
 * At one window size: frames while scrolling with nothing arriving (the baseline); while
 * scrolling with `rate` calls a second arriving; and held at the top while they arrive.
 */
export async function measureAtWidth(ui: Ui, page: Page, size: { width: number; height: number }, opts: { rate: number; seconds: number; baselineSeconds: number }): Promise<FrameResult> {
  await page.setViewportSize(size);
  await page.waitForTimeout(300);
  const baseline = summary(await scrollFrames(page, opts.baselineSeconds));
  const scrolling = await withCalls(ui, `bench-${size.width}`, opts.rate, () => scrollFrames(page, opts.seconds));
  const top = await withCalls(ui, `bench-top-${size.width}`, opts.rate, () => scrollFrames(page, opts.seconds, 0));
  const underLoad = { ...summary(scrolling.result), callsPerSecond: scrolling.callsPerSecond };
  const atTop = { ...summary(top.result), callsPerSecond: top.callsPerSecond };
  return { width: size.width, baseline, underLoad, atTop, pass: meets(underLoad) && meets(atTop) };
}

export function describeResult(r: FrameResult, seconds: number, baselineSeconds: number): string {
  const line = (what: string, f: Frames) => `  at ${r.width} px, ${what}: median ${fmt(f.median, 1)} ms, p95 ${fmt(f.p95, 1)} ms, ${f.frames} frames`;
  const verdict = (f: Frames) => (meets(f) ? 'PASS' : 'FAIL');
  return [
    line(`scrolling alone (${baselineSeconds} s, the baseline)`, r.baseline),
    `${line(`scrolling with ${fmt(r.underLoad.callsPerSecond, 0)} new calls/s (${seconds} s)`, r.underLoad)}: ${verdict(r.underLoad)}`,
    `${line(`at the top with ${fmt(r.atTop.callsPerSecond, 0)} new calls/s flowing in (${seconds} s)`, r.atTop)}: ${verdict(r.atTop)}`,
    `  targets: median <= ${FRAME_TARGETS.medianMs} ms (one 60 Hz frame), p95 <= ${FRAME_TARGETS.p95Ms} ms (two frames)`,
  ].join('\n');
}
