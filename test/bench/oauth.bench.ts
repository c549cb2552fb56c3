// bench:oauth: an MCP client's OAuth sign-in against the built CLI (`bin/tarmac.js serve`, as
// installed), as a client without a browser makes it: from its first OAuth request to the consent
// page (RFC 9728 and RFC 8414 discovery, RFC 7591 registration, /authorize with PKCE S256 and
// resource, followed to /oauth/consent/<uid>), and the token exchange (the consent form's Allow,
// followed to the loopback callback, then POST /token). Each figure is taken on the first sign-in
// of a fresh process (oidc-provider loads with the first OAuth request) and on later ones (warm),
// against an unauthenticated request of the same process (protected-resource metadata, served
// without oidc-provider). And the endpoint's resident memory (VmRSS) once idle, read after its own
// idle trim (memory-trim.ts), as bench:mcp reads it: just started; after one MCP request with a
// static token (the MCP SDK loaded), before any OAuth request; after the first sign-in and one MCP
// request with its token. Loopback only: every server is this machine's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IDLE_TRIM_MS } from '../../src/main/host/memory-trim.js';
import { SecretStore } from '../../src/main/host/secrets.js';
import { fmt, percentile } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** BENCH_OAUTH_CLI=/path/to/other/bin/tarmac.js measures another build (e.g. before a change) instead. */
const BUILT = process.env.BENCH_OAUTH_CLI ? resolve(process.env.BENCH_OAUTH_CLI) : join(ROOT, 'bin', 'tarmac.js');
const BUILT_ROOT = join(dirname(BUILT), '..');
/** Fresh `tarmac serve` processes: one first sign-in each (plus one before them, not counted). */
const PROCESSES = Number(process.env.BENCH_OAUTH_PROCESSES ?? 5);
/** Sign-ins after the first, in each process. */
const WARM = Number(process.env.BENCH_OAUTH_WARM ?? 12);
/** The whole run stops (and fails) after this long. */
const DEADLINE_MS = 10 * 60_000;
/** After work, the idle trim runs DEFAULT_IDLE_TRIM_MS later; read a little after it (as bench:mcp). */
const SETTLE_MS = DEFAULT_IDLE_TRIM_MS + 1_500;
/**
 * Targets, on medians, for this shared 2-core machine, with room for a busy moment (figures in
 * README.md, "Performance"). The consent page of a later sign-in, and how it holds up over a
 * process's sign-ins: the last few against the first few, so a cost that grows with every client
 * signed in (a full keychain read per sign-in did) fails here rather than hiding in a median.
 */
const TARGETS = {
  /** ms, p50: later sign-ins, first OAuth request to the consent page. */
  warmConsent: 50,
  /** p50 of the last GROWTH_SPAN later sign-ins of each process over p50 of its first GROWTH_SPAN. */
  warmConsentGrowth: 1.5,
  /** ms, p50: later sign-ins, POST /token. */
  warmToken: 50,
  /** ms, p50: the first sign-in of a process (oidc-provider loads and makes its signing key). */
  firstConsent: 1_000,
  /** MiB, p50: idle RSS after the first sign-in over idle RSS before it (both with the MCP SDK loaded). */
  rssGrowth: 20,
};
const GROWTH_SPAN = Math.min(4, Math.floor(WARM / 2));
if (!(PROCESSES >= 1 && WARM >= 2)) {
  console.error('bench:oauth: BENCH_OAUTH_PROCESSES must be at least 1 and BENCH_OAUTH_WARM at least 2');
  process.exit(2);
}

if (!existsSync(join(BUILT_ROOT, 'out', 'cli', 'tarmac.cjs'))) {
  console.error(`bench:oauth: ${join(BUILT_ROOT, 'out', 'cli', 'tarmac.cjs')} is missing; run \`npm run build:cli\` first`);
  process.exit(1);
}

/** What a run leaves behind until it ends normally: taken away on any exit (the deadline too). */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
/**
 * The build is measured from a copy of it (bin/ and out/cli/, the packages it leaves out reached
 * through a link): `tarmac serve` loads most chunks on first use, so a rebuild of out/cli in the
 * meantime (another shell, a test run) took away the one its first MCP request needed (HTTP 500).
 */
const snapshot = mkdtempSync(join(tmpdir(), 'tarmac-bench-oauth-build-'));
tempDirs.add(snapshot);
cpSync(dirname(BUILT), join(snapshot, 'bin'), { recursive: true });
cpSync(join(BUILT_ROOT, 'out', 'cli'), join(snapshot, 'out', 'cli'), { recursive: true });
symlinkSync(existsSync(join(BUILT_ROOT, 'node_modules')) ? join(BUILT_ROOT, 'node_modules') : join(ROOT, 'node_modules'), join(snapshot, 'node_modules'), 'dir');
const CLI = join(snapshot, 'bin', 'tarmac.js');

