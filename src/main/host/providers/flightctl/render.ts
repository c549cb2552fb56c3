/**
 * Compact answers for a model: one line per item with the fields a fleet operator looks at,
 * and a structured row with the same fields. Raw Flight Control objects are several KB each;
 * these lines are a few hundred bytes, so a thousand devices fit in a context window.
 */

export type Obj = Record<string, unknown>;

/** A compact row: short, stable keys; empty fields omitted. */
export type Row = Record<string, string | number | boolean | Record<string, string | number>>;

export interface Rendered {
  line: string;
  row: Row;
}

export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

function s(obj: unknown, path: string): string | undefined {
  const v = at(obj, path);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function labelsOf(obj: unknown, path = 'metadata.labels'): Record<string, string> {
  const v = at(obj, path);
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Obj)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * A row as an array in column order: a table of a thousand rows repeats no keys. Maps (labels,
 * counts) become the same `k=v,…` text as the line; trailing empty cells are left off.
 */
export function toCells(row: Row, columns: readonly string[]): Array<string | number | boolean | null> {
  const cells = new Array<string | number | boolean | null>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i] as string];
    if (v === undefined) cells[i] = null;
    else if (typeof v === 'object') {
      let text = '';
      for (const k in v) {
        const x = v[k];
        text += text ? ',' : '';
        text += x === '' ? k : `${k}=${String(x)}`;
      }
      cells[i] = text;
    } else cells[i] = v;
  }
  while (cells.length && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

function labelText(labels: Record<string, string>): string {
  let out = '';
  for (const k in labels) {
    const v = labels[k];
    out += out ? ',' : '';
    out += v === '' ? k : `${k}=${v}`;
  }
  return out || '-';
}

function condition(obj: unknown, type: string): Obj | undefined {
  const list = at(obj, 'status.conditions');
  if (!Array.isArray(list)) return undefined;
  return list.find((c): c is Obj => Boolean(c) && typeof c === 'object' && (c as Obj).type === type);
}

function put(row: Row, key: string, value: string | number | boolean | Record<string, string | number> | undefined): void {
  if (value === undefined || value === '') return;
  if (typeof value === 'object' && Object.keys(value).length === 0) return;
  row[key] = value;
}

function cell(v: string | undefined): string {
  return v ?? '-';
}

/** Strips the owner kind the model does not need ("Fleet/pos" → "pos" when it is a fleet). */
function ownerShort(owner: string | undefined): string | undefined {
  return owner?.startsWith('Fleet/') ? owner.slice(6) : owner;
}

// ---------------------------------------------------------------- devices

/** Columns of a device row, in the order of the text line; lastSeen and attention last so they can be left off. */
export const DEVICE_COLUMNS = ['name', 'alias', 'status', 'updated', 'apps', 'owner', 'labels', 'lastSeen', 'attention'] as const;

export function deviceHeader(withLastSeen: boolean): string {
  return `name (alias) | status | update | apps | fleet${withLastSeen ? ' | last seen' : ''} | labels [| attention]`;
}

/**
 * One device. Current servers do not put last seen in lists (get_device reads it), so the
 * column is shown only when a server does (≤ 0.9) or a caller passes it.
 */
export function device(d: unknown, lastSeen?: string, withLastSeen = true): Rendered {
  // Hot path (thousands of items per answer): direct property reads, no path strings.
  const meta = obj(obj(d)?.metadata);
  const status = obj(obj(d)?.status);
  const name = str(meta?.name) ?? '?';
  const labels = labelsFrom(meta?.labels);
  const alias = labels.alias;
  if (alias !== undefined) delete labels.alias;
  const summaryObj = obj(status?.summary);
  const summary = str(summaryObj?.status);
  const updated = str(obj(status?.updated)?.status);
  const apps = str(obj(status?.applicationsSummary)?.status);
  const owner = str(meta?.owner);
  const seen = lastSeen ?? str(status?.lastSeen);
  // Only what is abnormal goes in "attention": keeps healthy lines short.
  let attention = '';
  const lifecycle = str(obj(status?.lifecycle)?.status);
  if (lifecycle && lifecycle !== 'Enrolled') attention += ` lifecycle=${lifecycle}`;
  const resources = obj(status?.resources);
  if (resources) {
    for (const r of RESOURCES) {
      const v = str(resources[r]);
      if (v && v !== 'Healthy' && v !== 'Unknown') attention += ` ${r}=${v}`;
    }
  }
  const info = str(summaryObj?.info);
  if (summary && summary !== 'Online' && info) attention += ` info="${info}"`;
  attention = attention.trimStart();

  const row: Row = { name };
  if (alias) row.alias = alias;
  if (summary) row.status = summary;
  if (updated) row.updated = updated;
  if (apps) row.apps = apps;
  if (owner) row.owner = owner;
  const labelLine = labelText(labels);
  if (labelLine !== '-') row.labels = labels;
  if (seen) row.lastSeen = seen;
  if (attention) row.attention = attention;

  let line = `${alias ? `${name} (${alias})` : name} | ${summary ?? '-'} | ${updated ?? '-'} | ${apps ?? '-'} | ${ownerShort(owner) ?? '-'}`;
  if (withLastSeen) line += ` | ${seen ?? '-'}`;
  line += ` | ${labelLine}`;
  if (attention) line += ` | ${attention}`;
  return { line, row };
}

const RESOURCES = ['cpu', 'memory', 'disk'] as const;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function labelsFrom(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === null || typeof v !== 'object') return out;
  for (const k in v as Obj) {
    const val = (v as Obj)[k];
    if (typeof val === 'string') out[k] = val;
  }
  return out;
}

