import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendControl } from '../../src/main/host/guardrails/control.js';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BUILDS, cliCommand, cliEnv, type ServeProcess } from '../helpers/cli.js';
import { rawRequest } from '../helpers/raw-http.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium } from '../e2e/harness.js';

/**
 * The guardrails tried as the guarded agent would, against Tarmac as it ships (bin/tarmac.js) and
 * from source: an MCP client that answers its own approval questions, a second process holding
 * only the data folder's files (instance.json, settings.json, the CLI), a page on another
 * localhost port that receives the browser's cookie. Each attack here worked before the trust
 * work; each must now change nothing.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const text = (r: unknown) => (r as { content?: { text: string }[] }).content?.[0]?.text ?? '';
const destroy = (app: string) => ({ name: 'fly-apps-destroy', arguments: { name: app } });
/** fly-apps-destroy runs that reached flyctl (the fake records every call). */
async function destroyed(inst: Installation): Promise<string[]> {
  const log = await readFile(join(inst.root, 'flyctl.jsonl'), 'utf8').catch(() => '');
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
    .filter((argv) => argv[0] === 'apps' && argv[1] === 'destroy')
    .map((argv) => argv[2]!);
}

describe.each(BUILDS)('attacks on the guardrails (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;

  beforeAll(async () => {
    inst = await installation(build);
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: 'fo1_attack-test-token' })).code).toBe(0);
    serve = await inst.serve();
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  it('a client that answers its own approval questions (allow always, both eras) runs nothing and writes no rule', async () => {
    const made = await inst.run(['token', 'create', 'agent']);
    const token = made.stdout.trim().split('\n').at(-1)!;
    for (const era of ['legacy', 'modern'] as const) {
      const client = new Client(
        { name: 'agent', version: '1' },
        { capabilities: { elicitation: { form: {} } }, ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) },
      );
      let asked = 0;
      client.setRequestHandler('elicitation/create', async () => (asked++, { action: 'accept', content: { decision: 'allow-always' } }));
      await client.connect(new StreamableHTTPClientTransport(new URL(serve.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      const r = await client.callTool(destroy(`self-${era}`));
      expect(r.isError, text(r)).toBe(true);
      // A forged answer with a made-up request state is no answer either.
      const forged = (await client.callTool(
        { ...destroy(`forged-${era}`), inputResponses: { approval: { action: 'accept', content: { decision: 'allow-once' } } }, requestState: 'eyJ0IjoiZmx5In0.forged' } as never,
        { allowInputRequired: true } as never,
      )) as { isError?: boolean; resultType?: string };
      expect(forged.isError || forged.resultType === 'input_required').toBe(true);
      expect(asked).toBe(0);
      await client.close();
    }
    expect(await destroyed(inst)).toEqual([]);
    const view = JSON.parse((await inst.run(['policy', 'show', '--json'])).stdout) as { clients: Record<string, unknown> };
    expect(view.clients).toEqual({});
  });

  it('a second process with only the data folder cannot approve or loosen: not through the control socket, the CLI, or settings.json', async () => {
    const instance = JSON.parse(await readFile(join(inst.dataDir, 'run', 'instance.json'), 'utf8')) as { control: string; controlToken: string };
    // The instance file is the user's alone.
    expect((await stat(join(inst.dataDir, 'run', 'instance.json'))).mode & 0o077).toBe(0);
    // Tightening through the control socket works at once.
    expect(await sendControl(instance.control, instance.controlToken, { op: 'read-only', on: true })).toMatchObject({ ok: true });
    expect(await sendControl(instance.control, instance.controlToken, { op: 'pause', on: true })).toMatchObject({ ok: true });
    // Straight to the control socket with the token from instance.json: every loosening refused.
    for (const request of [
      { op: 'set-policy', target: 'destructive', policy: 'allow' },
      { op: 'set-policy', target: 'fly-apps-destroy', policy: 'allow', client: 'agent' },
      { op: 'read-only', on: false },
      { op: 'pause', on: false },
      { op: 'decide', id: 'whatever', answer: 'allow-always' },
    ] as const) {
      const reply = await sendControl(instance.control, instance.controlToken, request as never);
      expect(reply.ok, JSON.stringify(request)).toBe(false);
      expect(JSON.stringify(reply)).toMatch(/person in the Tarmac window/);
    }
    // The CLI says no to each loosening, with where to do it instead.
    expect((await inst.run(['policy', 'tool', 'fly-apps-list', 'off'])).code).toBe(0);
    for (const args of [['resume'], ['policy', 'set', 'destructive', 'allow'], ['policy', 'read-only', 'off'], ['policy', 'tool', 'fly-apps-list', 'on']]) {
      const r = await inst.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/person in the Tarmac window|Refused/);
    }
    // A waiting call cannot be approved from the terminal: with nobody in a window, ask is refused.
    const client = await inst.connect(serve.url, 'agent-2');
    expect((await inst.run(['approvals', 'approve', 'any'])).stderr).toMatch(/not allowed|No call is waiting/);
    // The agent edits settings.json by hand: resume, allow destructive, let itself approve.
    const path = join(inst.dataDir, 'settings.json');
    const settings = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...settings, paused: false, readOnly: false, policies: { classes: { destructive: 'allow' } }, approvals: { clients: ['agent-2'] } }));
    const r = await client.callTool(destroy('hand-edited'));
    expect(text(r)).toMatch(/paused/i);
    const show = await inst.run(['policy', 'show']);
    expect(show.stdout).toMatch(/Not in force until a person confirms them in the Tarmac window.*Tarmac resumed.*agent-2 may approve its own calls/s);
    expect(await destroyed(inst)).toEqual([]);
    await client.close();
    // Back as it was (tightening from here is allowed; this puts the file back).
    await writeFile(path, JSON.stringify(settings));
  });

  it('a page on another localhost port gets the browser-mode cookie, and replaying it opens nothing; no unchecked program runs', async () => {
    const ui = inst.spawn(['ui', '--no-open', '--port', '0']);
    let out = '';
    ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    let evilServer: Server | undefined;
    try {
      await waitFor(() => /^http:\/\/127\.0\.0\.1:\d+\/\?t=\S+$/m.test(out), 'the one-time link', 20_000);
      const link = /^(http:\/\/127\.0\.0\.1:\d+\/\?t=\S+)$/m.exec(out)![1]!;
      const origin = new URL(link).origin;
      // The person opens Tarmac; later the same browser visits another local web server.
      const seen: IncomingHttpHeaders[] = [];
      evilServer = createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>hello</p>');
      });
      await new Promise<void>((resolve) => evilServer!.listen(0, '127.0.0.1', resolve));
      const evilOrigin = `http://127.0.0.1:${(evilServer.address() as AddressInfo).port}`;
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await page.goto(`${evilOrigin}/`);
      await context.close();
      const cookie = String(seen.at(-1)?.cookie ?? '');
      expect(cookie).toMatch(/tarmac_ui=/); // browsers do send it to every port of 127.0.0.1
      // The evil server replays it with a forged Origin: point flyctlPath at its program, ask the status.
      const marker = join(inst.root, 'evil-ran');
      const evil = join(inst.root, 'evil.sh');
      await writeFile(evil, `#!/bin/sh\necho ran > ${marker}\n`);
      await chmod(evil, 0o755);
      const api = (method: string, args: unknown[]) =>
        rawRequest(`${origin}/api/${method}`, { headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie }, body: JSON.stringify({ args }) });
      expect((await api('updateSettings', [{ flyctlPath: evil }])).status).toBe(401);
      expect((await api('getStatus', [])).status).toBe(401);
      expect((await api('setGuardrails', [{ paused: false }])).status).toBe(401);
      expect((await rawRequest(`${origin}/api/events`, { method: 'GET', headers: { Cookie: cookie } })).status).toBe(401);
      await expect(stat(marker)).rejects.toThrow();
    } finally {
      ui.kill('SIGTERM');
      evilServer?.closeAllConnections();
      await new Promise((resolve) => evilServer?.close(resolve) ?? resolve(undefined));
    }
  });

  it('set up unattended with --trust-terminal, rules stay in force without it; a later deny wins over a client allow; a revoked client takes its rules along', async () => {
    await serve.stop();
    serve = await inst.serve({}, ['--trust-terminal']);
    await waitFor(() => /Trust terminal: ON/.test(serve.stderr()), 'the trust-terminal warning');
    expect((await inst.run(['resume'])).code).toBe(0);
    expect((await inst.run(['policy', 'read-only', 'off'])).code).toBe(0);
    expect((await inst.run(['policy', 'tool', 'fly-apps-list', 'on'])).code).toBe(0);
    // The client first (a new client starts with no rules), then its rule.
    const cursorToken = (await inst.run(['token', 'create', 'cursor'])).stdout.trim().split('\n').at(-1)!;
    expect((await inst.run(['policy', 'set', 'fly-apps-destroy', 'allow', '--client', 'cursor'])).code).toBe(0);
    await serve.stop();
    serve = await inst.serve();
    // A Tarmac without the flag tells its person that a trusted terminal set the guardrails.
    const shown = JSON.parse((await inst.run(['policy', 'show', '--json'])).stdout) as { trustedWriteAt: string | null };
    expect(shown.trustedWriteAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const cursor = new Client({ name: 'cursor', version: '1' });
    await cursor.connect(new StreamableHTTPClientTransport(new URL(serve.url), { requestInit: { headers: { Authorization: `Bearer ${cursorToken}` } } }));
    expect(text(await cursor.callTool(destroy('allowed-app')))).not.toMatch(/declined|refused|not allowed/i);
    expect(await destroyed(inst)).toEqual(['allowed-app']);
    // Another program naming itself cursor over stdio does not get cursor's rule.
    const { command, args } = cliCommand(['stdio', '--client', 'cursor', '--data-dir', inst.dataDir], undefined, build);
    const impostor = new Client({ name: 'cursor', version: '1' });
    await impostor.connect(new StdioClientTransport({ command, args, env: cliEnv(inst.env) as Record<string, string>, stderr: 'pipe' }));
    expect((await impostor.callTool(destroy('impostor-app'))).isError).toBe(true);
    await impostor.close();
    expect(await destroyed(inst)).toEqual(['allowed-app']);
    // A global deny, from the terminal (tightening), stops cursor too, and policy show says why.
    expect((await inst.run(['policy', 'set', 'fly-apps-destroy', 'deny'])).code).toBe(0);
    expect(text(await cursor.callTool(destroy('denied-app')))).toMatch(/tool rule fly-apps-destroy/);
    expect((await inst.run(['policy', 'show'])).stdout).toMatch(/fly-apps-destroy\s+fly\s+destructive\s+deny\s+tool rule fly-apps-destroy/);
    expect((await inst.run(['policy', 'unset', 'fly-apps-destroy'])).code).toBe(1); // removing a deny loosens
    await cursor.close();
    // Revoked, cursor's rules go; a new client calling itself cursor starts with none.
    expect((await inst.run(['token', 'revoke', 'cursor'])).code).toBe(0);
    const view = JSON.parse((await inst.run(['policy', 'show', '--json'])).stdout) as { clients: Record<string, unknown> };
    expect(view.clients).toEqual({});
    expect(await destroyed(inst)).toEqual(['allowed-app']);
  });
});
