import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 20's smaller findings against what ships (bin/tarmac.js) and the source alike: a JSON body
 * nested 100,000 levels is a 400 parse error (it was a 500), a local folder as a machine image is
 * refused before flyctl runs (flyctl would build and upload it), and the data dir is private.
 */
describe.each(BUILDS)('limits (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;
  let client: Client;
  let token: string;

  beforeAll(async () => {
    inst = await installation(build);
    // Machine tools run without asking: the refusal under test is the tool's own, not a policy's.
    await writeFile(join(inst.dataDir, 'settings.json'), JSON.stringify({ flyctlPath: FAKE_FLYCTL, policies: { classes: { read: 'allow', write: 'allow', destructive: 'allow' } } }));
    serve = await inst.serve();
    const made = await inst.run(['token', 'create', 'limits']);
    expect(made.code, made.stderr).toBe(0);
    token = made.stdout.trim().split('\n').at(-1)!;
    client = await inst.connect(serve.url, 'limits-sdk');
  });
  afterAll(async () => {
    await client?.close();
    await serve?.stop();
    await inst?.cleanup();
  });

  it('answers a 100,000-deep JSON body with 400 and a JSON-RPC parse error, and keeps serving', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const res = await rawRequest(serve.url, { headers: mcpHeaders(token), body: deep });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700, message: expect.stringMatching(/nested more than 64 levels/) }, id: null });
    expect((await rawRequest(serve.url, { headers: mcpHeaders(token), body: INIT_BODY })).status).toBe(200);
  });

  it('refuses a local path as a machine image before flyctl runs', async () => {
    for (const image of ['.', './', '/etc', '../app']) {
      const result = (await client.callTool({ name: 'fly-machine-run', arguments: { app: 'my-app', image } })) as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError, image).toBe(true);
      expect(result.content[0]!.text).toMatch(/is a local path; Tarmac does not build images from folders/);
    }
    const calls = await readFile(inst.env.FAKE_FLYCTL_LOG!, 'utf8').catch(() => '');
    expect(calls).not.toMatch(/"machine","run"/);
  });

  it('keeps the data dir private', async () => {
    // The calls above are in the history once it is written (batched).
    await waitFor(() => stat(join(inst.dataDir, 'activity', 'activity.db')).then(() => true, () => false), 'the history written');
    expect((await stat(inst.dataDir)).mode & 0o777).toBe(0o700);
    for (const file of ['settings.json', 'activity/activity.db', 'logs/tarmac.log']) expect((await stat(join(inst.dataDir, file))).mode & 0o777, file).toBe(0o600);
  });
});
