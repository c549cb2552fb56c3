/**
 * Read tools for what the v1beta1 API added: a device's rendered configuration (what its agent
 * runs), its applications with their desired state and last seen, and a fleet's rollout with
 * its template versions.
 */
import { z } from 'zod';
import { defineTool, type AnyToolSpec, type ToolContext } from '../../tools/catalogue.js';
import type { FlightctlClient } from './client.js';
import { deviceTitle, int, labels, list, obj, pathName, resolveDevice, str, type Obj } from './refs.js';
import { PROVIDER_ID, type ToolRuntime } from './tools.js';

/** Template versions shown per fleet, newest first. */
const MAX_TEMPLATE_VERSIONS = 20;

const fileShape = z.object({ path: z.string(), mode: z.number().int().optional(), bytes: z.number().int().describe('Content size.') });
const configShape = z.object({
  name: z.string(),
  source: z.string().describe('inline, git, http, secret or image.'),
  ref: z.string().optional().describe('Where it comes from (repository@revision:path, URL, secret).'),
  files: z.array(fileShape).optional(),
});
const appShape = z.object({
  name: z.string(),
  type: z.string().optional(),
  image: z.string().optional(),
  status: z.string().optional().describe('Reported: Running, Stopped, Error, ...; absent when not reported yet.'),
  ready: z.string().optional(),
  restarts: z.number().int().optional(),
  embedded: z.boolean().optional(),
  desiredState: z.string().optional().describe('running or stopped, when a start/stop action set it.'),
  restartGeneration: z.number().int().optional().describe('Restarts requested by restart actions.'),
});
const batchShape = z.object({ batchName: z.string(), successPercentage: z.number(), total: z.number().int(), successful: z.number().int(), failed: z.number().int(), timedOut: z.number().int() });
const templateVersionShape = z.object({ name: z.string(), created: z.string().optional(), osImage: z.string().optional(), valid: z.string().optional() });

/** The rendered applications (desired state) merged with what the device reports, by name. */
function applicationsOf(spec: Obj, status: Obj): Array<z.infer<typeof appShape>> {
  const desired = new Map(list(spec.applications).map((a) => [str(a.name) ?? '?', a]));
  const out: Array<z.infer<typeof appShape>> = [];
  const entry = (name: string, d: Obj | undefined, rep: Obj | undefined) => {
    const type = str(rep?.appType) ?? str(d?.appType);
    const image = str(d?.image);
    const restarts = int(rep?.restarts);
    const gen = int(d?.restartGeneration);
    return {
      name,
      ...(type ? { type } : {}),
      ...(image ? { image } : {}),
      ...(str(rep?.status) ? { status: str(rep?.status) } : {}),
      ...(str(rep?.ready) ? { ready: str(rep?.ready) } : {}),
      ...(restarts !== undefined ? { restarts } : {}),
      ...(typeof rep?.embedded === 'boolean' ? { embedded: rep.embedded } : {}),
      ...(str(d?.desiredState) ? { desiredState: str(d?.desiredState) } : {}),
      ...(gen ? { restartGeneration: gen } : {}),
    };
  };
  for (const rep of list(status.applications)) {
    const name = str(rep.name) ?? '?';
    out.push(entry(name, desired.get(name), rep));
    desired.delete(name);
  }
  // In the rendered spec but not reported yet (new, or the agent is behind).
  for (const [name, d] of desired) out.push(entry(name, d, undefined));
  return out;
}

