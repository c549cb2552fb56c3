import { at, Badge, num, obj, str, StackedBar, ViewShell, when, type Tone, type ViewProps } from '../common/ui.js';
import { statusTone } from '../devices/DevicesView.js';

/** A fleet's rollout as get_fleet answers it (the compact fields, or the raw object with detail=full). */
export interface Rollout {
  name: string;
  inProgress: boolean;
  /** The RolloutInProgress condition's reason (Active, Inactive, Suspended, Waiting, ...). */
  state?: string;
  currentBatch?: string;
  batches?: number;
  policy?: string;
  templateVersion?: string;
  osImage?: string;
  valid?: string;
  selector?: string;
  created?: string;
  /** Device counts by summary status, update state and application health; absent without a summary. */
  devices?: { total: number; status: Record<string, number>; update: Record<string, number>; apps: Record<string, number> };
}

export function rolloutOf(structured: Record<string, unknown>): Rollout | null {
  const fleet = obj(structured.fleet);
  if (!fleet) return null;
  return obj(fleet.metadata) ? fromRaw(fleet) : fromCompact(fleet);
}

function fromCompact(f: Record<string, unknown>): Rollout {
  const rollout = str(f.rollout);
  const inProgress = rollout?.startsWith('in progress') ?? false;
  const reason = inProgress ? /\(([^)]+)\)/.exec(rollout ?? '')?.[1] : rollout;
  const policy = str(f.rolloutPolicy);
  const batches = policy ? Number(/(\d+) batch/.exec(policy)?.[1]) : NaN;
  const d = obj(f.devices);
  let devices: Rollout['devices'];
  if (d && typeof d.total === 'number') {
    devices = { total: d.total, status: {}, update: {}, apps: {} };
    for (const [k, n] of Object.entries(d)) {
      const [group, name] = k.split('.', 2);
      if (typeof n !== 'number' || !name) continue;
      if (group === 'status') devices.status[name] = n;
      else if (group === 'update') devices.update[name] = n;
      else if (group === 'apps') devices.apps[name] = n;
    }
  }
  return {
    name: str(f.name) ?? '?',
    inProgress,
    state: reason,
    currentBatch: str(f.currentBatch),
    batches: Number.isFinite(batches) ? batches : undefined,
    policy,
    templateVersion: str(f.templateVersion),
    osImage: str(f.osImage),
    valid: str(f.valid),
    selector: labelText(f.selector),
    created: str(f.created),
    devices,
  };
}

function fromRaw(f: Record<string, unknown>): Rollout {
  const conditions = Array.isArray(at(f, 'status.conditions')) ? (at(f, 'status.conditions') as unknown[]) : [];
  const cond = (type: string) => conditions.map(obj).find((c) => c?.type === type);
  const rollout = cond('RolloutInProgress');
  const valid = cond('Valid');
  const sequence = at(f, 'spec.rolloutPolicy.deviceSelection.sequence');
  const summary = obj(at(f, 'status.devicesSummary'));
  const counts = (key: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(obj(summary?.[key]) ?? {})) if (typeof n === 'number') out[k] = n;
    return out;
  };
  const batch = at(f, 'status.rollout.currentBatch');
  const policy = obj(at(f, 'spec.rolloutPolicy'));
  return {
    name: str(at(f, 'metadata.name')) ?? '?',
    inProgress: rollout?.status === 'True',
    state: str(rollout?.reason),
    currentBatch: typeof batch === 'number' ? String(batch) : str(batch),
    batches: Array.isArray(sequence) ? sequence.length : undefined,
    policy: policy
      ? [str(policy.successThreshold) && `success threshold ${String(policy.successThreshold)}`, at(policy, 'disruptionBudget.maxUnavailable') !== undefined && `max unavailable ${String(at(policy, 'disruptionBudget.maxUnavailable'))}`]
          .filter(Boolean)
          .join(', ') || 'set'
      : undefined,
    templateVersion: str(at(f, 'metadata.annotations.fleet-controller/templateVersion')),
    osImage: str(at(f, 'spec.template.spec.os.image')),
    valid: str(valid?.status),
    selector: labelText(at(f, 'spec.selector.matchLabels')),
    created: str(at(f, 'metadata.creationTimestamp')),
    devices: summary && typeof num(summary.total) === 'number' ? { total: summary.total as number, status: counts('summaryStatus'), update: counts('updateStatus'), apps: counts('applicationStatus') } : undefined,
  };
}

