import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createHost, type Host, type HostOptions } from './host/index.js';
import { levelFromEnv } from './host/log.js';
import { removeInstance, writeInstance } from './host/instance.js';
import { serveStdio } from './host/mcp/stdio.js';
import { defaultProviders } from './host/providers/index.js';
import { TARMAC_VERSION } from './host/version.js';
import { CliError, processIo, type CliIo } from './cli/io.js';
import { loginFly, logoutFly } from './cli/login-fly.js';
import { loginFlightctl, logoutFlightctl } from './cli/login-flightctl.js';

export { CliError, type CliIo } from './cli/io.js';

const HELP = `tarmac ${TARMAC_VERSION}: MCP tools for Fly.io and Flight Control

Usage:
  tarmac serve [--port N]            serve MCP over HTTP on 127.0.0.1 (default port 8276)
  tarmac stdio [--client NAME]       serve MCP over stdin/stdout
  tarmac ui [--port N] [--no-open]   open the Tarmac window in your browser (and serve MCP); prints its one-time link
  tarmac token create <client>       make a bearer token for an MCP client (printed last, alone)
  tarmac token list                  list MCP clients (static token or OAuth): kind, created, last used
  tarmac token revoke <client>       revoke a client of either kind (a running server honours it at once)
  tarmac status                      show the providers and their sign-in state
  tarmac clients [--json]            AI clients Tarmac can register in: detected, status, last connected
  tarmac register <client>... | --detected [--oauth] [--dry-run] [--force]
                                     add Tarmac to clients' config files, each with its own token
                                     (--oauth: the URL only; the client signs in through Tarmac)
  tarmac unregister <client>... [--dry-run]   remove Tarmac from clients and revoke their credentials
  tarmac repair [<client>...] [--dry-run]     bring stale entries (URL, token, hand edits) back in line
  tarmac bridge [--url URL] [--client NAME]   relay stdio to the running Tarmac (for stdio-only clients)
  tarmac login fly [--token-stdin]   sign in to Fly.io with flyctl in the browser, or with a token on stdin
  tarmac logout fly                  forget Tarmac's Fly.io token (flyctl's own login stays)
  tarmac login flightctl <url>       sign in to Flight Control in the browser (the URL is printed);
      [--provider NAME] [--callback-port N (default 8080)] [--org ID]
      [--ca-cert PATH] [--insecure-skip-tls-verify]
      --password --username NAME     password grant, the password read from stdin
      --token-stdin                  a token read from stdin
  tarmac login flightctl --import [PATH]   take over flightctl's client.yaml login
  tarmac logout flightctl            delete Tarmac's Flight Control tokens from the keychain

Every command takes --data-dir DIR (default: the OS app-data folder for Tarmac).
LOG_LEVEL=debug|info|warn|error sets the log level; logs go to <data-dir>/logs/.`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  client: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  'token-stdin': { type: 'boolean' },
  provider: { type: 'string' },
  'callback-port': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'boolean' },
  // A flag, with the client.yaml path as an optional positional: parseArgs has no optional values.
  import: { type: 'boolean' },
  org: { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  'ca-cert': { type: 'string' },
  'no-open': { type: 'boolean' },
  url: { type: 'string' },
  detected: { type: 'boolean' },
  oauth: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export async function runCli(argv: string[], io: CliIo = processIo, hostOverrides: Partial<HostOptions> = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`tarmac: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(TARMAC_VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.out(HELP);
    return command || values.help ? 0 : 2;
  }

  let port: number | undefined;
  const makeHost = (extra: Partial<HostOptions> = {}): Host =>
    createHost({
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(port !== undefined ? { port } : {}),
      providers: defaultProviders(),
      logLevel: levelFromEnv(process.env.LOG_LEVEL),
      ...hostOverrides,
      ...extra,
    });

  try {
    if (values.port !== undefined) port = parsePort(values.port);
    switch (command) {
      case 'serve':
        return await serve(makeHost(), io);
      case 'stdio': {
        const host = makeHost();
        const { closed } = await serveStdio(host, values.client ?? 'stdio');
        await closed;
        await host.stop();
        return 0;
      }
      case 'ui': {
        // --port is the window's own port here; the MCP endpoint keeps its configured one.
        const uiPort = port;
        port = undefined;
        const { ui } = await import('./cli/ui.js');
        return await ui(makeHost(), { ...(uiPort !== undefined ? { port: uiPort } : {}), open: !values['no-open'] }, io);
      }
      case 'token':
        return await token(makeHost(), rest, io);
      case 'status':
        return await status(makeHost(), io, values.json ?? false);
      case 'clients':
      case 'register':
      case 'unregister':
      case 'repair':
        return await (await import('./cli/clients.js')).clientsCli(command, makeHost(), rest, values, io, hostOverrides.env ?? process.env);
      case 'bridge':
        return await (await import('./cli/bridge.js')).bridge(values, io);
      case 'login':
      case 'logout': {
        const [provider, ...providerArgs] = rest;
        if (!provider) throw new CliError(`usage: tarmac ${command} fly|flightctl`, 2);
        const host = makeHost();
        try {
          if (provider === 'fly') return command === 'login' ? await loginFly(host, { tokenStdin: values['token-stdin'] ?? false }, io) : await logoutFly(host, io);
          if (provider === 'flightctl') return command === 'login' ? await loginFlightctl(host, providerArgs, values, io) : await logoutFlightctl(host, io);
          throw new CliError(`unknown provider "${provider}": use fly or flightctl`, 2);
        } finally {
          await host.stop();
        }
      }
      default:
        throw new CliError(`unknown command "${command}"\n\n${HELP}`, 2);
    }
  } catch (err) {
    io.err(`tarmac: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  // 0 asks the OS for any free port (handy for scripts and tests).
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) throw new CliError(`--port must be a number from 0 to 65535, not "${value}"`, 2);
  return port;
}

