import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { HostOptions } from './host/index.js';
import { TARMAC_VERSION } from './host/version.js';
import type { CommandModule } from './cli/command.js';
import { CliError, processIo, type CliIo } from './cli/io.js';

export { CliError, type CliIo } from './cli/io.js';

/**
 * Each command's code is loaded only when it runs, so `--help`, `--version` and a quick
 * `status` do not pay for the MCP endpoint, the sign-in flows and the rest. To add a command:
 * a module under cli/ exporting run(ctx), a line here, and a line in HELP.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./cli/serve.js'),
  stdio: () => import('./cli/stdio.js'),
  ui: () => import('./cli/ui.js'),
  activity: () => import('./cli/activity.js'),
  clients: () => import('./cli/clients.js'),
  register: () => import('./cli/clients.js'),
  unregister: () => import('./cli/clients.js'),
  repair: () => import('./cli/clients.js'),
  bridge: () => import('./cli/bridge.js'),
  token: () => import('./cli/token.js'),
  status: () => import('./cli/status.js'),
  policy: () => import('./cli/policy.js'),
  pause: () => import('./cli/policy.js'),
  resume: () => import('./cli/policy.js'),
  approvals: () => import('./cli/policy.js'),
  profile: () => import('./cli/profile.js'),
  login: () => import('./cli/login.js'),
  logout: () => import('./cli/login.js'),
  accounts: () => import('./cli/accounts.js'),
};

const HELP = `tarmac ${TARMAC_VERSION}: MCP tools for Fly.io and Flight Control

Usage:
  tarmac serve [--port N] [--trust-terminal]
                                     serve MCP over HTTP on 127.0.0.1 (default port 8276):
                                     Streamable HTTP at /mcp, legacy HTTP+SSE at /sse
                                     (--trust-terminal: unattended use; see below)
  tarmac stdio [--client NAME]       serve MCP over stdin/stdout (the activity log says stdio:NAME;
                                     rules for the client NAME do not apply: any program can start it)
  tarmac ui [--port N] [--no-open] [--trust-terminal]
                                     the Tarmac window in your browser, with the MCP endpoint; prints
                                     its one-time link (--port: the window's own port, default any)
  tarmac token create <client> [--profile NAME]
                                     make a bearer token for an MCP client (printed last, alone);
                                     a new client sees every tool unless --profile says otherwise
  tarmac token list                  list MCP clients (static token or OAuth): kind, created, last used
  tarmac token revoke <client>       revoke a client of either kind (a running server honours it at once)
  tarmac status [--json]             show the providers and their sign-in state (exit 1 when
                                     Tarmac cannot work, e.g. no keychain); --json for scripts
  tarmac clients [--json]            AI clients Tarmac can register in: detected, status, last connected
  tarmac register <client>... | --detected [--oauth] [--dry-run] [--force] [--profile NAME]
                                     add Tarmac to clients' config files, each with its own token
                                     (--oauth: the URL only; the client signs in through Tarmac);
                                     a new client gets the profile essentials unless --profile
  tarmac unregister <client>... [--dry-run]   remove Tarmac from clients and revoke their credentials
  tarmac repair [<client>...] [--dry-run]     bring stale entries (URL, token, hand edits) back in line
  tarmac bridge [--url URL] [--client NAME]   relay stdio to the running Tarmac (for stdio-only clients)
  tarmac login fly [--token-stdin] [--name ACCOUNT]
                                     sign in to Fly.io with flyctl in the browser, or with a token on
                                     stdin (--name: an account of that name, added if new; default "default")
  tarmac logout fly [--name ACCOUNT] forget Tarmac's Fly.io token (flyctl's own login stays)
  tarmac login flightctl <url>       sign in to Flight Control in the browser (the URL is printed);
      [--provider NAME] [--callback-port N (default 8080)] [--org ID]
      [--ca-cert PATH] [--insecure-skip-tls-verify] [--name ACCOUNT]
      --password --username NAME     password grant, the password read from stdin
      --token-stdin                  a token read from stdin
  tarmac login flightctl --import [PATH]   take over flightctl's client.yaml login
  tarmac logout flightctl [--name ACCOUNT]
                                     delete Tarmac's Flight Control tokens from the keychain
  tarmac accounts [--json]           every account of each back end: sign-in state, profiles using it
  tarmac accounts rename fly|flightctl <account> <new-name>
                                     rename an account (profiles keep using it)
  tarmac activity                    recorded tool calls, the newest --limit N (default 50), oldest first
      [--client C] [--tool T] [--provider P] [--status S] [--since 1h|ISO-TIME] [--json]
      --follow                       then stream calls as a running Tarmac finishes them
  tarmac policy show [--json]        every tool's policy (allow, ask, deny) and the rule behind it
  tarmac policy set <tool|class|provider> allow|ask|deny [--client C]
                                     a rule (unset removes it); the most specific rule wins
  tarmac policy reset                every rule back to the defaults (read allow, write/destructive ask)
  tarmac policy read-only on|off     refuse every write and destructive call
  tarmac policy tool <tool> on|off   turn a tool off (clients no longer see it) or on
  tarmac profile list [--json]       profiles: what each lets a client see, what its tool list costs
  tarmac profile show <profile> [--json]      a profile's toolsets, tools and clients
  tarmac profile create <profile> --toolsets T1,T2|* [--tools A,B] [--read-only]
      [--start all|read|none] [--discovery] [--description TEXT]
                                     a profile of your own (--discovery: the agent may enable
                                     more of its toolsets itself; --start: what is listed first)
  tarmac profile delete <profile>    delete a profile of your own that no client has
  tarmac profile set <client> <profile>       the profile a client has (wider bounds need the window)
  tarmac profile account <profile> fly|flightctl <account>
                                     the account a profile's calls use (a change needs the window)
  tarmac pause | tarmac resume       refuse every call ("Tarmac is paused") / serve again
  tarmac approvals [list [--json]]   calls waiting for a person, in the running Tarmac
  tarmac approvals approve|approve-always|deny ID
                                     decide one (approve-always: this tool, this client, from now on;
                                     approving needs the window, or Tarmac started with --trust-terminal)

Anything that loosens protection (allow, approve, read-only off, resume, a tool back on, a client
moved to a profile with wider bounds, a profile bound to another account) needs a
person in the Tarmac window; from the terminal it is refused, and tightening always works.
Unattended set-ups (a server, CI) start Tarmac with --trust-terminal: then the CLI may loosen and
approve, and hand edits of settings.json apply at once. The window and the activity log say so.
  tarmac --help, -h                  this help
  tarmac --version, -v               the version

Every command takes --data-dir DIR (default: $TARMAC_DATA_DIR, else the OS app-data folder
for Tarmac, shared with the desktop app).
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
  'trust-terminal': { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  tool: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  url: { type: 'string' },
  detected: { type: 'boolean' },
  oauth: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  profile: { type: 'string' },
  toolsets: { type: 'string' },
  tools: { type: 'string' },
  'read-only': { type: 'boolean' },
  start: { type: 'string' },
  discovery: { type: 'boolean' },
  description: { type: 'string' },
  name: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export async function runCli(argv: string[], io: CliIo = processIo, hostOverrides: Partial<HostOptions> = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`tarmac: ${describeParseError(err)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(TARMAC_VERSION);
    return 0;
  }
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.out(HELP);
    return command || values.help ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.err(`tarmac: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }

  if (values['trust-terminal'] && command !== 'serve' && command !== 'ui') {
    io.err('tarmac: --trust-terminal goes with `tarmac serve` or `tarmac ui`: the running Tarmac decides whether to trust the terminal, and other commands then go through it');
    return 2;
  }
  try {
    const { run } = await load();
    return await run({ command, args, values, io, hostOverrides });
  } catch (err) {
    io.err(`tarmac: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

/** parseArgs' own wording quotes unevenly and suggests `--`; say it plainly instead. */
function describeParseError(err: unknown): string {
  const { code, message = String(err) } = err as { code?: string; message?: string };
  const option = /'(-[-\w]*)/.exec(message)?.[1];
  if (!option) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option "${option}" (the options are listed below)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /does not take an argument/.test(message) ? `option "${option}" takes no value` : `option "${option}" needs a value (one starting with "-" goes as ${option}=VALUE)`;
  }
  return message;
}