function configEntry(c: Obj): z.infer<typeof configShape> {
  const name = str(c.name) ?? '?';
  const inline = list(c.inline);
  if (inline.length || Array.isArray(c.inline)) {
    const files = inline.map((f) => {
      const content = typeof f.content === 'string' ? f.content : '';
      const bytes = f.contentEncoding === 'base64' ? Math.floor((content.replace(/=+$/, '').length * 3) / 4) : Buffer.byteLength(content);
      const mode = int(f.mode);
      return { path: str(f.path) ?? '?', ...(mode !== undefined ? { mode } : {}), bytes };
    });
    return { name, source: 'inline', files };
  }
  const git = obj(c.gitRef);
  if (git) return { name, source: 'git', ref: `${str(git.repository) ?? '?'}@${str(git.targetRevision) ?? '?'}:${str(git.path) ?? '/'}` };
  const httpRef = obj(c.httpRef);
  if (httpRef) return { name, source: 'http', ref: `${str(httpRef.repository) ?? '?'}${str(httpRef.suffix) ?? ''} -> ${str(httpRef.filePath) ?? '?'}` };
  const secret = obj(c.secretRef);
  if (secret) return { name, source: 'secret', ref: `${str(secret.namespace) ?? '?'}/${str(secret.name) ?? '?'} -> ${str(secret.mountPath) ?? '?'}` };
  const image = obj(c.image);
  if (image) return { name, source: 'image', ref: `${str(image.image) ?? '?'} -> ${str(image.mountPath) ?? '?'}` };
  return { name, source: 'unknown' };
}

function mode(m: number | undefined): string {
  return m === undefined ? '' : ` ${m.toString(8).padStart(4, '0')}`;
}

/** The rendered device; undefined when none is rendered yet (409 "no rendered version for device"). */
async function rendered(client: FlightctlClient, name: string, signal: AbortSignal): Promise<Obj | undefined> {
  const res = await client.get<Obj>(`/devices/${encodeURIComponent(name)}/rendered`, {}, { what: `reading the rendered configuration of device "${name}"`, signal, accept: [409] });
  return res.status === 409 ? undefined : obj(res.body);
}