/** get_device: the compact line plus the detail a person would look at next. */
export function deviceDetail(d: unknown, lastSeen: string | undefined, lastSeenNote: string): { text: string; row: Row } {
  const base = device(d, lastSeen);
  const row: Row = { ...base.row };
  const lines = [`device ${base.line.split(' | ')[0]}`];
  const add = (label: string, value: string | undefined, key?: string) => {
    if (!value) return;
    lines.push(`${label}: ${value}`);
    if (key) put(row, key, value);
  };
  add('status', [s(d, 'status.summary.status'), s(d, 'status.summary.info')].filter(Boolean).join(' - '));
  add('last seen', lastSeen ?? s(d, 'status.lastSeen') ?? lastSeenNote);
  add('update', [s(d, 'status.updated.status'), s(d, 'status.updated.info')].filter(Boolean).join(' - '));
  add('lifecycle', s(d, 'status.lifecycle.status'));
  add('owner', s(d, 'metadata.owner'));
  add('os image', s(d, 'status.os.image') ?? s(d, 'spec.os.image'), 'osImage');
  const desired = s(d, 'spec.os.image');
  if (desired && desired !== s(d, 'status.os.image')) add('desired os image', desired, 'desiredOsImage');
  add('rendered version', s(d, 'status.config.renderedVersion'), 'renderedVersion');
  const res = ['cpu', 'memory', 'disk'].map((r) => `${r} ${s(d, `status.resources.${r}`) ?? '?'}`).join(', ');
  add('resources', res, 'resources');
  add('integrity', s(d, 'status.integrity.status'));
  const sys = at(d, 'status.systemInfo');
  add(
    'system',
    [s(sys, 'hostname'), s(sys, 'distroName') && `${s(sys, 'distroName')} ${s(sys, 'distroVersion') ?? ''}`.trim(), s(sys, 'kernel'), s(sys, 'architecture'), s(sys, 'agentVersion') && `agent ${s(sys, 'agentVersion')}`]
      .filter(Boolean)
      .join(', '),
    'system',
  );
  const apps = at(d, 'status.applications');
  if (Array.isArray(apps) && apps.length) {
    const text = apps.map((a) => `${s(a, 'name') ?? '?'} ${s(a, 'status') ?? '?'} ready ${s(a, 'ready') ?? '?'} restarts ${s(a, 'restarts') ?? '0'}`).join('; ');
    add(`applications (${s(d, 'status.applicationsSummary.status') ?? '?'})`, text, 'applications');
  }
  const units = at(d, 'status.systemd');
  if (Array.isArray(units) && units.length) {
    add('systemd', units.map((u) => `${s(u, 'unit') ?? '?'} ${s(u, 'activeState') ?? '?'}/${s(u, 'subState') ?? '?'}`).join('; '), 'systemd');
  }
  const conds = at(d, 'status.conditions');
  if (Array.isArray(conds) && conds.length) {
    add('conditions', conds.map((c) => `${s(c, 'type')}=${s(c, 'status')}${s(c, 'reason') ? ` (${s(c, 'reason')})` : ''}${s(c, 'message') ? `: ${s(c, 'message')}` : ''}`).join('; '), 'conditions');
  }
  const consoles = at(d, 'spec.consoles');
  if (Array.isArray(consoles) && consoles.length) add('active consoles', String(consoles.length), 'consoles');
  add('labels', labelText(labelsOf(d)));
  add('created', s(d, 'metadata.creationTimestamp'), 'created');
  return { text: lines.join('\n'), row };
}

