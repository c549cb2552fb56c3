import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLSETS } from '../../src/shared/toolsets.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { describeFindings, INSPECTOR_EXIT, inspectorSchemaCheck } from '../helpers/inspector.js';
import { resultText } from '../helpers/mcp.js';
import { installation, type Installation } from '../helpers/shipped.js';

/**
 * The tool schemas of what ships (bin/tarmac.js and the source), with both back ends signed in
 * the way a person does it (`tarmac login fly`, `tarmac login flightctl`): the MCP Inspector's
 * strict schema check finds nothing in any input or output schema, for the whole catalogue and
 * for the discovery tools, and answers fit their outputSchema (checked by the SDK client and ajv).
 */
let sim: FlightctlSim;
beforeAll(async () => {
  sim = await startFlightctlSim({ devices: 3 });
});
afterAll(async () => {
  await sim?.stop();
});

describe.each(BUILDS)('tool schemas of tarmac serve (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;
  let home: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    inst = await installation(build);
    home = await mkdtemp(join(tmpdir(), 'tarmac-shipped-inspector-'));
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: 'fo1_shipped-schemas-token-0123456789\n' })).code).toBe(0);
    const { idToken } = await sim.mintSession();
    const fc = await inst.run(['login', 'flightctl', sim.url, '--token-stdin'], { input: `${idToken}\n` });
    expect(fc.code, fc.stderr).toBe(0);
    for (const profile of ['everything', 'essentials']) {
      const made = await inst.run(['token', 'create', `schemas-${profile}`, '--profile', profile]);
      expect(made.code, made.stderr).toBe(0);
      tokens.set(profile, made.stdout.trim().split('\n').at(-1)!);
    }
    serve = await inst.serve();
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it.each([
    ['everything', TOOLSETS.flatMap((set) => set.tools)],
    ['essentials', ['tarmac_list_toolsets', 'tarmac_get_toolset_tools', 'tarmac_enable_toolset']],
  ])('the Inspector (--strict) finds 0 errors and 0 warnings in the tools of profile %s', async (profile, some) => {
    const check = await inspectorSchemaCheck(serve.url, tokens.get(profile)!, home);
    expect(check.run.code, describeFindings(check)).toBe(INSPECTOR_EXIT.OK);
    expect(check.tools).toEqual(expect.arrayContaining(some));
    expect(check.findings, describeFindings(check)).toEqual([]);
  }, 60_000);

  it('answers fit their outputSchema (the SDK client checks each; ajv too)', async () => {
    const client: Client = await inst.connect(serve.url, 'schemas-client');
    const listed = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
    const ajv = new Ajv2020({ strict: true });
    for (const [name, args] of [
      ['fly-apps-list', {}],
      ['fly-orgs-list', {}],
      ['query_devices', { limit: 2 }],
      ['get_devices_summary', {}],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, `${name}: ${resultText(result)}`).toBeFalsy();
      const validate = ajv.compile(listed.get(name)!.outputSchema!);
      expect(validate(result.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(Object.keys(result.structuredContent as object).length, name).toBeGreaterThan(0);
    }
    await client.close();
  }, 60_000);
});
