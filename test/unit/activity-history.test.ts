import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivityApi } from '../../src/main/host/activity/api.js';
import { BadCursorError } from '../../src/main/host/activity/db.js';
import { csvCell } from '../../src/main/host/activity/export.js';
import { activityStats } from '../../src/main/host/activity/stats.js';
import { ActivityStore, type StartCall } from '../../src/main/host/activity/store.js';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { silentLog } from '../../src/main/host/log.js';
import { waitFor } from '../helpers/wait.js';
import { Gateway } from '../../src/main/host/tools/gateway.js';
import type { ActivityFilter, ToolCall } from '../../src/shared/activity.js';

const dirs: string[] = [];
const stores: ActivityStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-history-'));
  dirs.push(dir);
  return dir;
}

function open(options: ConstructorParameters<typeof ActivityStore>[0] = {}): ActivityStore {
  const store = new ActivityStore(options);
  stores.push(store);
  return store;
}

function memoryLog() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

const call = (tool: string, over: Partial<StartCall> = {}): StartCall => ({
  client: 'cursor',
  session: 's1',
  tool,
  provider: 'fly',
  class: 'read',
  args: { app: 'web' },
  ...over,
});

describe('activity history (SQLite)', () => {
  it('keeps history across a restart and closes calls the last run left running', async () => {
    const dir = await tempDir();
    const first = open({ dir });
    first.record(call('fly-apps-list'), { status: 'ok', resultBytes: 10, preview: 'web running' });
    first.start(call('fly-logs'));
    first.flush();
    // A crash: the process goes without finishing its running call (close() would write it too).
    const second = open({ dir });
    expect(second.closeOrphans()).toBe(1);
    expect(second.list().map((c) => `${c.tool}:${c.status}`)).toEqual(['fly-logs:error', 'fly-apps-list:ok']);
    expect(second.list()[1]).toMatchObject({ preview: 'web running', resultBytes: 10, class: 'read', cancelledBy: null });
  });

  it('pages newest first with a cursor, without gaps or repeats', () => {
    const store = open();
    for (let i = 0; i < 250; i++) store.record(call(`t${i}`), { status: 'ok', resultBytes: 1, preview: null });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = store.query({}, cursor, 100);
      seen.push(...page.calls.map((c) => c.tool));
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `t${249 - i}`));
    expect(() => store.query({}, 'not-a-cursor', 10)).toThrow(BadCursorError);
  });

  it('filters by client, provider, tool, class, status, time and free text', () => {
    const store = open();
    store.record(call('fly-apps-list', { client: 'claude' }), { status: 'ok', resultBytes: 1, preview: 'web 100% healthy' });
    store.record(call('query_devices', { provider: 'flightctl', args: { labelSelector: 'site=lab_1' } }), { status: 'error', resultBytes: null, preview: 'forbidden' });
    store.record(call('fly-machine-destroy', { class: 'destructive', args: { id: 'm-42' } }), { status: 'denied', resultBytes: null, preview: 'policy' });
    const tools = (filter: ActivityFilter) => store.query(filter, null, 100).calls.map((c) => c.tool);
    expect(tools({ client: 'claude' })).toEqual(['fly-apps-list']);
    expect(tools({ provider: 'flightctl' })).toEqual(['query_devices']);
    expect(tools({ tool: 'fly-apps-list' })).toEqual(['fly-apps-list']);
    expect(tools({ class: 'destructive' })).toEqual(['fly-machine-destroy']);
    expect(tools({ status: 'error' })).toEqual(['query_devices']);
    // Free text: in the tool name, the arguments, the preview; case-insensitive; % and _ are literal.
    expect(tools({ text: 'DESTROY' })).toEqual(['fly-machine-destroy']);
    expect(tools({ text: 'm-42' })).toEqual(['fly-machine-destroy']);
    expect(tools({ text: 'healthy' })).toEqual(['fly-apps-list']);
    expect(tools({ text: '100%' })).toEqual(['fly-apps-list']);
    expect(tools({ text: 'lab_1' })).toEqual(['query_devices']);
    expect(tools({ text: 'lab%1' })).toEqual([]);
    const now = Date.now();
    expect(tools({ since: now + 60_000 })).toEqual([]);
    expect(tools({ since: new Date(now - 60_000).toISOString(), until: now + 60_000 })).toHaveLength(3);
    expect(tools({ client: 'cursor', status: 'denied' })).toEqual(['fly-machine-destroy']);
  });

  it('trims to the retention limit: the oldest calls go first, and calls past maxDays', () => {
    const store = open({ retention: { maxCalls: 5, maxDays: 90 } });
    for (let i = 0; i < 12; i++) store.record(call(`t${i}`), { status: 'ok', resultBytes: 1, preview: null });
    store.setRetention({ maxCalls: 5, maxDays: 90 });
    store.flush();
    expect(store.list().map((c) => c.tool)).toEqual(['t11', 't10', 't9', 't8', 't7']);
    // Nothing is older than a day here, so a one-day limit keeps all; the age rule is tested with time moved on.
    store.setRetention({ maxCalls: 1000, maxDays: 1 });
    store.flush();
    expect(store.size).toBe(5);
  });

  it('drops calls older than maxDays', async () => {
    const dir = await tempDir();
    const store = open({ dir });
    store.record(call('old'), { status: 'ok', resultBytes: 1, preview: null });
    store.flush();
    await store.close();
    stores.pop();
    // Age the stored call by 3 days, as if it had been recorded then.
    const { DatabaseSync } = await import('node:sqlite');
    const raw = new DatabaseSync(join(dir, 'activity.db'));
    raw.prepare('UPDATE calls SET t = t - ?').run(3 * 86_400_000);
    raw.close();
    const again = open({ dir, retention: { maxCalls: 1000, maxDays: 2 } });
    again.record(call('new'), { status: 'ok', resultBytes: 1, preview: null });
    again.flush();
    expect(again.list().map((c) => c.tool)).toEqual(['new']);
  });

  it('sets a damaged database aside with a clear log line, starts a new one, and keeps logging', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'activity.db'), 'this is not a database '.repeat(400));
    const { log, lines } = memoryLog();
    const store = open({ dir, log });
    store.record(call('after-damage'), { status: 'ok', resultBytes: 1, preview: null });
    expect(store.list().map((c) => c.tool)).toEqual(['after-damage']);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('activity.db.damaged-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toContain('this is not a database');
    const line = lines.map((l) => JSON.parse(l) as { level: number; msg: string; setAside?: string }).find((l) => l.level === 50);
    expect(line?.msg).toMatch(/activity database was damaged: it was set aside and a new one started/);
    expect(line?.setAside).toContain('activity.db.damaged-');
    await store.close();
    stores.pop();
    expect(await readFile(join(dir, 'activity.jsonl'), 'utf8')).toContain('"after-damage"');
  });

  it('sets aside a database damaged while in use, and the next batch lands in a new one', async () => {
    const dir = await tempDir();
    const { log, lines } = memoryLog();
    const store = open({ dir, log });
    for (let i = 0; i < 50; i++) store.record(call(`before-${i}`), { status: 'ok', resultBytes: 1, preview: null });
    store.flush();
    // Overwrite the file header and invalidate the shared WAL index, as a failing disk might:
    // the next transaction has to read the file again and finds it is no database.
    const { open: openFile } = await import('node:fs/promises');
    for (const [name, bytes] of [['activity.db', 4096], ['activity.db-shm', 136]] as const) {
      const handle = await openFile(join(dir, name), 'r+');
      await handle.write(Buffer.alloc(bytes, name.endsWith('shm') ? 0 : 0x41), 0, bytes, 0);
      await handle.close();
    }
    await writeFile(join(dir, 'activity.db-wal'), '');
    store.record(call('after'), { status: 'ok', resultBytes: 1, preview: null });
    expect(store.list().map((c) => c.tool)).toEqual(['after']);
    expect((await readdir(dir)).some((f) => f.startsWith('activity.db.damaged-'))).toBe(true);
    expect(lines.join('')).toMatch(/activity database was damaged/);
  });

  it('counts per minute, durations per tool, errors per provider and per client', () => {
    const store = open();
    for (let i = 0; i < 20; i++) store.record(call('fly-apps-list'), { status: 'ok', resultBytes: 1, preview: null, durationMs: 10 + i });
    store.record(call('query_devices', { provider: 'flightctl', client: 'claude' }), { status: 'error', resultBytes: null, preview: 'x', durationMs: 5 });
    store.record(call('query_devices', { provider: 'flightctl', client: 'claude' }), { status: 'ok', resultBytes: 1, preview: null, durationMs: 7 });
    // A refusal that waited two minutes for a person is no measure of the tool's speed.
    store.record(call('query_devices', { provider: 'flightctl', client: 'claude' }), { status: 'denied', resultBytes: null, preview: 'x', durationMs: 120_000 });
    const stats = activityStats(store.reader(), '1h');
    expect(stats.buckets).toHaveLength(60);
    expect(stats.bucketMs).toBe(60_000);
    const total = stats.buckets.reduce((n, b) => n + (b.counts.ok ?? 0) + (b.counts.error ?? 0) + (b.counts.denied ?? 0), 0);
    expect(total).toBe(23);
    expect(stats.total).toBe(23);
    expect(stats.buckets.at(-1)!.counts.ok).toBeGreaterThan(0);
    expect(stats.durations.find((d) => d.tool === 'query_devices')).toEqual({ tool: 'query_devices', calls: 2, p50Ms: 5, p95Ms: 7 });
    expect(stats.topTools).toEqual([
      { tool: 'fly-apps-list', calls: 20 },
      { tool: 'query_devices', calls: 3 },
    ]);
    expect(stats.durations[0]).toMatchObject({ tool: 'fly-apps-list', calls: 20 });
    expect(stats.durations[0]!.p95Ms).toBeGreaterThanOrEqual(stats.durations[0]!.p50Ms);
    expect(stats.providers.find((p) => p.provider === 'flightctl')).toEqual({ provider: 'flightctl', calls: 3, errors: 1, errorRate: 1 / 3 });
    expect(stats.clients.find((c) => c.client === 'claude')).toMatchObject({ calls: 3, errors: 1 });
    expect(activityStats(store.reader(), '24h').buckets).toHaveLength(96);
  });

  it('emits started and finished events with the record', () => {
    const store = open();
    const events: string[] = [];
    const off = store.onActivity((e) => events.push(`${e.type}:${e.call.tool}:${e.call.status}`));
    store.record(call('a'), { status: 'ok', resultBytes: 1, preview: null });
    off();
    store.record(call('b'), { status: 'ok', resultBytes: 1, preview: null });
    expect(events).toEqual(['started:a:running', 'finished:a:ok']);
  });
});