// ---------------------------------------------------------------- fleets

export const FLEET_HEADER = 'name | os image | selector | valid | rollout | devices | labels';
export const FLEET_COLUMNS = ['name', 'osImage', 'selector', 'valid', 'rollout', 'devices', 'labels'] as const;

function summaryText(summary: unknown): string | undefined {
  const total = at(summary, 'total');
  if (typeof total !== 'number') return undefined;
  const group = (key: string) => {
    const v = at(summary, key);
    if (!v || typeof v !== 'object') return '';
    return Object.entries(v as Obj)
      .filter(([, n]) => typeof n === 'number' && n > 0)
      .map(([k, n]) => `${k} ${String(n)}`)
      .join(', ');
  };
  const parts = [group('summaryStatus'), group('updateStatus'), group('applicationStatus')].filter(Boolean);
  return `${total}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

function summaryRow(summary: unknown): Record<string, number> | undefined {
  const total = at(summary, 'total');
  if (typeof total !== 'number') return undefined;
  const out: Record<string, number> = { total };
  for (const [group, prefix] of [
    ['summaryStatus', 'status'],
    ['updateStatus', 'update'],
    ['applicationStatus', 'apps'],
  ] as const) {
    const v = at(summary, group);
    if (v && typeof v === 'object') for (const [k, n] of Object.entries(v as Obj)) if (typeof n === 'number') out[`${prefix}.${k}`] = n;
  }
  return out;
}

export function fleet(f: unknown): Rendered {
  const name = s(f, 'metadata.name') ?? '?';
  const image = s(f, 'spec.template.spec.os.image');
  const selector = labelText(labelsOf(f, 'spec.selector.matchLabels'));
  const valid = condition(f, 'Valid');
  const rollout = condition(f, 'RolloutInProgress');
  const validText = valid ? `${s(valid, 'status')}${s(valid, 'status') !== 'True' && s(valid, 'message') ? ` (${s(valid, 'message')})` : ''}` : undefined;
  const rolloutText = rollout ? (s(rollout, 'status') === 'True' ? `in progress${s(rollout, 'reason') ? ` (${s(rollout, 'reason')})` : ''}` : (s(rollout, 'reason') ?? 'idle')) : undefined;
  const summary = at(f, 'status.devicesSummary');
  const labels = labelsOf(f);
  const row: Row = { name };
  put(row, 'osImage', image);
  put(row, 'selector', labelsOf(f, 'spec.selector.matchLabels'));
  put(row, 'valid', validText);
  put(row, 'rollout', rolloutText);
  put(row, 'devices', summaryRow(summary));
  put(row, 'labels', labels);
  const line = [name, cell(image), selector, cell(validText), cell(rolloutText), cell(summaryText(summary)), labelText(labels)].join(' | ');
  return { line, row };
}

export function fleetDetail(f: unknown): { text: string; row: Row } {
  const base = fleet(f);
  const row: Row = { ...base.row };
  const lines = [`fleet ${s(f, 'metadata.name') ?? '?'}`];
  const add = (label: string, value: string | undefined, key?: string) => {
    if (!value) return;
    lines.push(`${label}: ${value}`);
    if (key) put(row, key, value);
  };
  add('selector', labelText(labelsOf(f, 'spec.selector.matchLabels')));
  add('os image', s(f, 'spec.template.spec.os.image'));
  const config = at(f, 'spec.template.spec.config');
  if (Array.isArray(config) && config.length) add('config', config.map((c) => s(c, 'name') ?? '?').join(', '), 'config');
  const apps = at(f, 'spec.template.spec.applications');
  if (Array.isArray(apps) && apps.length) add('applications', apps.map((a) => `${s(a, 'name') ?? '?'}${s(a, 'image') ? ` (${s(a, 'image')})` : ''}`).join(', '), 'applications');
  const policy = at(f, 'spec.rolloutPolicy');
  if (policy) {
    const parts: string[] = [];
    const seq = at(policy, 'deviceSelection.sequence');
    if (Array.isArray(seq)) parts.push(`${seq.length} batch(es)`);
    const th = s(policy, 'successThreshold');
    if (th) parts.push(`success threshold ${th}`);
    const mu = s(policy, 'disruptionBudget.maxUnavailable');
    if (mu) parts.push(`max unavailable ${mu}`);
    add('rollout policy', parts.join(', ') || 'set', 'rolloutPolicy');
  }
  const conds = at(f, 'status.conditions');
  if (Array.isArray(conds) && conds.length) {
    add('conditions', conds.map((c) => `${s(c, 'type')}=${s(c, 'status')}${s(c, 'reason') ? ` (${s(c, 'reason')})` : ''}${s(c, 'message') ? `: ${s(c, 'message')}` : ''}`).join('; '));
  }
  const batch = s(f, 'status.rollout.currentBatch');
  if (batch) add('current batch', batch, 'currentBatch');
  add('devices', summaryText(at(f, 'status.devicesSummary')) ?? 'summary not available');
  add('template version', s(f, 'metadata.annotations.fleet-controller/templateVersion'), 'templateVersion');
  add('labels', labelText(labelsOf(f)));
  add('created', s(f, 'metadata.creationTimestamp'), 'created');
  return { text: lines.join('\n'), row };
}

// ---------------------------------------------------------------- events

export const EVENT_HEADER = 'time | type | reason | object | message | actor';
export const EVENT_COLUMNS = ['time', 'type', 'reason', 'object', 'message', 'actor'] as const;

export function event(e: unknown): Rendered {
  const time = s(e, 'metadata.creationTimestamp');
  const type = s(e, 'type');
  const reason = s(e, 'reason');
  const obj = [s(e, 'involvedObject.kind'), s(e, 'involvedObject.name')].filter(Boolean).join('/');
  const message = s(e, 'message');
  const actor = s(e, 'actor');
  const row: Row = {};
  put(row, 'time', time);
  put(row, 'type', type);
  put(row, 'reason', reason);
  put(row, 'object', obj);
  put(row, 'message', message);
  put(row, 'actor', actor);
  return { line: [cell(time), cell(type), cell(reason), cell(obj || undefined), cell(message), cell(actor)].join(' | '), row };
}

// ---------------------------------------------------------------- enrollment requests

export const ENROLLMENT_HEADER = 'name | approval | approved by | labels to apply | created';
export const ENROLLMENT_COLUMNS = ['name', 'approval', 'approvedBy', 'labels', 'created'] as const;

export function enrollmentRequest(er: unknown): Rendered {
  const name = s(er, 'metadata.name') ?? '?';
  const approved = at(er, 'status.approval.approved');
  const denied = condition(er, 'Denied');
  const approval = approved === true ? 'Approved' : s(denied, 'status') === 'True' ? 'Denied' : 'Pending';
  const by = s(er, 'status.approval.approvedBy');
  const labels = labelsOf(er, 'status.approval.labels');
  const requested = Object.keys(labels).length ? labels : labelsOf(er, 'spec.labels');
  const created = s(er, 'metadata.creationTimestamp');
  const row: Row = { name, approval };
  put(row, 'approvedBy', by);
  put(row, 'labels', requested);
  put(row, 'created', created);
  return { line: [name, approval, cell(by), labelText(requested), cell(created)].join(' | '), row };
}

// ---------------------------------------------------------------- repositories

export const REPOSITORY_HEADER = 'name | type | url | accessible';
export const REPOSITORY_COLUMNS = ['name', 'type', 'url', 'accessible'] as const;

export function repository(r: unknown): Rendered {
  const name = s(r, 'metadata.name') ?? '?';
  const type = s(r, 'spec.type');
  const url = s(r, 'spec.url') ?? s(r, 'spec.registry');
  const acc = condition(r, 'Accessible');
  const accessible = acc ? `${s(acc, 'status')}${s(acc, 'status') !== 'True' && s(acc, 'message') ? ` (${s(acc, 'message')})` : ''}` : undefined;
  const row: Row = { name };
  put(row, 'type', type);
  put(row, 'url', url);
  put(row, 'accessible', accessible);
  return { line: [name, cell(type), cell(url), cell(accessible)].join(' | '), row };
}

// ---------------------------------------------------------------- resource syncs

export const RESOURCE_SYNC_HEADER = 'name | repository | path@revision | synced | observed commit';
export const RESOURCE_SYNC_COLUMNS = ['name', 'repository', 'path', 'synced', 'commit'] as const;

export function resourceSync(r: unknown): Rendered {
  const name = s(r, 'metadata.name') ?? '?';
  const repo = s(r, 'spec.repository');
  const where = `${s(r, 'spec.path') ?? '?'}@${s(r, 'spec.targetRevision') ?? '?'}`;
  const synced = condition(r, 'Synced');
  const parsed = condition(r, 'ResourceParsed');
  const bad = [condition(r, 'Accessible'), parsed, synced].find((c) => c && s(c, 'status') === 'False');
  const state = synced ? `${s(synced, 'status')}${bad && s(bad, 'message') ? ` (${s(bad, 'type')}: ${s(bad, 'message')})` : ''}` : undefined;
  const commit = s(r, 'status.observedCommit');
  const row: Row = { name };
  put(row, 'repository', repo);
  put(row, 'path', where);
  put(row, 'synced', state);
  put(row, 'commit', commit);
  return { line: [name, cell(repo), where, cell(state), cell(commit?.slice(0, 12))].join(' | '), row };
}

// ---------------------------------------------------------------- devices summary

export function devicesSummary(summary: unknown): { text: string; row: Row } {
  const total = at(summary, 'total');
  const lines = [`devices: ${typeof total === 'number' ? total : '?'}`];
  const row: Row = { total: typeof total === 'number' ? total : 0 };
  for (const [key, label] of [
    ['summaryStatus', 'by status'],
    ['updateStatus', 'by update'],
    ['applicationStatus', 'by applications'],
  ] as const) {
    const v = at(summary, key);
    if (!v || typeof v !== 'object') continue;
    const entries = Object.entries(v as Obj).filter(([, n]) => typeof n === 'number') as Array<[string, number]>;
    lines.push(`${label}: ${entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}`);
    row[key] = Object.fromEntries(entries);
  }
  return { text: lines.join('\n'), row };
}
