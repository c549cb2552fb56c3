/**
 * The operations people run every day on a fleet, as write tools behind Tarmac's guardrails
 * (each asks a person by default; decommission is destructive). Every tool calls the v1beta1
 * endpoint the API defines for it; restarting an application across a fleet has no fleet
 * endpoint (restartGeneration is device-only in the API), so it restarts it on each member device.
 */
import { z } from 'zod';
import { defineTool, type AnyToolSpec, type ToolContext } from '../../tools/catalogue.js';
import { FlightctlError } from './errors.js';
import { appName, deviceTitle, int, labelText, labels, list, obj, pathName, pool, resolveDevice, str, type Obj } from './refs.js';
import { PROVIDER_ID, type ToolRuntime } from './tools.js';

/** Most member devices one fleet-wide restart reaches (pages of 1000 are followed). */
export const MAX_FLEET_DEVICES = 10_000;
/** Restart requests in flight at once during a fleet-wide restart. */
const RESTART_WIDTH = 8;
/** Failures named one by one in a fleet-wide answer; the rest are counted. */
const MAX_FAILURES_LISTED = 20;

const ACTION = z.enum(['start', 'stop', 'restart']);

const failureShape = z.object({ device: z.string(), reason: z.string() });

export function operationTools(rt: ToolRuntime): AnyToolSpec[] {
  const live = (ctx: ToolContext) => rt.live(ctx.signal, ctx.account);

  return [
    defineTool({
      name: 'approve_enrollment_request',
      provider: PROVIDER_ID,
      title: 'Approve enrollment request',
      description:
        'Approve a device enrollment request: Flight Control signs its certificate and creates the device. labels are set on the device (merged with those it asked for, or replacing them with replace_labels). Pending requests: query_enrollment_requests.',
      class: 'write',
      input: {
        name: z.string().min(1).describe('Enrollment request name (the device name it asks for).'),
        labels: z.record(z.string(), z.string()).optional().describe('Labels for the device, e.g. {"fleet":"pos"}.'),
        replace_labels: z.boolean().default(false).describe('true: labels replace the ones the device asked for.'),
      },
      output: {
        name: z.string(),
        approved: z.boolean(),
        approvedBy: z.string().optional(),
        approvedAt: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional().describe('Labels given with the approval.'),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const name = pathName('enrollment request', args.name, 'query_enrollment_requests lists them.');
        const body = { approved: true, ...(args.labels ? { labels: args.labels } : {}), ...(args.replace_labels ? { replaceLabels: true } : {}) };
        const res = await l.client.write<Obj>(`/enrollmentrequests/${encodeURIComponent(name)}/approval`, { method: 'PUT', body }, { what: `approving enrollment request "${name}"`, signal: ctx.signal });
        const a = obj(res.body) ?? {};
        const given = labels(a.labels);
        const by = str(a.approvedBy);
        const at = str(a.approvedAt);
        return {
          text: `Enrollment request ${name} approved${by ? ` by ${by}` : ''}${at ? ` at ${at}` : ''}: the device is enrolled${Object.keys(given).length ? ` with labels ${labelText(given)}` : ''} and shows in query_devices once its agent reports.`,
          structured: { name, approved: true, ...(by ? { approvedBy: by } : {}), ...(at ? { approvedAt: at } : {}), ...(Object.keys(given).length ? { labels: given } : {}) },
        };
      },
    }),

    defineTool({
      name: 'deny_enrollment_request',
      provider: PROVIDER_ID,
      title: 'Deny enrollment request',
      description: 'Deny a device enrollment request: the device is not admitted. An approved request cannot be denied (decommission_device removes the device).',
      class: 'write',
      input: { name: z.string().min(1).describe('Enrollment request name.') },
      output: { name: z.string(), approved: z.boolean().describe('false once denied.'), approvedBy: z.string().optional(), approvedAt: z.string().optional() },
      async run(args, ctx) {
        const l = await live(ctx);
        const name = pathName('enrollment request', args.name, 'query_enrollment_requests lists them.');
        const res = await l.client.write<Obj | null>(`/enrollmentrequests/${encodeURIComponent(name)}/approval`, { method: 'PUT', body: { approved: false } }, { what: `denying enrollment request "${name}"`, signal: ctx.signal });
        // The spec answers with the approval status; current servers send null for a denial, and
        // the approval already there when the request had been approved (the denial changed nothing).
        const a = obj(res.body);
        if (a?.approved === true) {
          return {
            text: `Enrollment request ${name} was already approved${str(a.approvedBy) ? ` by ${str(a.approvedBy)}` : ''}, so denying it changed nothing. To remove the device it created, use decommission_device.`,
            isError: true,
          };
        }
        const by = str(a?.approvedBy);
        const at = str(a?.approvedAt);
        return { text: `Enrollment request ${name} denied: the device is not admitted.`, structured: { name, approved: false, ...(by ? { approvedBy: by } : {}), ...(at ? { approvedAt: at } : {}) } };
      },
    }),

    defineTool({
      name: 'approve_certificate_signing_request',
      provider: PROVIDER_ID,
      title: 'Approve certificate signing request',
      description: 'Approve a Flight Control certificate signing request (CSR), so its signer issues the certificate. Requests already denied, or approved with a certificate, are refused.',
      class: 'write',
      input: { name: z.string().min(1).describe('CertificateSigningRequest name.') },
      output: {
        name: z.string(),
        signerName: z.string(),
        approved: z.boolean(),
        certificateIssued: z.boolean().describe('The server returned the signed certificate.'),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const name = pathName('certificate signing request', args.name, 'Check the name with `flightctl get csr`.');
        const path = `/certificatesigningrequests/${encodeURIComponent(name)}`;
        const csr = await l.client.getJson<Obj>(path, {}, { what: `reading certificate signing request "${name}"`, signal: ctx.signal });
        const status = obj(csr.status) ?? {};
        // As `flightctl approve csr/<name>` does: the Approved condition set, Denied and Failed removed, the object PUT back.
        const conditions = [
          ...list(status.conditions).filter((c) => !['Approved', 'Denied', 'Failed'].includes(String(c.type))),
          { type: 'Approved', status: 'True', reason: 'Approved', message: 'Approved through Tarmac', lastTransitionTime: new Date().toISOString() },
        ];
        const res = await l.client.write<Obj>(`${path}/approval`, { method: 'PUT', body: { ...csr, status: { ...status, conditions } } }, { what: `approving certificate signing request "${name}"`, signal: ctx.signal });
        const out = obj(res.body) ?? {};
        const signer = str(obj(out.spec)?.signerName) ?? str(obj(csr.spec)?.signerName) ?? '?';
        const issued = Boolean(str(obj(out.status)?.certificate));
        return {
          text: `Certificate signing request ${name} approved (signer ${signer}); ${issued ? 'the certificate is issued.' : 'the signer issues the certificate shortly.'}`,
          structured: { name, signerName: signer, approved: true, certificateIssued: issued },
        };
      },
    }),

    defineTool({
      name: 'decommission_device',
      provider: PROVIDER_ID,
      title: 'Decommission device',
      description:
        'Decommission a Flight Control device: it leaves its fleet, loses its labels and its agent unenrolls (target Unenroll) or also wipes the device (FactoryReset). Cannot be undone; the device must enroll again.',
      class: 'destructive',
      input: {
        device_name: z.string().min(1).describe('Device name or unique alias.'),
        target: z.enum(['Unenroll', 'FactoryReset']).describe('Unenroll, or FactoryReset (also wipes the device).'),
      },
      output: {
        device: z.string().describe('Device name.'),
        alias: z.string().optional(),
        target: z.enum(['Unenroll', 'FactoryReset']),
        lifecycle: z.string().describe('Lifecycle status after the request, e.g. Decommissioning.'),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const ref = await resolveDevice(l.client, args.device_name, ctx.signal);
        const res = await l.client.write<Obj>(`/devices/${encodeURIComponent(ref.name)}/decommission`, { method: 'PUT', body: { target: args.target } }, { what: `decommissioning device "${ref.name}"`, signal: ctx.signal });
        const lifecycle = str(obj(obj(obj(res.body)?.status)?.lifecycle)?.status) ?? 'Decommissioning';
        const alias = labels(obj(obj(ref.device)?.metadata)?.labels).alias;
        return {
          text: `Device ${deviceTitle(ref.name, ref.device)} is being decommissioned (target ${args.target}, lifecycle ${lifecycle}): it has left its fleet and lost its labels; the agent ${args.target === 'FactoryReset' ? 'unenrolls and wipes the device' : 'unenrolls'} on its next check-in.`,
          structured: { device: ref.name, ...(alias ? { alias } : {}), target: args.target, lifecycle },
        };
      },
    }),

    defineTool({
      name: 'resume_devices',
      provider: PROVIDER_ID,
      title: 'Resume conflict-paused devices',
      description:
        'Resume the Flight Control devices paused after a conflict (status ConflictPaused) that match label_selector and/or field_selector (at least one), so they take updates again. Answers how many resumed.',
      class: 'write',
      input: {
        label_selector: z.string().default('').describe('e.g. `site=berlin`.'),
        field_selector: z.string().default('').describe('e.g. `metadata.name=<device>`.'),
      },
      output: { resumedDevices: z.number().int(), labelSelector: z.string().optional(), fieldSelector: z.string().optional() },
      async run(args, ctx) {
        const ls = args.label_selector.trim();
        const fs = args.field_selector.trim();
        if (!ls && !fs) throw new FlightctlError('api', 'Give label_selector or field_selector (or both): resume_devices never resumes every device at once. Conflict-paused devices: query_devices with field_selector "status.summary.status=ConflictPaused".');
        const l = await live(ctx);
        const res = await l.client.write<Obj>('/deviceactions/resume', { method: 'POST', body: { ...(ls ? { labelSelector: ls } : {}), ...(fs ? { fieldSelector: fs } : {}) } }, { what: 'resuming devices', signal: ctx.signal });
        const n = int(obj(res.body)?.resumedDevices) ?? 0;
        const which = [ls && `label_selector "${ls}"`, fs && `field_selector "${fs}"`].filter(Boolean).join(' and ');
        return {
          text: n
            ? `Resumed ${n} conflict-paused device${n === 1 ? '' : 's'} matching ${which}.`
            : `No conflict-paused device matches ${which}; nothing changed. query_devices with field_selector "status.summary.status=ConflictPaused" lists the paused ones.`,
          structured: { resumedDevices: n, ...(ls ? { labelSelector: ls } : {}), ...(fs ? { fieldSelector: fs } : {}) },
        };
      },
    }),

    defineTool({
      name: 'device_application_action',
      provider: PROVIDER_ID,
      title: 'Start, stop or restart an application on a device',
      description:
        "Start, stop or restart one application on a Flight Control device. Flight Control records the request over the device's spec (it survives fleet rollouts) and the agent applies it on its next check-in; restart needs the application running.",
      class: 'write',
      input: {
        device_name: z.string().min(1).describe('Device name or unique alias.'),
        application: z.string().min(1).describe('Application name (see get_device_rendered_config).'),
        action: ACTION,
      },
      output: {
        device: z.string(),
        application: z.string(),
        action: ACTION,
        status: z.string().optional().describe('The application status the device last reported.'),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const app = appName(args.application);
        const ref = await resolveDevice(l.client, args.device_name, ctx.signal);
        const res = await l.client.write<Obj>(
          `/devices/${encodeURIComponent(ref.name)}/applications/${encodeURIComponent(app)}/actions/${args.action}`,
          { method: 'POST' },
          { what: `${args.action === 'stop' ? 'stopping' : args.action === 'start' ? 'starting' : 'restarting'} application "${app}" on device "${ref.name}"`, signal: ctx.signal },
        );
        const reported = list(obj(obj(res.body)?.status)?.applications).find((a) => a.name === app);
        const status = str(reported?.status);
        return {
          text: `${args.action} requested for application ${app} on device ${deviceTitle(ref.name, ref.device)}; the agent applies it on its next check-in${status ? ` (status now ${status})` : ''}. get_device_rendered_config shows the result.`,
          structured: { device: ref.name, application: app, action: args.action, ...(status ? { status } : {}) },
        };
      },
    }),

    defineTool({
      name: 'fleet_application_action',
      provider: PROVIDER_ID,
      title: 'Start, stop or restart an application across a fleet',
      description:
        "Start, stop or restart one application on every device of a Flight Control fleet. start/stop set the fleet's default (devices joining later inherit it); restart restarts it on each current member device.",
      class: 'write',
      input: {
        fleet_name: z.string().min(1).describe('Fleet name.'),
        application: z.string().min(1).describe("Application name in the fleet's template (see get_fleet)."),
        action: ACTION,
      },
      output: {
        fleet: z.string(),
        application: z.string(),
        action: ACTION,
        devices: z.number().int().optional().describe('restart: member devices asked.'),
        restarted: z.number().int().optional().describe('restart: devices that accepted it.'),
        failed: z.array(failureShape).optional().describe(`restart: devices that refused it (at most ${MAX_FAILURES_LISTED} listed).`),
        failedCount: z.number().int().optional(),
      },
      timeoutMs: 10 * 60_000,
      async run(args, ctx) {
        const l = await live(ctx);
        const fleet = pathName('fleet', args.fleet_name, 'query_fleets lists them.');
        const app = appName(args.application);
        const fleetPath = `/fleets/${encodeURIComponent(fleet)}`;
        if (args.action !== 'restart') {
          await l.client.write<Obj>(`${fleetPath}/applications/${encodeURIComponent(app)}/actions/${args.action}`, { method: 'POST' }, { what: `${args.action === 'stop' ? 'stopping' : 'starting'} application "${app}" across fleet "${fleet}"`, signal: ctx.signal });
          return {
            text: `${args.action} set for application ${app} across fleet ${fleet}: every member device (and any that joins later) renders it ${args.action === 'stop' ? 'stopped' : 'running'}, unless a later device-level action overrides it. get_device_rendered_config shows the effect on a device.`,
            structured: { fleet, application: app, action: args.action },
          };
        }
        // No fleet-level restart in the API: restart on each member device, as the device endpoint defines it.
        const f = await l.client.getJson<Obj>(fleetPath, {}, { what: `reading fleet "${fleet}"`, signal: ctx.signal });
        const templateApps = list(obj(obj(obj(f.spec)?.template)?.spec)?.applications).map((a) => str(a.name));
        if (!templateApps.includes(app)) {
          throw new FlightctlError('api', `Fleet ${fleet} has no application "${app}" in its template (it has: ${templateApps.filter(Boolean).join(', ') || 'none'}); nothing was restarted.`, { status: 404, reason: 'NotFound' });
        }
        const members = await l.client.list<unknown, string>('/devices', {
          fieldSelector: `metadata.owner=Fleet/${fleet}`,
          limit: MAX_FLEET_DEVICES,
          what: `listing the devices of fleet "${fleet}"`,
          signal: ctx.signal,
          mapPage: (page) => page.map((d) => str(obj(obj(d)?.metadata)?.name)).filter((n): n is string => n !== undefined),
        });
        const names = members.items;
        let done = 0;
        const results = await pool(
          names,
          RESTART_WIDTH,
          async (device) => {
            try {
              await l.client.write<Obj>(`/devices/${encodeURIComponent(device)}/applications/${encodeURIComponent(app)}/actions/restart`, { method: 'POST' }, { what: `restarting "${app}" on device "${device}"`, signal: ctx.signal });
              return null;
            } catch (err) {
              if (!(err instanceof FlightctlError) || err.status === undefined || err.status === 401) throw err;
              return { device, reason: shortReason(err) };
            } finally {
              ctx.progress(++done, names.length, `${done} of ${names.length} devices`);
            }
          },
          ctx.signal,
        );
        const failed = results.filter((r): r is { device: string; reason: string } => r !== null);
        const restarted = names.length - failed.length;
        const more = members.more ? ` The fleet has more than ${MAX_FLEET_DEVICES} devices; only the first ${MAX_FLEET_DEVICES} were asked.` : '';
        const lines = failed.slice(0, MAX_FAILURES_LISTED).map((x) => `${x.device}: ${x.reason}`);
        return {
          text:
            `Restart of ${app} requested on ${restarted} of ${names.length} device${names.length === 1 ? '' : 's'} of fleet ${fleet}; each agent restarts it on its next check-in.${more}` +
            (failed.length ? `\n${failed.length} refused it:\n${lines.join('\n')}${failed.length > lines.length ? `\n... and ${failed.length - lines.length} more` : ''}` : ''),
          structured: { fleet, application: app, action: 'restart', devices: names.length, restarted, ...(failed.length ? { failed: failed.slice(0, MAX_FAILURES_LISTED), failedCount: failed.length } : {}) },
          ...(names.length > 0 && restarted === 0 ? { isError: true } : {}),
        };
      },
    }),
  ];
}

/** The server's own words for one device's refusal, without the tool-level hints. */
function shortReason(err: FlightctlError): string {
  const m = /failed: (.*?) \((?:[A-Za-z]+, )?HTTP \d+\)\./.exec(err.message);
  return `${(m?.[1] ?? err.message.split('. ')[0] ?? '').replace(/\.$/, '')} (HTTP ${err.status})`;
}
