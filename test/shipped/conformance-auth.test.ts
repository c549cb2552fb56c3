import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ServeProcess } from '../helpers/cli.js';
import { postJson } from '../helpers/oauth.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { launchChromium } from '../e2e/harness.js';

/**
 * The MCP conformance suite's authorization-server scenarios against the built `tarmac serve`:
 * the RFC 8414 metadata document, and a whole authorization code grant (registration by this
 * test, the suite's own authorization request and callback server, the consent page clicked in
 * Chromium, the suite's token request). Results are held to a baseline like the server suites.
 */
const CONFORMANCE_NEXT = fileURLToPath(new URL('../../node_modules/conformance-next/dist/index.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('../conformance/baseline-authorization.yml', import.meta.url));
/** Colour codes the suite prints whatever NO_COLOR says. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const ENV = { ...process.env, NO_PROXY: '127.0.0.1,localhost,[::1]', no_proxy: '127.0.0.1,localhost,[::1]', FORCE_COLOR: '0', NO_COLOR: '1' };

let inst: Installation;
let serve: ServeProcess;
let issuer: string;
let browser: Browser;
let baseline: Record<string, string[]>;

beforeAll(async () => {
  inst = await installation('build');
  serve = await inst.serve();
  issuer = new URL(serve.url).origin;
  baseline = parseYaml(await readFile(BASELINE, 'utf8')) as Record<string, string[]>;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await inst?.cleanup();
});

interface Outcome {
  output: string;
  /** scenario -> (check id -> SUCCESS | FAILURE | WARNING | SKIPPED), from the suite's own lines. */
  scenarios: Map<string, Map<string, string>>;
}

/**
 * Runs every authorization-server scenario in one process (a later one uses what an earlier one
 * found: the code grant reads the metadata). `onUrl` gets the authorization URL the suite prints
 * for a person to open. Killed after limitMs so a hung scenario cannot hang the run.
 */
function suite(extra: string[], onUrl: (url: string) => void, limitMs = 90_000): Promise<Outcome> {
  const outDir = join(inst.root, `conformance-${Date.now()}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONFORMANCE_NEXT, 'authorization', '--url', issuer, '-o', outDir, ...extra], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let seen = false;
    const read = (d: Buffer) => {
      output += d.toString().replace(ANSI, '');
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m.exec(output)?.[1];
      if (url && !seen) {
        seen = true;
        onUrl(url);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      void readResults(outDir).then((scenarios) => resolve({ output, scenarios }), reject);
    });
  });
}

/** The checks.json each scenario saved under outDir (scenario -> check id -> status, with the error). */
async function readResults(outDir: string): Promise<Map<string, Map<string, string>>> {
  const scenarios = new Map<string, Map<string, string>>();
  const files = (await readdir(outDir, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('checks.json'));
  for (const file of files) {
    const checks = JSON.parse(await readFile(join(outDir, file), 'utf8')) as Array<{ id: string; status: string; errorMessage?: string }>;
    const name = Object.keys(baseline).find((n) => file.includes(n)) ?? file;
    scenarios.set(name, new Map(checks.map((c) => [c.id, c.errorMessage ? `${c.status}: ${c.errorMessage}` : c.status])));
  }
  return scenarios;
}

/**
 * Every check of every scenario in the baseline passes unless the baseline lists it; a listed
 * one that passes is a stale baseline; a scenario the baseline names must have run.
 */
function expectBaseline(run: Outcome): void {
  for (const [name, failing] of Object.entries(baseline)) {
    const checks = run.scenarios.get(name);
    expect(checks?.size ?? 0, `${name} did not report\n${run.output}`).toBeGreaterThan(0);
    const expected = new Set(failing);
    for (const [id, status] of checks!) {
      if (expected.has(id)) expect(status, `${name}: ${id} is listed in the baseline but passes now: remove it\n${run.output}`).not.toBe('SUCCESS');
      else expect(status, `${name}: ${id}\n${run.output}`).toBe('SUCCESS');
    }
  }
  expect(run.output).toMatch(/Total: \d+ passed, \d+ failed/);
}

/** A port for the suite's callback server: taken from the OS and held until just before use. */
async function callbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('MCP conformance 0.2.0-alpha.12: authorization server scenarios against the built CLI', () => {
  it('metadata endpoint and a whole authorization code grant (consent allowed in Chromium) pass, as in the baseline', async () => {
    // The suite listens on a port it is told: if another process took it meanwhile, the suite
    // says so (EADDRINUSE) and this tries a new port, at most three times.
    let run: Outcome | null = null;
    for (let attempt = 0; attempt < 3 && !run; attempt++) {
      const port = await callbackPort();
      const reg = await postJson(`${issuer}/register`, { client_name: 'MCP Conformance', redirect_uris: [`http://127.0.0.1:${port}/callback`], application_type: 'native' });
      expect(reg.status, JSON.stringify(reg.body)).toBe(201);
      let consent: Promise<void> = Promise.resolve();
      const outcome = await suite(['--client-id', String(reg.body.client_id), '--resource', serve.url, '-p', String(port)], (url) => {
        consent = (async () => {
          const page = await (await browser.newContext()).newPage();
          await page.goto(url);
          await page.getByRole('button', { name: 'Allow' }).click();
          await page.waitForURL(/\/callback\?/);
          await page.context().close();
        })();
      });
      await consent;
      if (!/EADDRINUSE/.test(outcome.output)) run = outcome;
    }
    expect(run).not.toBeNull();
    expectBaseline(run!);
    expect(run!.scenarios.get('authorization-server-metadata-endpoint')?.get('authorization-server-metadata')).toBe('SUCCESS');
    expect(run!.scenarios.get('authorization-code-grant')?.get('authorization-code-grant')).toBe('SUCCESS');
  });
});
