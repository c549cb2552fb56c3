import { describe, expect, it } from 'vitest';
import { consoleUrl, exitCodeFromStatus } from '../../src/main/host/providers/flightctl/console.js';
import { apiError, isTlsError, tlsError } from '../../src/main/host/providers/flightctl/errors.js';
import * as render from '../../src/main/host/providers/flightctl/render.js';
import { fleetDefs, makeDevice } from '../fixtures/flightctl-sim/data.js';

describe('compact rendering', () => {
  const defs = fleetDefs(5);

  it('one line per device with the fields that matter, and the same fields as a row', () => {
    type Dev = { metadata: { name: string; owner: string; labels: Record<string, string> }; status: { summary: { status: string }; resources: { cpu: string } } };
    const d = Array.from({ length: 50 }, (_, i) => makeDevice('org', i, defs) as Dev).find((x) => x.status.summary.status === 'Online' && x.status.resources.cpu === 'Healthy')!;
    const { line, row } = render.device(d, undefined, false);
    expect(line.split(' | ')).toHaveLength(6);
    expect(line.startsWith(`${d.metadata.name} (${d.metadata.labels.alias})`)).toBe(true);
    expect(line).not.toContain('alias=');
    expect(row).toMatchObject({ name: d.metadata.name, alias: d.metadata.labels.alias, owner: d.metadata.owner });
    expect(row.attention).toBeUndefined();
    expect(render.toCells(row, render.DEVICE_COLUMNS)).toEqual([
      row.name,
      row.alias,
      row.status,
      row.updated,
      row.apps,
      row.owner,
      Object.entries(row.labels as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    ]);
  });

  it('flags only what is abnormal, and shows last seen when the server lists it', () => {
    const d = structuredClone(makeDevice('org', 1, defs)) as Record<string, Record<string, unknown>>;
    d.status!.summary = { status: 'Degraded', info: 'CPU is high.' };
    d.status!.resources = { cpu: 'Critical', memory: 'Healthy', disk: 'Warning' };
    d.status!.lifecycle = { status: 'Decommissioning' };
    d.status!.lastSeen = '2025-06-01T10:00:00Z';
    const { line, row } = render.device(d);
    expect(line).toContain('| Degraded |');
    expect(line).toContain('| 2025-06-01T10:00:00Z |');
    expect(line.endsWith('| lifecycle=Decommissioning cpu=Critical disk=Warning info="CPU is high."')).toBe(true);
    expect(row.attention).toBe('lifecycle=Decommissioning cpu=Critical disk=Warning info="CPU is high."');
    expect(render.deviceHeader(true)).toContain('last seen');
    expect(render.deviceHeader(false)).not.toContain('last seen');
  });

  it('keeps a thousand devices (text + structured) within 15% of the raw item bytes', () => {
    const items = Array.from({ length: 1000 }, (_, i) => makeDevice('org', i, defs));
    const raw = Buffer.byteLength(JSON.stringify(items));
    const rendered = items.map((d) => render.device(d, undefined, false));
    const text = rendered.map((r) => r.line).join('\n');
    const rows = rendered.map((r) => render.toCells(r.row, render.DEVICE_COLUMNS));
    const bytes = Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify({ columns: render.DEVICE_COLUMNS, rows }));
    expect(bytes / raw).toBeLessThan(0.15);
  });

  it('summarises counts by status, update and applications', () => {
    const out = render.devicesSummary({ total: 3, summaryStatus: { Online: 2, Error: 1 }, updateStatus: { UpToDate: 3 }, applicationStatus: {} });
    expect(out.text).toBe('devices: 3\nby status: Online 2, Error 1\nby update: UpToDate 3\nby applications: none');
    expect(out.row).toEqual({ total: 3, summaryStatus: { Online: 2, Error: 1 }, updateStatus: { UpToDate: 3 }, applicationStatus: {} });
  });
});

describe('errors', () => {
  it('turns a Status body into message + reason with a hint', () => {
    const e = apiError(404, Buffer.from(JSON.stringify({ apiVersion: 'v1beta1', kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'Device "x" not found' })), 'reading device "x"');
    expect(e.message).toBe('Flight Control reading device "x" failed: Device "x" not found (NotFound, HTTP 404). Check the name (query tools list what exists).');
    expect(e.status).toBe(404);
    expect(e.reason).toBe('NotFound');
    const html = apiError(502, '<html><body><h1>Bad gateway</h1></body></html>', 'listing devices');
    expect(html.message).toContain('Bad gateway (HTTP 502)');
    expect(apiError(401, '{}', 'x').kind).toBe('unauthorized');
  });

  it('recognises certificate failures and says how to fix them', () => {
    const err = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(isTlsError(err)).toBe(true);
    expect(isTlsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    const e = tlsError(err, 'https://api.example.com/api/v1/devices?org_id=1');
    expect(e.message).toMatch(/^Certificate problem talking to https:\/\/api\.example\.com: SELF_SIGNED_CERT_IN_CHAIN/);
    expect(e.message).toContain('CA_CERT_PATH');
    expect(e.message).not.toContain('org_id');
  });
});

describe('console protocol pieces', () => {
  it('builds the console URL at the server root with metadata for /bin/bash -s', () => {
    const url = new URL(consoleUrl('https://api.example.com', 'dev-1.edge', 'org-1'));
    expect(url.protocol).toBe('wss:');
    expect(url.pathname).toBe('/ws/v1/devices/dev-1.edge/console');
    // A name outside the API's rules never becomes a path segment (issue 20: '..' reached the parent path).
    for (const bad of ['dev 1', '..', 'a/b']) expect(() => consoleUrl('https://api.example.com', bad, 'org-1')).toThrow(/not a Flight Control device name/);
    expect(url.searchParams.get('org_id')).toBe('org-1');
    expect(JSON.parse(url.searchParams.get('metadata')!)).toEqual({
      term: 'xterm-256color',
      initialDimensions: { Width: 120, Height: 40 },
      command: { command: '/bin/bash', args: ['-s'] },
      tty: false,
    });
    expect(consoleUrl('http://127.0.0.1:1', 'd', undefined)).toMatch(/^ws:\/\/127\.0\.0\.1:1\/ws\/v1\/devices\/d\/console\?metadata=/);
  });

  it('reads the exit code from the status frame', () => {
    expect(exitCodeFromStatus('{"metadata":{},"status":"Success"}')).toBe(0);
    expect(exitCodeFromStatus('{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"2"}]},"code":2}')).toBe(2);
    expect(exitCodeFromStatus('{"status":"Failure","code":124}')).toBe(124);
    expect(exitCodeFromStatus('{"status":"Failure"}')).toBe(255);
    expect(exitCodeFromStatus('garbage')).toBe(255);
  });
});
