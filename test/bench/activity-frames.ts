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

/** One 60 Hz frame, and two. */
export const FRAME_TARGETS = { medianMs: 16.7, p95Ms: 33.4 } as const;

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

/** Scroll the grid up and down for `seconds`, one step a frame; every frame's interval (ms), sorted. */
export async function scrollFrames(page: Page, seconds: number): Promise<number[]> {
  // A string: tsx would otherwise add helpers of its own that the page does not have.
  const frames = await page.evaluate<number[]>(`new Promise((resolve) => {
    const el = document.querySelector('[data-testid=calls-scroller]');
    const frames = [];
    let last = performance.now();
    let dir = -1;
    const end = last + ${seconds * 1000};
    const tick = (t) => {
      frames.push(t - last);
      last = t;
      el.scrollTop += dir * 60;
      if (el.scrollTop <= 0 || el.scrollTop + el.clientHeight >= el.scrollHeight - 1) dir = -dir;
      if (t < end) requestAnimationFrame(tick);
      else resolve(frames.slice(1));
    };
    requestAnimationFrame(tick);
  })`);
  return frames.sort((a, b) => a - b);
}

export interface FrameResult {
  width: number;
  baseline: { median: number; p95: number; frames: number };
  underLoad: { median: number; p95: number; frames: number; callsPerSecond: number };
  pass: boolean;
}

/**
 * At one window size: frames while scrolling with nothing arriving (the baseline), then while
 * `rate` calls a second arrive from an MCP client (echo, recorded and pushed live like any call).
 */
export async function measureAtWidth(ui: Ui, page: Page, size: { width: number; height: number }, opts: { rate: number; seconds: number; baselineSeconds: number }): Promise<FrameResult> {
  await page.setViewportSize(size);
  await page.waitForTimeout(300);
  const baseline = await scrollFrames(page, opts.baselineSeconds);
  const client = await ui.t.connect(`bench-${size.width}`);
  let sent = 0;
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * opts.rate);
    for (; sent < due; sent++) void client.callTool({ name: 'echo', arguments: { text: `call ${sent}` } }).catch(() => undefined);
  }, 10);
  const underLoad = await scrollFrames(page, opts.seconds);
  clearInterval(timer);
  const callsPerSecond = sent / ((performance.now() - started) / 1000);
  await client.close().catch(() => undefined);
  const median = percentile(underLoad, 50);
  const p95 = percentile(underLoad, 95);
  return {
    width: size.width,
    baseline: { median: percentile(baseline, 50), p95: percentile(baseline, 95), frames: baseline.length },
    underLoad: { median, p95, frames: underLoad.length, callsPerSecond },
    pass: median <= FRAME_TARGETS.medianMs && p95 <= FRAME_TARGETS.p95Ms,
  };
}

export function describeResult(r: FrameResult, seconds: number, baselineSeconds: number): string {
  return [
    `  at ${r.width} px, scrolling alone (${baselineSeconds} s): median ${fmt(r.baseline.median, 1)} ms, p95 ${fmt(r.baseline.p95, 1)} ms, ${r.baseline.frames} frames`,
    `  at ${r.width} px, with ${fmt(r.underLoad.callsPerSecond, 0)} new calls/s (${seconds} s): median ${fmt(r.underLoad.median, 1)} ms, p95 ${fmt(r.underLoad.p95, 1)} ms, ${r.underLoad.frames} frames; ` +
      `targets median <= ${FRAME_TARGETS.medianMs} ms, p95 <= 33 ms: ${r.pass ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}