const deadline = setTimeout(() => {
  console.error(`bench:oauth: not done after ${DEADLINE_MS / 60_000} minutes; stopping`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

/** A loopback redirect target: answers the callback with a small page, as a native client's does. */
async function startCallback(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const ok = new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/callback';
    res.writeHead(ok ? 200 : 404, { 'Content-Type': 'text/plain' }).end(ok ? 'You can close this window.' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, server };
}

/** A browser's cookies for one origin (oidc-provider's are signed and named apart, so paths are ignored). */
class Jar {
  readonly #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('expires='));
      const gone = !value || (expires !== undefined && Date.parse(expires.slice(8)) < Date.now());
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  get header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const TIMEOUT = () => AbortSignal.timeout(15_000);

async function request(url: string, init: RequestInit & { jar?: Jar } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.jar?.header) headers.set('cookie', init.jar.header);
  const res = await fetch(url, { redirect: 'manual', signal: TIMEOUT(), ...init, headers });
  init.jar?.take(res);
  return res;
}

async function json(res: Response, what: string, status = 200): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Times one step (ms). */
async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await step();
  return [out, performance.now() - t0];
}

interface SignIn {
  /** The first OAuth request to the consent page's HTML, and its steps. */
  consent: number;
  metadata: number;
  register: number;
  authorize: number;
  /** POST /token alone. */
  token: number;
  accessToken: string;
}

/** One sign-in of a new client (registered afresh), as an MCP client with a loopback redirect makes it. */
async function signIn(mcpUrl: string, callback: string, name: string): Promise<SignIn> {
  const origin = new URL(mcpUrl).origin;
  const jar = new Jar();
  const pkce = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(pkce).digest('base64url');

  const t0 = performance.now();
  const prm = await json(await request(`${origin}/.well-known/oauth-protected-resource/mcp`), 'protected-resource metadata');
  const issuer = (prm.authorization_servers as string[])[0]!;
  const [as, metadata] = await timed(async () => json(await request(`${issuer}/.well-known/oauth-authorization-server`), 'authorization-server metadata'));
  const [client, register] = await timed(async () =>
    json(
      await request(String(as.registration_endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: name,
          redirect_uris: [callback],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        }),
      }),
      'registration',
      201,
    ),
  );
  const clientId = String(client.client_id);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callback,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'mcp offline_access',
    resource: String(prm.resource),
    state: randomUUID(),
  });
  const [page, authorize] = await timed(async () => {
    let url = `${as.authorization_endpoint}?${query}`;
    let res = await request(url, { jar });
    for (let hop = 0; hop < 5 && res.status >= 300 && res.status < 400; hop++) {
      await res.body?.cancel();
      url = new URL(res.headers.get('location')!, origin).href;
      res = await request(url, { jar });
    }
    const html = await res.text();
    if (res.status !== 200 || !new URL(url).pathname.startsWith('/oauth/consent/')) throw new Error(`consent page: HTTP ${res.status} at ${url}: ${html.slice(0, 300)}`);
    return { html, url };
  });
  const consent = performance.now() - t0;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
  if (!csrf) throw new Error(`consent page without its form: ${page.html.slice(0, 300)}`);

  // Allow, as the page's form posts it, then the browser's trip on to the loopback callback.
  let res = await request(page.url, {
    method: 'POST',
    jar,
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ csrf, decision: 'allow' }),
  });
  let code: string | null = null;
  for (let hop = 0; hop < 5 && res.status >= 300 && res.status < 400; hop++) {
    await res.body?.cancel();
    const next = new URL(res.headers.get('location')!, origin);
    res = await request(next.href, next.origin === origin ? { jar } : {});
    if (next.href.startsWith(callback)) {
      code = next.searchParams.get('code');
      if (next.searchParams.get('iss') !== issuer) throw new Error(`callback without iss=${issuer}: ${next.search}`);
      break;
    }
  }
  await res.body?.cancel();
  if (!code) throw new Error(`no code at the callback (HTTP ${res.status} at ${res.url})`);

  const [tokens, token] = await timed(async () =>
    json(
      await request(String(as.token_endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: callback, client_id: clientId, code_verifier: pkce, resource: String(prm.resource) }),
      }),
      'token exchange',
    ),
  );
  if (typeof tokens.access_token !== 'string') throw new Error('token exchange without an access token');
  return { consent, metadata, register, authorize, token, accessToken: tokens.access_token };
}

/** The unauthenticated baseline: protected-resource metadata, which needs no oidc-provider (ms). */
async function baseline(mcpUrl: string): Promise<number> {
  const [, ms] = await timed(async () => json(await request(`${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`), 'protected-resource metadata'));
  return ms;
}

