import { useMemo, useState } from 'react';
import { Field, at, Badge, Chips, countBy, Labels, obj, str, SortableTable, ViewShell, when, type Column, type Tone, type ViewProps } from '../common/ui.js';

/** One device as query_devices answers (its compact columns, or fields of the raw object with detail=full). */
export interface Device {
  name: string;
  alias?: string;
  status?: string;
  updated?: string;
  apps?: string;
  owner?: string;
  labels?: Record<string, string>;
  lastSeen?: string;
  attention?: string;
}

/** Rows of a compact answer (arrays in `columns` order) or raw items (detail=full), as devices. */
export function devicesOf(structured: Record<string, unknown>): Device[] {
  const columns = Array.isArray(structured.columns) ? structured.columns.map(String) : [];
  if (Array.isArray(structured.rows)) {
    return structured.rows.filter(Array.isArray).map((cells: unknown[]) => {
      const row: Record<string, unknown> = {};
      columns.forEach((c, i) => (row[c] = cells[i]));
      return fromRow(row);
    });
  }
  if (Array.isArray(structured.items)) return structured.items.map(fromRaw);
  return [];
}

function fromRow(row: Record<string, unknown>): Device {
  return {
    name: str(row.name) ?? '?',
    alias: str(row.alias),
    status: str(row.status),
    updated: str(row.updated),
    apps: str(row.apps),
    owner: str(row.owner),
    labels: stringsOf(row.labels),
    lastSeen: str(row.lastSeen),
    attention: str(row.attention),
  };
}

function fromRaw(d: unknown): Device {
  const labels = stringsOf(at(d, 'metadata.labels')) ?? {};
  const { alias, ...rest } = labels;
  return {
    name: str(at(d, 'metadata.name')) ?? '?',
    alias,
    status: str(at(d, 'status.summary.status')),
    updated: str(at(d, 'status.updated.status')),
    apps: str(at(d, 'status.applicationsSummary.status')),
    owner: str(at(d, 'metadata.owner')),
    labels: rest,
    lastSeen: str(at(d, 'status.lastSeen')),
    attention: str(at(d, 'status.summary.info')),
  };
}