describe('activity API', () => {
  const setup = () => {
    const activity = open();
    const gateway = new Gateway({ activity, redactor: new Redactor(), log: silentLog() });
    return { activity, api: createActivityApi({ activity, gateway }) };
  };

  it('refuses bad input with the field named, and changes nothing', async () => {
    const { activity, api } = setup();
    activity.record(call('a'), { status: 'ok', resultBytes: 1, preview: null });
    expect(() => api.query({ status: 'weird' } as unknown as ActivityFilter)).toThrow(/status/);
    expect(() => api.query({ bogus: 1 } as unknown as ActivityFilter)).toThrow(/bogus/);
    expect(() => api.query({}, null, 0)).toThrow(/limit/);
    expect(() => api.stats('week' as '7d')).toThrow();
    expect(() => api.export({}, 'xml' as 'csv')).toThrow();
    expect(() => api.cancelCall('x', '<script>')).toThrow(/letters/);
    expect(api.query().calls).toHaveLength(1);
  });

  it('exports exactly the filtered set, as JSON lines and as CSV', async () => {
    const { activity, api } = setup();
    for (let i = 0; i < 2_500; i++) {
      activity.record(call(i % 3 === 0 ? 'fly-logs' : 'fly-apps-list', { args: { n: i, note: i === 7 ? '=cmd|"x",\ny' : 'plain' } }), {
        status: i % 5 === 0 ? 'error' : 'ok',
        resultBytes: i,
        preview: `p${i}`,
      });
    }
    const filter: ActivityFilter = { tool: 'fly-logs', status: 'ok' };
    const expected: ToolCall[] = [];
    let cursor: string | null = null;
    do {
      const page = api.query(filter, cursor, 1000);
      expected.push(...page.calls);
      cursor = page.next;
    } while (cursor);
    expect(expected.length).toBe(667);

    let jsonl = '';
    for await (const chunk of api.export(filter, 'jsonl')) jsonl += chunk;
    expect(jsonl.trimEnd().split('\n').map((l) => JSON.parse(l) as ToolCall)).toEqual(expected);

    let csv = '';
    for await (const chunk of api.export(filter, 'csv')) csv += chunk;
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('"id","time","client","session","tool","provider","class","status","durationMs","resultBytes","preview","cancelledBy","args"');
    expect(rows).toHaveLength(expected.length + 1);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(expected.map((c) => `"${c.id}"`));
  });

  it('quotes every CSV cell and defuses spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\uFF1D']) expect(csvCell(`${start}1+1`), JSON.stringify(start)).toBe(`"'${start}1+1"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell(12.5)).toBe('"12.5"');
  });

  it('defuses formulas a spreadsheet splitting on ";", tab or a line break would see start inside a cell', () => {
    expect(csvCell("x;=cmd|' /C calc'!A0")).toBe(`"x;'=cmd|' /C calc'!A0"`);
    expect(csvCell('a\t@SUM(A1:A9)')).toBe(`"a\t'@SUM(A1:A9)"`);
    expect(csvCell('first line\r\n+1+1')).toBe(`"first line\r\n'+1+1"`);
    expect(csvCell('{"to":"a","cc":"=1+1"}')).toBe(`"{""to"":""a"",""cc"":""'=1+1""}"`);
    expect(csvCell('a;"=1')).toBe(`"a;""'=1"`);
    expect(csvCell('1,-2')).toBe(`"1,'-2"`);
    // Read by a program that splits on ";", "," or tab and ignores the quoting: no piece starts a formula.
    const row = ['x;=1+1', 'a\t-2+3', '@me;+9', 'q;"=1', '{"k":"@x"}'].map(csvCell).join(',');
    for (const piece of row.split(/[;,\t\r\n]/)) expect(piece.replace(/^"+/, ''), piece).not.toMatch(/^[=+\-@]/);
  });

  it('clear() empties the history', () => {
    const { activity, api } = setup();
    activity.record(call('a'), { status: 'ok', resultBytes: 1, preview: null });
    api.clear();
    expect(api.query().calls).toEqual([]);
  });
});

describe('free-text search with the search index', () => {
  it('finds exactly what a scan of the whole history finds, across pages, as the index catches up', async () => {
    const dir = await tempDir();
    // Scan only the newest 20 rows first, so the index answers for the rest.
    const store = open({ dir, searchScanRows: 20 });
    for (let i = 0; i < 400; i++) {
      store.record(call(i % 7 === 0 ? 'fly-logs' : 'fly-apps-list', { client: i % 2 ? 'cursor' : 'claude', args: { app: `web-${i}`, note: i === 123 ? 'Rare "Needle" here' : 'plain' } }), {
        status: i % 5 === 0 ? 'error' : 'ok',
        resultBytes: 1,
        preview: `app web-${i} ${i % 50 === 0 ? 'Ünïcode 100%' : 'fine'}`,
      });
    }
    store.flush();
    const { ActivityDb } = await import('../../src/main/host/activity/db.js');
    const scanOnly = ActivityDb.open(join(dir, 'activity.db'), { readOnly: true })!;
    const all = (filter: ActivityFilter, query: (f: ActivityFilter, cursor: string | null) => { calls: ToolCall[]; next: string | null }) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = query(filter, cursor);
        ids.push(...page.calls.map((c) => c.id));
        cursor = page.next;
      } while (cursor);
      return ids;
    };
    const filters: ActivityFilter[] = [
      { text: 'needle' },
      { text: 'web-12' },
      { text: 'web-399' },
      { text: 'fine' },
      { text: '100%' },
      { text: 'Ünïcode' },
      { text: 'fly-logs', client: 'claude' },
      { text: 'web-1', status: 'error' },
      { text: 'nothing like this' },
      { text: 'we' },
    ];
    const expected = filters.map((f) => all(f, (ff, c) => scanOnly.query(ff, c, 7)));
    expect(expected[0]).toHaveLength(1);
    // Whether the index is complete, half built or missing, the answers are the same.
    for (const f of filters) expect(all(f, (ff, c) => store.query(ff, c, 7))).toEqual(expected[filters.indexOf(f)]);
    await waitFor(() => store.searchCovered() >= 400, 'index caught up');
    for (const f of filters) expect(all(f, (ff, c) => store.query(ff, c, 7))).toEqual(expected[filters.indexOf(f)]);
    // New calls past the index, and a cleared history, are still found.
    store.record(call('fly-late', { args: { note: 'needle again' } }), { status: 'ok', resultBytes: 1, preview: null });
    expect(store.query({ text: 'needle' }, null, 10).calls.map((c) => c.tool)).toEqual(['fly-late', 'fly-apps-list']);
    store.clear();
    store.record(call('fly-after-clear', { args: { note: 'needle' } }), { status: 'ok', resultBytes: 1, preview: null });
    expect(store.query({ text: 'needle' }, null, 10).calls.map((c) => c.tool)).toEqual(['fly-after-clear']);
    scanOnly.close();
  });
});

describe('two Tarmacs on one data folder', () => {
  it('share the history and its search index without tripping over each other', async () => {
    const dir = await tempDir();
    const a = memoryLog();
    const b = memoryLog();
    const first = open({ dir, log: a.log, searchScanRows: 1 });
    const second = open({ dir, log: b.log, searchScanRows: 1 });
    for (let i = 0; i < 60; i++) {
      (i % 2 ? first : second).record(call(`t${i}`, { args: { n: `needle-${i}` } }), { status: 'ok', resultBytes: 1, preview: null });
      if (i % 10 === 9) {
        first.flush();
        second.flush();
      }
    }
    await waitFor(() => first.searchCovered() >= 60 && second.searchCovered() >= 60, 'both indexes caught up');
    expect(first.query({ text: 'needle-17' }, null, 10).calls.map((c) => c.tool)).toEqual(['t17']);
    // (Two writers interleave by batch, so the order among calls a fraction of a second apart is theirs.)
    expect(second.query({ text: 'needle-4' }, null, 100).calls.map((c) => c.tool).sort()).toEqual(['t4', 't40', 't41', 't42', 't43', 't44', 't45', 't46', 't47', 't48', 't49']);
    expect([...a.lines, ...b.lines].join('')).not.toMatch(/search index/);
  });
});

describe('trigramQuery', () => {
  it('asks for trigrams that cover the text, quoted, and nothing for text too short', async () => {
    const { trigramQuery } = await import('../../src/main/host/activity/search.js');
    expect(trigramQuery('ab')).toBeNull();
    expect(trigramQuery('abc')).toBe('"abc"');
    expect(trigramQuery('web-42')).toBe('"web" AND "-42"');
    // Quotes inside are doubled: the trigrams of say "hi" used are `say`, ` "h` and `hi"`.
    expect(trigramQuery('say "hi"')).toBe('"say" AND " ""h" AND "hi"""');
  });
});

describe("the search index's worker hands its memory back", () => {
  it('on trim, and keeps indexing afterwards', async () => {
    const store = open({ dir: await tempDir(), flushMs: 5 });
    for (let i = 0; i < 50; i++) store.record(call(`fly-before-${i}`), { status: 'ok', resultBytes: 1, preview: null });
    store.flush();
    await waitFor(() => store.searchCovered() >= 50, 'index caught up');
    // Answered by the worker itself (not by trim's time limit): well under it.
    const t0 = performance.now();
    await store.trimWorkers();
    expect(performance.now() - t0).toBeLessThan(4_000);
    store.record(call('fly-after-trim'), { status: 'ok', resultBytes: 1, preview: null });
    store.flush();
    await waitFor(() => store.searchCovered() >= 51, 'the worker indexes after the trim');
  });

  it('also when the process runs with --expose-gc (the worker already has a global gc)', async () => {
    const dir = await tempDir();
    const script = `
      import { ActivityStore } from ${JSON.stringify(new URL('../../src/main/host/activity/store.ts', import.meta.url).href)};
      const store = new ActivityStore({ dir: ${JSON.stringify(dir)}, flushMs: 5 });
      store.record({ client: 'c', session: null, tool: 't', provider: 'p', class: 'read', args: {} }, { status: 'ok', resultBytes: 1, preview: null });
      store.flush();
      for (let i = 0; i < 250 && store.searchCovered() < 1; i++) await new Promise((r) => setTimeout(r, 20));
      // The worker runs (it indexed the call), and the trim is answered by it, not by the time limit.
      const t0 = performance.now();
      await store.trimWorkers();
      process.stdout.write(store.searchCovered() < 1 ? 'the index never started' : String(performance.now() - t0 < 4000));
      await store.close();`;
    const { execFileSync } = await import('node:child_process');
    const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).pathname;
    const file = join(dir, 'trim.mts');
    await writeFile(file, script);
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', tsx, file], { encoding: 'utf8', timeout: 30_000 });
    expect(out).toBe('true');
  });
});