/** One 2026-07-28 MCP request (stateless: no session stays open) with a bearer token. */
async function mcpRequest(mcpUrl: string, token: string): Promise<void> {
  const res = await request(mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'server/discover',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'server/discover',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          'io.modelcontextprotocol/clientInfo': { name: 'bench-oauth', version: '1' },
        },
      },
    }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`MCP request: HTTP ${res.status}: ${text.slice(0, 300)}`);
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Serve {
  child: ChildProcess;
  url: string;
  /** Milliseconds since "serving MCP at" was printed. */
  since(): number;
  stop(): Promise<void>;
}

/** `tarmac serve` as installed: bin/tarmac.js run as a program (its shebang's settings), this Node first on PATH. */
async function startServe(dataDir: string, env: NodeJS.ProcessEnv): Promise<Serve> {
  const child = spawn(CLI, ['serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'], env });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    }
    children.delete(child);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`tarmac serve did not start: ${err}`)), 30_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving MCP at (\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`tarmac serve exited with ${code}: ${err}`)));
    });
    const startedAt = performance.now();
    return { child, url, since: () => performance.now() - startedAt, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface ProcessRun {
  baselineFirst: number;
  first: SignIn;
  baselineWarm: number[];
  warm: SignIn[];
  rss?: { started: number; mcp: number; signedIn: number };
}

/** One fresh process: idle readings, its first sign-in, then warm ones. warmUpOnly: one sign-in, no waiting. */
async function runProcess(index: number, callback: string, warmUpOnly = false): Promise<ProcessRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-bench-oauth-'));
  tempDirs.add(dataDir);
  const service = `tarmac-bench-oauth-${randomUUID()}`;
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    TARMAC_DATA_DIR: dataDir,
    TARMAC_KEYCHAIN_SERVICE: service,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  };
  let serve: Serve | null = null;
  try {
    let staticToken = '';
    if (!warmUpOnly) {
      const made = spawnSync(CLI, ['token', 'create', 'bench', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 30_000 });
      staticToken = made.stdout.trim().split('\n').at(-1) ?? '';
      if (made.status !== 0 || !staticToken) throw new Error(`tarmac token create failed (${made.status}): ${made.stderr}`);
    }
    serve = await startServe(dataDir, env);
    const pid = serve.child.pid!;
    let rss: ProcessRun['rss'];
    if (!warmUpOnly) {
      // Just started, after its first quiet period (which ends in the idle trim), as bench:mcp reads it.
      await sleep(Math.max(0, 3_000 + DEFAULT_IDLE_TRIM_MS - serve.since()));
      const started = await rssMiB(pid);
      // The MCP SDK loads with the first MCP request; every client that signs in makes one next.
      await mcpRequest(serve.url, staticToken);
      await sleep(SETTLE_MS);
      const mcp = await rssMiB(pid);
      rss = { started, mcp, signedIn: NaN };
    }
    const baselineFirst = await baseline(serve.url);
    const first = await signIn(serve.url, callback, `Bench Client ${index}`);
    if (rss) {
      // OAuth requests are not MCP work, so they start no idle trim; the client's first MCP request does.
      await mcpRequest(serve.url, first.accessToken);
      await sleep(SETTLE_MS);
      rss.signedIn = await rssMiB(pid);
    }
    const baselineWarm: number[] = [];
    const warm: SignIn[] = [];
    for (let i = 0; i < (warmUpOnly ? 0 : WARM); i++) {
      baselineWarm.push(await baseline(serve.url));
      warm.push(await signIn(serve.url, callback, `Bench Client ${index}.${i + 1}`));
    }
    return { baselineFirst, first, baselineWarm, warm, ...(rss ? { rss } : {}) };
  } catch (err) {
    // What the endpoint logged (warnings and errors) says why, before its data dir goes.
    throw new Error(`${(err as Error).message}\n${await serveLog(dataDir)}`, { cause: err });
  } finally {
    await serve?.stop();
    const secrets = new SecretStore({ service });
    for (const account of await secrets.list().catch(() => [])) await secrets.delete(account).catch(() => false);
    await rm(dataDir, { recursive: true, force: true });
    tempDirs.delete(dataDir);
  }
}

async function serveLog(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'logs');
  const files = await readdir(dir).catch(() => [] as string[]);
  const lines = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
  return lines.join('').trim().split('\n').slice(-20).join('\n');
}

const q = (samples: number[], p: number) => percentile([...samples].sort((a, b) => a - b), p);
const ms = (samples: number[]) => `${fmt(q(samples, 50), 1)} / ${fmt(q(samples, 90), 1)} ms`;
const mib = (samples: number[]) => `${fmt(q(samples, 50), 1)} MiB (${fmt(Math.min(...samples), 1)} to ${fmt(Math.max(...samples), 1)})`;