async function serve(host: Host, io: CliIo): Promise<number> {
  try {
    const url = await host.start();
    await writeInstance(host.dataDir, { pid: process.pid, url, port: Number(new URL(url).port) });
    const clients = await host.tokens.list();
    io.err(`Tarmac ${TARMAC_VERSION} serving MCP at ${url} (${host.catalogue.size} tools)`);
    io.err(
      clients.length === 0
        ? 'No client tokens yet: create one with `tarmac token create <client>` and send it as "Authorization: Bearer <token>".'
        : `Clients with a token: ${clients.map((c) => c.name).join(', ')}`,
    );
    io.err(`Data: ${host.dataDir}`);
  } catch (err) {
    await host.stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.err('Tarmac stopping');
  await removeInstance(host.dataDir);
  await host.stop();
  return 0;
}

async function token(host: Host, args: string[], io: CliIo): Promise<number> {
  const [action, name] = args;
  try {
    switch (action) {
      case 'create': {
        if (!name) throw new CliError('usage: tarmac token create <client>', 2);
        const value = await host.clients.createToken(name);
        io.err(`Created a token for "${name}". Send it as "Authorization: Bearer <token>"; it is shown once here and kept in the keychain.`);
        io.out(value);
        return 0;
      }
      case 'list': {
        const clients = await host.clients.list();
        if (clients.length === 0) io.err('No MCP clients: create a token with `tarmac token create <client>`, or sign in from the client with OAuth.');
        else io.err('NAME\tKIND\tCREATED\tLAST USED');
        for (const c of clients) io.out(`${c.name}\t${c.kind}\t${c.createdAt ?? 'unknown'}\t${c.lastUsedAt ?? 'never'}`);
        return 0;
      }
      case 'revoke': {
        if (!name) throw new CliError('usage: tarmac token revoke <client>', 2);
        const revoked = await host.clients.revoke(name);
        if (revoked.length === 0) throw new CliError(`no client named "${name}": see \`tarmac token list\``, 1);
        io.err(revoked.includes('oauth') ? `Revoked "${name}": its OAuth sign-in and tokens no longer work.` : `Revoked the token of "${name}".`);
        return 0;
      }
      default:
        throw new CliError('usage: tarmac token create|list|revoke <client>', 2);
    }
  } finally {
    await host.stop();
  }
}

async function status(host: Host, io: CliIo, json: boolean): Promise<number> {
  try {
    const providers = await host.status();
    const clients = await host.tokens.list().catch((err: unknown) => err as Error);
    if (json) {
      io.out(JSON.stringify({ version: TARMAC_VERSION, dataDir: host.dataDir, providers, clients: Array.isArray(clients) ? clients : null }, null, 2));
      return 0;
    }
    io.out(`Tarmac ${TARMAC_VERSION}  data: ${host.dataDir}`);
    for (const p of providers) {
      io.out(`${p.label}: ${p.state}: ${p.summary}`);
      for (const [k, v] of Object.entries(p.details)) io.out(`  ${k}: ${v ?? '-'}`);
      for (const w of p.warnings) io.out(`  warning: ${w}`);
    }
    io.out(Array.isArray(clients) ? `MCP clients with a token: ${clients.map((c) => c.name).join(', ') || 'none'}` : `Keychain: ${clients.message}`);
    return 0;
  } finally {
    await host.stop();
  }
}
