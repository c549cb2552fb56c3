import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { writeSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { CONSOLE_SUBPROTOCOL, startFlightctlSim, type FlightctlSim, type SimOptions } from '../fixtures/flightctl-sim/index.js';
import { callTool, makeContext, toolError, type TestContext } from '../fixtures/flightctl-sim/harness.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';

type Dev = { metadata: { name: string; labels: Record<string, string> }; status: { summary: { status: string } } };

let sim: FlightctlSim | undefined;
let tc: TestContext | undefined;
let provider: FlightctlProvider | undefined;
let idToken = '';
const extra: Array<() => Promise<void>> = [];

afterEach(async () => {
  await provider?.close();
  await sim?.stop();
  await tc?.cleanup();
  for (const c of extra.splice(0)) await c();
  sim = undefined;
  tc = undefined;
  provider = undefined;
});

async function setup(options: SimOptions = {}): Promise<{ sim: FlightctlSim; provider: FlightctlProvider; online: Dev }> {
  sim = await startFlightctlSim({ devices: 20, tls: true, ...options });
  tc = await makeContext({ settings: { flightctl: { apiUrl: sim.url } } });
  // The console must trust exactly what REST trusts: the test CA comes from settings.
  const { writeFile } = await import('node:fs/promises');
  const caPath = `${tc.dataDir}/ca.crt`;
  await writeFile(caPath, sim.caPem);
  await tc.settings.update((s) => ({ ...s, flightctl: { ...s.flightctl, caCertPath: caPath } }));
  idToken = (await signIn(sim, tc.secrets)).idToken;
  provider = new FlightctlProvider(tc.ctx);
  const online = sim.data().devices.find((d) => (d as Dev).status.summary.status === 'Online') as Dev;
  return { sim, provider, online };
}

describe('run_command_on_device over the WebSocket console', () => {
  it('runs the command through /bin/bash -s on stdin and returns exit code and stdout', async () => {
    const { sim, provider, online } = await setup();
    const out = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'echo hello from the device\nhostname' });
    expect(out.isError).toBeUndefined();
    expect(out.text).toMatch(new RegExp(`^exit code 0 on ${online.metadata.name}`));
    expect(out.structured).toMatchObject({ exitCode: 0, stdout: `hello from the device\n${online.metadata.labels.alias}\n`, stderr: '', truncated: false, timedOut: false });

    const session = sim.consoles[0]!;
    expect(session.protocol).toBe(CONSOLE_SUBPROTOCOL);
    expect(session.metadata).toMatchObject({ command: { command: '/bin/bash', args: ['-s'] }, tty: false });
    expect(session.script).toBe('echo hello from the device\nhostname\n');
    expect(session.authorization).toBe(`Bearer ${idToken}`);
    expect(session.orgId).toBe(sim.orgs[0]!.id);
  });

  it('reports a non-zero exit with both stdout and stderr (not as a failure)', async () => {
    const { provider, online } = await setup();
    const out = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'echo partial output\necho something broke >&2\nexit 3' });
    expect(out.isError).toBeUndefined();
    expect(out.structured).toMatchObject({ exitCode: 3, stdout: 'partial output\n', stderr: 'something broke\n' });
    expect(out.text).toContain('exit code 3');
    expect(out.text).toContain('--- stdout ---\npartial output');
    expect(out.text).toContain('--- stderr ---\nsomething broke');

    const notFound = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'systemctl is-active httpd\nfrobnicate' });
    expect(notFound.structured).toMatchObject({ exitCode: 127 });
  });

  it('stops a command at its timeout and says so', async () => {
    const { provider, online } = await setup();
    const out = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'echo started\nsleep 30', timeout_seconds: 1 });
    expect(out.isError).toBe(true);
    expect(out.structured).toMatchObject({ exitCode: null, timedOut: true, stdout: 'started\n' });
    expect(out.text).toContain('timed out after 1 s');
  });

  it('answers after the exit status even when the server keeps the socket open (not a timeout)', async () => {
    const { sim, provider, online } = await setup({ consoleKeepOpen: true });
    const out = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'echo done\nexit 4', timeout_seconds: 5 });
    expect(out.isError).toBeUndefined();
    expect(out.structured).toMatchObject({ exitCode: 4, stdout: 'done\n', timedOut: false });
    expect(out.text).toMatch(new RegExp(`^exit code 4 on ${online.metadata.name}`));
    expect(sim.consoles).toHaveLength(1);
  });

  it('caps output at 256 KiB', async () => {
    const { provider, online } = await setup();
    const out = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.name, command: 'generate 400000' });
    const s = out.structured as { stdout: string; truncated: boolean; exitCode: number };
    expect(s.truncated).toBe(true);
    expect(s.exitCode).toBe(0);
    expect(Buffer.byteLength(s.stdout)).toBe(256 * 1024);
    expect(out.text).toContain('[output truncated at 256 KiB]');
  });

  it('turns 409, 404 and 504 into clear messages, and resolves an alias', async () => {
    const { sim, provider, online } = await setup();
    const devices = sim.data().devices as Dev[];
    const paused = devices.find((d) => d !== online)!;
    paused.status.summary.status = 'ConflictPaused';
    expect(await toolError(provider, 'run_command_on_device', { device_name: paused.metadata.name, command: 'true' })).toContain('cannot take a console session right now');

    const offline = devices.find((d) => d !== online && d !== paused)!;
    offline.status.summary.status = 'PoweredOff';
    expect(await toolError(provider, 'run_command_on_device', { device_name: offline.metadata.name, command: 'true' })).toContain('did not pick up the console session');

    expect(await toolError(provider, 'run_command_on_device', { device_name: 'no-such-device', command: 'true' })).toContain('Device "no-such-device" was not found');

    const byAlias = await callTool(provider, 'run_command_on_device', { device_name: online.metadata.labels.alias, command: 'echo ok' });
    expect(byAlias.structured).toMatchObject({ device: online.metadata.name, exitCode: 0, stdout: 'ok\n' });
  });

  it('gives up on a console handshake that never completes', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    extra.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          silent.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    tc = await makeContext({ settings: { flightctl: { apiUrl: url, organization: 'org-1' } } });
    await writeSession(tc.secrets, { apiUrl: url, origin: { source: 'tarmac' }, tokens: { accessToken: 'opaque-token-value', expiresAt: Date.now() + 3_600_000, tokenToUse: 'access' }, refresh: null });
    provider = new FlightctlProvider(tc.ctx, { consoleHandshakeTimeoutMs: 300 });
    expect(await toolError(provider, 'run_command_on_device', { device_name: 'dev-1', command: 'true' })).toContain('did not open within 0.3 s');
  });
});