function labelText(v: unknown): string | undefined {
  const o = obj(v);
  if (!o) return str(v);
  const text = Object.entries(o)
    .map(([k, val]) => `${k}=${String(val)}`)
    .join(', ');
  return text || undefined;
}

/** Known states first in their order, then any others the server reports. */
function parts(counts: Record<string, number>, order: readonly string[]): Array<{ name: string; count: number; tone: Tone }> {
  const names = [...order.filter((n) => n in counts), ...Object.keys(counts).filter((n) => !order.includes(n))];
  return names.map((name) => ({ name, count: counts[name] ?? 0, tone: name === 'Updating' ? 'info' : statusTone(name) }));
}

export function FleetView() {
  return (
    <ViewShell name="fleet" heading={(input) => `Fleet ${str(input.name) ?? ''}`.trim()}>
      {(props) => <Fleet {...props} />}
    </ViewShell>
  );
}

function Fleet({ structured }: ViewProps) {
  const r = rolloutOf(structured);
  if (!r) return <main><p className="panel">The answer holds no fleet. Ask for one by name (get_fleet).</p></main>;
  const d = r.devices;
  const upToDate = d?.update.UpToDate ?? 0;
  const pct = d && d.total > 0 ? Math.round((upToDate / d.total) * 100) : 0;
  const batch = r.currentBatch && r.currentBatch !== '0' ? `${r.currentBatch}${r.batches ? ` of ${r.batches}` : ''}` : undefined;
  return (
    <main>
      <div className="head">
        <h1>Fleet {r.name}</h1>
        <Badge tone={r.inProgress ? 'info' : 'neutral'}>{r.inProgress ? `Rollout in progress${r.state ? ` (${r.state})` : ''}` : `No rollout in progress${r.state ? ` (${r.state})` : ''}`}</Badge>
      </div>
      <dl className="facts">
        {batch && (
          <>
            <dt>Current batch</dt>
            <dd>{batch}</dd>
          </>
        )}
        {r.policy && (
          <>
            <dt>Rollout policy</dt>
            <dd>{r.batches && !r.policy.includes('batch') ? `${r.batches} batches, ${r.policy}` : r.policy}</dd>
          </>
        )}
        {r.templateVersion && (
          <>
            <dt>Template version</dt>
            <dd className="mono">{r.templateVersion}</dd>
          </>
        )}
        {r.osImage && (
          <>
            <dt>OS image</dt>
            <dd className="mono">{r.osImage}</dd>
          </>
        )}
        {r.selector && (
          <>
            <dt>Selects devices</dt>
            <dd className="mono">{r.selector}</dd>
          </>
        )}
        {r.valid && (
          <>
            <dt>Valid</dt>
            <dd>{r.valid}</dd>
          </>
        )}
        {r.created && (
          <>
            <dt>Created</dt>
            <dd>{when(r.created)}</dd>
          </>
        )}
      </dl>
      {d ? (
        <>
          <h2>
            Devices up to date: {upToDate} of {d.total} ({pct}%)
          </h2>
          <StackedBar label="Update state" total={d.total} parts={parts(d.update, ['UpToDate', 'Updating', 'OutOfDate', 'Unknown'])} />
          <h2>Device status</h2>
          <StackedBar label="Device status" total={d.total} parts={parts(d.status, ['Online', 'Rebooting', 'Degraded', 'Error', 'PoweredOff', 'Unknown'])} />
          <h2>Applications</h2>
          <StackedBar label="Application health" total={d.total} parts={parts(d.apps, ['Healthy', 'Degraded', 'Error', 'Unknown'])} />
        </>
      ) : (
        <p className="note">The server sent no summary of this fleet's devices.</p>
      )}
    </main>
  );
}