/** Labels as an object, or as the compact rows write them: `key=value,key2=value2` (a bare key has an empty value). */
function stringsOf(v: unknown): Record<string, string> | undefined {
  if (typeof v === 'string') {
    const out: Record<string, string> = {};
    for (const pair of v.split(',')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) out[pair] = '';
      else out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return out;
  }
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Flight Control's device, update and application states, as a colour. */
export function statusTone(status: string | undefined): Tone {
  switch (status) {
    case 'Online':
    case 'UpToDate':
    case 'Healthy':
    case 'Running':
      return 'ok';
    case 'Degraded':
    case 'Rebooting':
    case 'OutOfDate':
    case 'Updating':
    case 'Preparing':
    case 'ReadyToUpdate':
    case 'AwaitingReconnect':
      return 'warn';
    case 'Error':
    case 'ConflictPaused':
    case 'Failed':
      return 'danger';
    default:
      return 'neutral';
  }
}

const fleetOf = (d: Device) => d.owner?.replace(/^Fleet\//, '');

export function DevicesView() {
  return (
    <ViewShell name="devices" heading={() => 'Flight Control devices'}>
      {(props) => <Devices {...props} />}
    </ViewShell>
  );
}

function Devices({ input, structured }: ViewProps) {
  const devices = useMemo(() => devicesOf(structured), [structured]);
  const [status, setStatus] = useState<string | null>(null);
  const [fleet, setFleet] = useState('');
  const [text, setText] = useState('');
  const statuses = useMemo(() => countBy(devices, (d) => d.status ?? 'Unknown'), [devices]);
  const fleets = useMemo(() => countBy(devices, fleetOf), [devices]);
  const withLastSeen = devices.some((d) => d.lastSeen);
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return devices.filter(
      (d) =>
        (status === null || (d.status ?? 'Unknown') === status) &&
        (fleet === '' || fleetOf(d) === fleet) &&
        (needle === '' || [d.name, d.alias, ...Object.entries(d.labels ?? {}).map(([k, v]) => `${k}=${v}`)].some((s) => s?.toLowerCase().includes(needle))),
    );
  }, [devices, status, fleet, text]);
  const columns: Column<Device>[] = [
    { key: 'name', label: 'Device', rowHeader: true, sortValue: (d) => d.name, cell: (d) => (d.alias ? <>{d.name} <span className="muted">({d.alias})</span></> : d.name) },
    { key: 'status', label: 'Status', sortValue: (d) => d.status ?? '', cell: (d) => <Badge tone={statusTone(d.status)}>{d.status ?? 'Unknown'}</Badge> },
    { key: 'updated', label: 'Update', sortValue: (d) => d.updated ?? '', cell: (d) => (d.updated ? <Badge tone={statusTone(d.updated)}>{d.updated}</Badge> : '–') },
    { key: 'apps', label: 'Applications', sortValue: (d) => d.apps ?? '', cell: (d) => (d.apps ? <Badge tone={statusTone(d.apps)}>{d.apps}</Badge> : '–') },
    { key: 'fleet', label: 'Fleet', sortValue: (d) => fleetOf(d) ?? '', cell: (d) => fleetOf(d) ?? '–' },
    ...(withLastSeen ? [{ key: 'lastSeen', label: 'Last seen', sortValue: (d: Device) => d.lastSeen ?? '', cell: (d: Device) => when(d.lastSeen) }] : []),
    { key: 'labels', label: 'Labels', cell: (d) => <Labels labels={d.labels} /> },
    // The compact answer quotes the device's own note (info="..."): shown as the note itself.
    { key: 'attention', label: 'Attention', cell: (d) => d.attention?.replace(/info="([^"]*)"/, '$1') ?? '' },
  ];
  const selectors = [str(input.label_selector) && `labels ${String(input.label_selector)}`, str(input.field_selector) && `fields ${String(input.field_selector)}`].filter(Boolean).join(', ');
  const more = structured.more === true;
  const remaining = typeof structured.remaining === 'number' ? structured.remaining : undefined;
  return (
    <main>
      <div className="head">
        <h1>Flight Control devices</h1>
        <span className="muted">
          {devices.length} {devices.length === 1 ? 'device' : 'devices'}
          {selectors ? ` matching ${selectors}` : ''}
        </span>
      </div>
      <Chips label="Devices by status" counts={statuses} selected={status} onSelect={setStatus} tone={statusTone} />
      <div className="filters" role="search" aria-label="Filter devices">
        <Field label="Name, alias or label">
          {(id) => (
            <input id={id} type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. site=berlin" />
          )}
        </Field>
        {fleets.length > 0 && (
          <Field label="Fleet">
            {(id) => (
              <select id={id} value={fleet} onChange={(e) => setFleet(e.target.value)}>
                <option value="">All fleets</option>
                {fleets.map(([f, n]) => (
                  <option key={f} value={f}>
                    {f} ({n})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <span className="muted" role="status">
          {shown.length === devices.length ? `Showing all ${devices.length}` : `Showing ${shown.length} of ${devices.length}`}
        </span>
      </div>
      {devices.length === 0 ? (
        <p className="panel">No devices match. Ask for them without a selector, or with another one.</p>
      ) : (
        <SortableTable caption="Devices" columns={columns} items={shown} rowKey={(d) => d.name} initialSort={{ key: 'name', dir: 'ascending' }} />
      )}
      {more && (
        <p className="note">
          More devices exist{remaining !== undefined ? ` (${remaining} more)` : ''}: ask for a higher limit or a narrower selector to see them.
        </p>
      )}
    </main>
  );
}