const callback = await startCallback();
const runs: ProcessRun[] = [];
const started = performance.now();
try {
  // The file and compile caches (bin/tarmac.js keeps Node's compile cache): warm for every counted process.
  await runProcess(0, callback.url, true);
  for (let i = 1; i <= PROCESSES; i++) {
    runs.push(await runProcess(i, callback.url));
    process.stderr.write(`bench:oauth: process ${i} of ${PROCESSES} done\n`);
  }
} finally {
  callback.server.closeAllConnections();
  await new Promise((resolve) => callback.server.close(resolve));
}

const firsts = runs.map((r) => r.first);
const warms = runs.flatMap((r) => r.warm);
const pick = (list: SignIn[], key: keyof Omit<SignIn, 'accessToken'>) => list.map((s) => s[key]);
const rss = runs.map((r) => r.rss!);
const growth = rss.map((r) => r.signedIn - r.mcp);

console.log(`OAuth sign-in on the built CLI (${process.env.BENCH_OAUTH_CLI ? BUILT : 'bin/tarmac.js'} serve as installed, from a copy; Node ${process.versions.node}), ${PROCESSES} fresh processes, ${WARM} later sign-ins in each; ${fmt((performance.now() - started) / 1000, 0)} s`);
console.log(`| step | first sign-in of a process, p50 / p90 (n=${firsts.length}) | later sign-ins, p50 / p90 (n=${warms.length}) |`);
console.log('|---|---|---|');
console.log(`| baseline: GET protected-resource metadata (no oidc-provider) | ${ms(runs.map((r) => r.baselineFirst))} | ${ms(runs.flatMap((r) => r.baselineWarm))} |`);
console.log(`| first OAuth request -> consent page (200 HTML) | ${ms(pick(firsts, 'consent'))} | ${ms(pick(warms, 'consent'))} |`);
console.log(`|   of it: authorization-server metadata | ${ms(pick(firsts, 'metadata'))} | ${ms(pick(warms, 'metadata'))} |`);
console.log(`|   of it: POST /register | ${ms(pick(firsts, 'register'))} | ${ms(pick(warms, 'register'))} |`);
console.log(`|   of it: GET /authorize -> consent page | ${ms(pick(firsts, 'authorize'))} | ${ms(pick(warms, 'authorize'))} |`);
console.log(`| token exchange (POST /token, authorization_code + PKCE) | ${ms(pick(firsts, 'token'))} | ${ms(pick(warms, 'token'))} |`);
console.log(`\nidle resident set (VmRSS) after Tarmac's idle trim, p50 of ${rss.length} processes (lowest to highest):`);
console.log(`  just started:                                              ${mib(rss.map((r) => r.started))}`);
console.log(`  after one MCP request with a static token (before OAuth):  ${mib(rss.map((r) => r.mcp))}`);
console.log(`  after the first OAuth sign-in and one MCP request with it: ${mib(rss.map((r) => r.signedIn))}`);
console.log(`  growth with the first sign-in:                             ${mib(growth)}`);

const early = runs.flatMap((r) => r.warm.slice(0, GROWTH_SPAN).map((w) => w.consent));
const late = runs.flatMap((r) => r.warm.slice(-GROWTH_SPAN).map((w) => w.consent));
const consentGrowth = q(late, 50) / q(early, 50);
console.log(
  `\nlater sign-ins, first OAuth request -> consent page: the first ${GROWTH_SPAN} of each process ${ms(early)}, the last ${GROWTH_SPAN} ${ms(late)} (p50 / p90)`,
);

const checks: [string, number, number, string][] = [
  ['later sign-ins: first OAuth request -> consent page, p50', q(pick(warms, 'consent'), 50), TARGETS.warmConsent, 'ms'],
  [`later sign-ins: consent page, last ${GROWTH_SPAN} of each process over its first ${GROWTH_SPAN}, p50`, consentGrowth, TARGETS.warmConsentGrowth, 'x'],
  ['later sign-ins: token exchange, p50', q(pick(warms, 'token'), 50), TARGETS.warmToken, 'ms'],
  ['first sign-in of a process: first OAuth request -> consent page, p50', q(pick(firsts, 'consent'), 50), TARGETS.firstConsent, 'ms'],
  ['idle RSS growth with the first sign-in, p50', q(growth, 50), TARGETS.rssGrowth, 'MiB'],
];
console.log('\ntargets:');
let failed = false;
for (const [name, value, target, unit] of checks) {
  const ok = value <= target;
  if (!ok) failed = true;
  const u = unit === 'x' ? 'x' : ` ${unit}`;
  console.log(`  ${ok ? 'pass' : 'FAIL'}  ${name}: ${fmt(value, unit === 'x' ? 2 : 1)}${u} (<= ${target}${u})`);
}
process.exitCode = failed ? 1 : 0;
