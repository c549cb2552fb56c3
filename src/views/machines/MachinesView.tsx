import { useMemo, useState } from 'react';
import { Field, Badge, Chips, countBy, num, obj, str, SortableTable, ViewShell, when, type Column, type Tone, type ViewProps } from '../common/ui.js';

/** One machine of fly-machine-list (flyctl's JSON, as it printed it). */
export interface Machine {
  id: string;
  name?: string;
  state: string;
  region: string;
  image?: string;
  size?: string;
  checks?: { passing: number; total: number };
  updated?: string;
  cordoned: boolean;
}

export function machinesOf(structured: Record<string, unknown>): Machine[] {
  const list = Array.isArray(structured.machines) ? structured.machines : [];
  return list.map((m): Machine => {
    const ref = obj(obj(m)?.image_ref);
    const config = obj(obj(m)?.config);
    const guest = obj(config?.guest);
    const checks = Array.isArray(obj(m)?.checks) ? (obj(m)!.checks as unknown[]) : [];
    const cpus = num(guest?.cpus);
    return {
      id: str(obj(m)?.id) ?? '?',
      name: str(obj(m)?.name),
      state: str(obj(m)?.state) ?? 'unknown',
      region: str(obj(m)?.region) ?? '?',
      image: str(ref?.repository) ? `${String(ref!.repository)}${str(ref?.tag) ? `:${String(ref!.tag)}` : ''}` : str(config?.image),
      size: cpus ? `${str(guest?.cpu_kind) ?? ''} ${cpus} CPU, ${num(guest?.memory_mb) ?? '?'} MB`.trim() : undefined,
      checks: checks.length ? { passing: checks.filter((c) => obj(c)?.status === 'passing').length, total: checks.length } : undefined,
      updated: str(obj(m)?.updated_at),
      cordoned: obj(m)?.cordoned === true,
    };
  });
}

/** Fly machine states (started, stopped, suspended, failed, ...), as a colour. */
export function machineTone(state: string): Tone {
  switch (state) {
    case 'started':
      return 'ok';
    case 'failed':
    case 'destroyed':
      return 'danger';
    case 'starting':
    case 'stopping':
    case 'replacing':
    case 'created':
    case 'suspending':
    case 'destroying':
    case 'updating':
      return 'warn';
    default:
      return 'neutral';
  }
}

export function MachinesView() {
  return (
    <ViewShell name="machines" heading={(input) => `Machines of ${str(input.app) ?? 'the app'}`}>
      {(props) => <Machines {...props} />}
    </ViewShell>
  );
}

function Machines({ input, structured }: ViewProps) {
  const machines = useMemo(() => machinesOf(structured), [structured]);
  const [state, setState] = useState<string | null>(null);
  const [region, setRegion] = useState('');
  const states = useMemo(() => countBy(machines, (m) => m.state), [machines]);
  const regions = useMemo(() => countBy(machines, (m) => m.region).sort((a, b) => a[0].localeCompare(b[0])), [machines]);
  const shown = machines.filter((m) => (state === null || m.state === state) && (region === '' || m.region === region));
  const app = str(input.app);
  const columns: Column<Machine>[] = [
    { key: 'id', label: 'Machine', rowHeader: true, sortValue: (m) => m.id, cell: (m) => <span className="mono">{m.id}</span> },
    { key: 'name', label: 'Name', sortValue: (m) => m.name ?? '', cell: (m) => m.name ?? '–' },
    { key: 'state', label: 'State', sortValue: (m) => m.state, cell: (m) => <Badge tone={machineTone(m.state)}>{m.cordoned ? `${m.state} (cordoned)` : m.state}</Badge> },
    { key: 'region', label: 'Region', sortValue: (m) => m.region, cell: (m) => m.region },
    { key: 'image', label: 'Image', cell: (m) => (m.image ? <span className="mono">{m.image}</span> : '–') },
    { key: 'size', label: 'Size', cell: (m) => m.size ?? '–' },
    { key: 'checks', label: 'Checks', sortValue: (m) => (m.checks ? m.checks.passing / m.checks.total : -1), cell: (m) => (m.checks ? <Badge tone={m.checks.passing === m.checks.total ? 'ok' : 'danger'}>{`${m.checks.passing}/${m.checks.total} passing`}</Badge> : '–') },
    { key: 'updated', label: 'Updated', sortValue: (m) => m.updated ?? '', cell: (m) => when(m.updated) },
  ];
  return (
    <main>
      <div className="head">
        <h1>Machines of {app ?? 'the app'}</h1>
        <span className="muted">
          {machines.length} {machines.length === 1 ? 'machine' : 'machines'} in {regions.length} {regions.length === 1 ? 'region' : 'regions'}
        </span>
      </div>
      {machines.length === 0 ? (
        <p className="panel">This app has no machines. Deploy it, or create one with fly-machine-run.</p>
      ) : (
        <>
          <Chips label="Machines by state" counts={states} selected={state} onSelect={setState} tone={machineTone} />
          <h2 id="by-region">By region and state</h2>
          <ul className="grid" aria-labelledby="by-region">
            {regions.map(([r, n]) => (
              <li key={r} className="card">
                <div className="head">
                  <strong className="mono">{r}</strong>
                  <span className="muted">
                    {n} {n === 1 ? 'machine' : 'machines'}
                  </span>
                </div>
                <ul className="legend">
                  {countBy(
                    machines.filter((m) => m.region === r),
                    (m) => m.state,
                  ).map(([s, k]) => (
                    <li key={s}>
                      <Badge tone={machineTone(s)}>{s}</Badge> <b>{k}</b>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          <h2>Machines</h2>
          <div className="filters" role="search" aria-label="Filter machines">
            <Field label="Region">
              {(id) => (
                <select id={id} value={region} onChange={(e) => setRegion(e.target.value)}>
                  <option value="">All regions</option>
                  {regions.map(([r, n]) => (
                    <option key={r} value={r}>
                      {r} ({n})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <span className="muted" role="status">
              {shown.length === machines.length ? `Showing all ${machines.length}` : `Showing ${shown.length} of ${machines.length}`}
            </span>
          </div>
          <SortableTable caption="Machines" columns={columns} items={shown} rowKey={(m) => m.id} initialSort={{ key: 'region', dir: 'ascending' }} />
        </>
      )}
    </main>
  );
}
