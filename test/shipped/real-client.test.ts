import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { startFakeModel } from '../fixtures/fake-model.js';
import { TOOLSETS } from '../../src/shared/toolsets.js';

/**
 * A real AI client CLI (Claude Code, from npm) after `tarmac register`, for the source and the
 * build: with a token it connects; registered for OAuth it finds Tarmac's sign-in (it once got
 * "HTTP 500 trying to load OAuth metadata" from the build alone).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLAUDE = join(ROOT, '.cache', 'real-clients', 'node_modules', '.bin', 'claude');
const run = promisify(execFile);

beforeAll(async () => {
  await run(join(ROOT, 'scripts', 'install-real-clients.sh'), [], { timeout: 600_000 });
}, 660_000);

describe.each(BUILDS)('Claude Code with Tarmac (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;

  beforeAll(async () => {
    inst = await installation(build);
    serve = await inst.serve();
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  /** `claude mcp list` as a terminal runs it: this HOME and PATH, nothing of Tarmac's environment. */
  const claudeList = async () =>
    (await run(CLAUDE, ['mcp', 'list'], { cwd: inst.home, env: { HOME: inst.home, PATH: `${join(ROOT, '.cache', 'node', 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: '1' }, timeout: 90_000 })).stdout;

  it('register claude-code: claude mcp list says connected', async () => {
    const reg = await inst.run(['register', 'claude-code']);
    expect(reg.code, reg.stderr).toBe(0);
    expect(await claudeList()).toContain(`tarmac: ${serve.url} (HTTP) - ✔ Connected`);
  }, 120_000);

  /** The Tarmac tools Claude Code hands its model: the stream-json init event of a headless run (no model is reached: there is no API key). */
  const claudeTools = async (): Promise<string[]> => {
    const out = await run(CLAUDE, ['-p', 'hi', '--output-format', 'stream-json', '--verbose', '--max-turns', '1'], {
      cwd: inst.home,
      env: { HOME: inst.home, PATH: `${join(ROOT, '.cache', 'node', 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: '1' },
      timeout: 90_000,
    }).then(
      (r) => r.stdout,
      (err: { stdout?: string }) => err.stdout ?? '',
    );
    const init = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type?: string; subtype?: string; tools?: string[]; mcp_servers?: { name: string; status: string }[] })
      .find((e) => e.type === 'system' && e.subtype === 'init');
    expect(init?.mcp_servers).toContainEqual(expect.objectContaining({ name: 'tarmac', status: 'connected' }));
    return (init?.tools ?? []).filter((t) => t.startsWith('mcp__tarmac__')).map((t) => t.slice('mcp__tarmac__'.length)).sort();
  };
  const profileStart = async (name: string): Promise<string[]> => {
    const shown = JSON.parse((await inst.run(['profile', 'show', name, '--json'])).stdout) as { start: string[]; def: { start: { discovery?: boolean } } };
    return [...shown.start, ...(shown.def.start.discovery ? ['tarmac_enable_toolset', 'tarmac_get_toolset_tools', 'tarmac_list_toolsets'] : [])].sort();
  };

  it('registered with a profile, its tool list (stream-json init event) is the profile’s: essentials by default, then flightctl', async () => {
    // The registration above gave it the default for new clients.
    const essentials = await profileStart('essentials');
    expect(essentials).toContain('tarmac_list_toolsets');
    expect(await claudeTools()).toEqual(essentials);
    const reg = await inst.run(['register', 'claude-code', '--profile', 'flightctl']);
    expect(reg.code, reg.stderr).toBe(0);
    expect(await claudeList()).toContain(`tarmac: ${serve.url} (HTTP) - ✔ Connected`);
    const flightctl = await profileStart('flightctl');
    // Every Flight Control tool, however many the toolsets hold.
    expect(flightctl).toEqual(TOOLSETS.filter((t) => t.provider === 'flightctl').flatMap((t) => t.tools).sort());
    expect(await claudeTools()).toEqual(flightctl);
  }, 240_000);

  it('its agent enables a toolset through discovery and Claude Code offers those tools in the same run, without a restart (list_changed)', async () => {
    // A profile within the current one's bounds (so the terminal may set it) that starts with the
    // discovery tools only.
    const made = await inst.run(['profile', 'create', 'fc-discover', '--toolsets', 'flightctl-devices,flightctl-fleets,flightctl-events', '--start', 'none', '--discovery']);
    expect(made.code, made.stderr).toBe(0);
    const set = await inst.run(['profile', 'set', 'claude-code', 'fc-discover']);
    expect(set.code, set.stderr).toBe(0);
    const marker = 'mcp__tarmac__tarmac_enable_toolset';
    const model = await startFakeModel([{ tool: marker, input: { toolset: 'flightctl-devices' } }, { tool: 'mcp__tarmac__tarmac_list_toolsets', input: {} }, { tool: 'mcp__tarmac__tarmac_list_toolsets', input: {} }, { text: 'The device tools are there now.' }], marker);
    try {
      const out = await run(CLAUDE, ['-p', 'Enable the Flight Control device tools.', '--output-format', 'stream-json', '--verbose', '--max-turns', '6', '--allowedTools', `${marker},mcp__tarmac__tarmac_list_toolsets`], {
        cwd: inst.home,
        env: {
          HOME: inst.home,
          PATH: `${join(ROOT, '.cache', 'node', 'bin')}:${process.env.PATH ?? ''}`,
          NO_COLOR: '1',
          CI: '1',
          ANTHROPIC_BASE_URL: model.url,
          ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          // Every MCP tool in each request rather than behind Claude Code's tool search, so the
          // request shows exactly which Tarmac tools the model is offered.
          ENABLE_TOOL_SEARCH: 'false',
        },
        timeout: 120_000,
      }).then(
        (r) => r.stdout,
        (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}\n${err.stderr ?? ''}`,
      );
      const turns = model.requests.filter((r) => r.conversation);
      expect(turns.length, out.slice(-1500)).toBeGreaterThanOrEqual(3);
      const tarmac = (r: (typeof turns)[number]) => r.tools.filter((t) => t.startsWith('mcp__tarmac__')).map((t) => t.slice('mcp__tarmac__'.length)).sort();
      expect(tarmac(turns[0]!)).toEqual(['tarmac_enable_toolset', 'tarmac_get_toolset_tools', 'tarmac_list_toolsets']);
      // The enable call's result went back; Claude Code refreshes its list when Tarmac says it
      // changed (its refresh runs beside the turn, so the request built right after the result may
      // still have the old list) and, in the same run, offers the toolset's tools from then on.
      expect(turns[1]!.toolResults.join(' ')).toMatch(/flightctl-devices/);
      const from = turns.findIndex((t) => tarmac(t).includes('query_devices'));
      expect(from, JSON.stringify(turns.map((t) => tarmac(t)))).toBeGreaterThan(0);
      for (const t of turns.slice(from)) {
        expect(tarmac(t)).toEqual(expect.arrayContaining(['query_devices', 'get_device', 'get_devices_summary', 'list_labels']));
        expect(tarmac(t)).not.toContain('query_fleets');
      }
    } finally {
      await model.stop();
    }
  }, 240_000);

  it('register claude-code --oauth: claude finds the sign-in (needs authentication), not a failure', async () => {
    const reg = await inst.run(['register', 'claude-code', '--oauth', '--force']);
    expect(reg.code, reg.stderr).toBe(0);
    const listed = await claudeList();
    expect(listed).toContain(`tarmac: ${serve.url} (HTTP) - ! Needs authentication`);
    expect(listed).not.toContain('Failed to connect');
  }, 120_000);
});
