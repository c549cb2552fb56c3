import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The package's bin `mcp-inspector` (@modelcontextprotocol/inspector 2.12.0); run with this Node (it needs Node >= 22.19). */
const INSPECTOR = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js', import.meta.url));

/** Inspector CLI exit codes (clients/cli EXIT_CODES). */
export const INSPECTOR_EXIT = { OK: 0, AUTH_REQUIRED: 3, TOOL_ERROR: 5, SCHEMA_UNPORTABLE: 6 } as const;

export interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `mcp-inspector --cli <url> ...args`, no TTY (so never interactive OAuth), with its own HOME, killed after 45 s. */
export function runInspector(url: string, args: string[], home: string): Promise<InspectorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INSPECTOR, '--cli', url, ...args], {
      cwd: ROOT,
      env: { ...process.env, HOME: home, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface SchemaCheck {
  run: InspectorRun;
  tools: string[];
  /** The strict check's findings per tool (path, issue, suggestion); empty when every schema is clean. */
  findings: Array<{ toolName: string; findings: Array<{ severity: string; schema: string; path: string; issue: string }> }>;
}

/**
 * The Inspector's tool-schema portability check over tools/list (`--strict --format json`):
 * what it lists, and its findings for input and output schemas alike (errors and warnings).
 */
export async function inspectorSchemaCheck(url: string, token: string, home: string): Promise<SchemaCheck> {
  const run = await runInspector(url, ['--header', `Authorization: Bearer ${token}`, '--method', 'tools/list', '--strict', '--format', 'json'], home);
  const envelope = (run.code === INSPECTOR_EXIT.OK || run.code === INSPECTOR_EXIT.SCHEMA_UNPORTABLE) && run.stdout.trim()
    ? (JSON.parse(run.stdout) as { result?: { tools?: Array<{ name: string }> }; schemaFindings?: SchemaCheck['findings'] })
    : {};
  return { run, tools: (envelope.result?.tools ?? []).map((t) => t.name), findings: envelope.schemaFindings ?? [] };
}

/** Findings, one line each, for a failure message. */
export function describeFindings(check: SchemaCheck): string {
  const lines = check.findings.flatMap((f) => f.findings.map((x) => `${x.severity} ${f.toolName} ${x.schema}.${x.path}: ${x.issue}`));
  return `${lines.join('\n')}\nexit ${check.run.code}\nstderr: ${check.run.stderr.slice(0, 4000)}`;
}