export function detailTools(rt: ToolRuntime): AnyToolSpec[] {
  const live = (ctx: ToolContext) => rt.live(ctx.signal, ctx.account);

  return [
    defineTool({
      name: 'get_device_rendered_config',
      provider: PROVIDER_ID,
      title: 'Get rendered configuration and applications',
      description: "What a device is told to run and what it reports: rendered OS image, config files, systemd units; each application's desired state, status, readiness, restarts; last seen.",
      class: 'read',
      input: { name: z.string().min(1).describe('Device name or alias.') },
      output: {
        device: z.string(),
        alias: z.string().optional(),
        rendered: z.boolean().describe('false: Flight Control has not rendered a configuration for it yet.'),
        renderedVersion: z.string().optional(),
        osImage: z.string().optional(),
        lastSeen: z.string().optional().describe('RFC 3339; absent when the device never reported.'),
        config: z.array(configShape),
        systemd: z.array(z.string()).describe('Unit patterns the agent reports on.'),
        applications: z.array(appShape),
        applicationsSummary: z.string().optional().describe('Healthy, Degraded, Error, Unknown or NoApplications.'),
        applicationsInfo: z.string().optional(),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const ref = await resolveDevice(l.client, args.name, ctx.signal);
        const [r, seen] = await Promise.all([
          rendered(l.client, ref.name, ctx.signal),
          l.client.get<Obj>(`/devices/${encodeURIComponent(ref.name)}/lastseen`, {}, { what: 'reading last seen', signal: ctx.signal, accept: [204, 404] }),
        ]);
        const status = obj(obj(ref.device)?.status) ?? {};
        const lastSeen = seen.status === 200 ? str(obj(seen.body)?.lastSeen) : str(status.lastSeen);
        const spec = obj(r?.spec) ?? {};
        const version = str(obj(obj(r?.metadata)?.annotations)?.['device-controller/renderedVersion']);
        const osImage = str(obj(spec.os)?.image);
        const config = list(spec.config).map(configEntry);
        const systemd = (Array.isArray(obj(spec.systemd)?.matchPatterns) ? (obj(spec.systemd)?.matchPatterns as unknown[]) : []).filter((p): p is string => typeof p === 'string');
        const applications = applicationsOf(spec, status);
        const summaryObj = obj(status.applicationsSummary);
        const summary = str(summaryObj?.status);
        const info = str(summaryObj?.info);
        const alias = labels(obj(obj(ref.device)?.metadata)?.labels).alias;
        const lines = [`device ${deviceTitle(ref.name, ref.device)}: last seen ${lastSeen ?? (seen.status === 204 ? 'never' : 'unknown')}`];
        if (!r) lines.push('rendered configuration: none yet (Flight Control renders one once the device has a spec)');
        else lines.push(`rendered version ${version ?? '?'}${osImage ? `, os image ${osImage}` : ''}`);
        for (const c of config) lines.push(`config ${c.name} (${c.source}${c.ref ? ` ${c.ref}` : ''})${c.files ? `: ${c.files.map((f) => `${f.path}${mode(f.mode)} ${f.bytes} B`).join(', ')}` : ''}`);
        if (systemd.length) lines.push(`systemd: ${systemd.join(', ')}`);
        lines.push(`applications: ${summary ?? '?'}${info ? ` (${info})` : ''}`);
        for (const a of applications) {
          lines.push(
            `${a.name}${a.type ? ` ${a.type}` : ''}${a.image ? ` ${a.image}` : ''}: ${a.status ?? 'not reported'}${a.ready ? ` ready ${a.ready}` : ''}${a.restarts !== undefined ? ` restarts ${a.restarts}` : ''}${a.embedded ? ' embedded' : ''}` +
              `${a.desiredState ? ` | desired ${a.desiredState}` : ''}${a.restartGeneration ? ` | restart #${a.restartGeneration}` : ''}`,
          );
        }
        return {
          text: lines.join('\n'),
          structured: {
            device: ref.name,
            ...(alias ? { alias } : {}),
            rendered: r !== undefined,
            ...(version ? { renderedVersion: version } : {}),
            ...(osImage ? { osImage } : {}),
            ...(lastSeen ? { lastSeen } : {}),
            config,
            systemd,
            applications,
            ...(summary ? { applicationsSummary: summary } : {}),
            ...(info ? { applicationsInfo: info } : {}),
          },
        };
      },
    }),

    defineTool({
      name: 'get_fleet_rollout',
      provider: PROVIDER_ID,
      title: 'Get fleet rollout',
      description: "A fleet's rollout: template versions, batch progress, devices by update state.",
      class: 'read',
      input: { name: z.string().min(1).describe('Fleet name.') },
      output: {
        fleet: z.string(),
        templateVersion: z.string().optional().describe('The newest template version of the fleet.'),
        deployingTemplateVersion: z.string().optional(),
        inProgress: z.boolean(),
        reason: z.string().optional().describe('Reason of the RolloutInProgress condition.'),
        message: z.string().optional(),
        currentBatch: z.number().int().optional(),
        batches: z.number().int().optional().describe('Batches in the rollout policy.'),
        approved: z.boolean().optional().describe('The current batch is approved to proceed.'),
        approvalMethod: z.string().optional(),
        lastBatch: batchShape.optional(),
        devices: z.record(z.string(), z.number().int()).optional().describe('total and counts by update state (UpToDate, OutOfDate, Updating, Unknown).'),
        templateVersions: z.array(templateVersionShape),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const name = pathName('fleet', args.name, 'query_fleets lists them.');
        const path = `/fleets/${encodeURIComponent(name)}`;
        const [f, tvs] = await Promise.all([
          l.client.getJson<Obj>(path, { addDevicesSummary: true }, { what: `reading fleet "${name}"`, signal: ctx.signal }),
          l.client.list<unknown>(`${path}/templateversions`, { limit: 1000, what: `listing the template versions of fleet "${name}"`, signal: ctx.signal }),
        ]);
        const ann = obj(obj(f.metadata)?.annotations) ?? {};
        const status = obj(f.status) ?? {};
        const cond = list(status.conditions).find((c) => c.type === 'RolloutInProgress');
        const inProgress = cond?.status === 'True';
        const seq = obj(obj(obj(f.spec)?.rolloutPolicy)?.deviceSelection)?.sequence;
        const report = parseReport(str(ann['fleet-controller/lastBatchCompletionReport']));
        const summary = obj(status.devicesSummary);
        const devices: Record<string, number> = {};
        if (summary && int(summary.total) !== undefined) {
          devices.total = int(summary.total) as number;
          for (const [k, v] of Object.entries(obj(summary.updateStatus) ?? {})) if (typeof v === 'number') devices[k] = v;
        }
        const versions = tvs.items
          .map((tv) => {
            const meta = obj(obj(tv)?.metadata) ?? {};
            const st = obj(obj(tv)?.status) ?? {};
            const valid = list(st.conditions).find((c) => c.type === 'Valid');
            const n = str(meta.name) ?? '?';
            const created = str(meta.creationTimestamp);
            const os = str(obj(st.os)?.image);
            return { name: n, ...(created ? { created } : {}), ...(os ? { osImage: os } : {}), ...(valid ? { valid: `${str(valid.status) ?? '?'}${valid.status !== 'True' && str(valid.message) ? ` (${str(valid.message)})` : ''}` } : {}) };
          })
          .sort((a, b) => (b.created ?? b.name).localeCompare(a.created ?? a.name))
          .slice(0, MAX_TEMPLATE_VERSIONS);
        const out = {
          fleet: name,
          ...pick('templateVersion', str(ann['fleet-controller/templateVersion'])),
          ...pick('deployingTemplateVersion', str(ann['fleet-controller/deployingTemplateVersion'])),
          inProgress,
          ...pick('reason', str(cond?.reason)),
          ...pick('message', str(cond?.message)),
          ...pick('currentBatch', int(obj(status.rollout)?.currentBatch) ?? int(ann['fleet-controller/batchNumber'])),
          ...pick('batches', Array.isArray(seq) ? seq.length : undefined),
          ...pick('approved', ann['fleet-controller/rolloutApproved'] === undefined ? undefined : ann['fleet-controller/rolloutApproved'] === 'true'),
          ...pick('approvalMethod', str(ann['fleet-controller/rolloutApprovalMethod'])),
          ...pick('lastBatch', report),
          ...(Object.keys(devices).length ? { devices } : {}),
          templateVersions: versions,
        };
        const lines = [
          `fleet ${name}: rollout ${inProgress ? 'in progress' : 'idle'}${out.reason ? ` (${out.reason}${out.message ? `: ${out.message}` : ''})` : ''}`,
          `template version: ${out.templateVersion ?? '?'}${out.deployingTemplateVersion && out.deployingTemplateVersion !== out.templateVersion ? `, deploying ${out.deployingTemplateVersion}` : ''}`,
        ];
        if (inProgress || out.currentBatch) lines.push(`batch ${out.currentBatch ?? '?'}${out.batches !== undefined ? ` of ${out.batches}` : ''}${out.approved !== undefined ? `, ${out.approved ? 'approved' : 'waiting for approval'}${out.approvalMethod ? ` (${out.approvalMethod})` : ''}` : ''}`);
        if (report) lines.push(`last batch ${report.batchName}: ${report.successPercentage}% success (${report.successful}/${report.total} ok, ${report.failed} failed, ${report.timedOut} timed out)`);
        if (Object.keys(devices).length) lines.push(`devices: ${devices.total ?? '?'} (${Object.entries(devices).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v}`).join(', ') || 'no update states'})`);
        lines.push(`template versions (${tvs.items.length}${tvs.more ? '+' : ''}, newest first):`, ...versions.map((v) => `${v.name} | ${v.osImage ?? '-'} | valid ${v.valid ?? '?'}`));
        return { text: lines.join('\n'), structured: out };
      },
    }),
  ];
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function parseReport(text: string | undefined): z.infer<typeof batchShape> | undefined {
  if (!text) return undefined;
  try {
    const r = obj(JSON.parse(text));
    const n = (k: string) => (typeof r?.[k] === 'number' ? (r[k] as number) : 0);
    return r ? { batchName: str(r.batchName) ?? '?', successPercentage: n('successPercentage'), total: n('total'), successful: n('successful'), failed: n('failed'), timedOut: n('timedOut') } : undefined;
  } catch {
    return undefined;
  }
}
