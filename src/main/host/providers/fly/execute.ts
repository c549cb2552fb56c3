/**
 * One tool call: argv from the table, flyctl run under the call's signal and timeout, and its
 * output turned into an answer (compact text + structuredContent) or an isError result that
 * carries flyctl's own error lines. Secret argument values never reach the log or the answer.
 */
import { maskedStrings } from '../../activity/redact.js';
import type { z } from 'zod';
import { outputSchemaOf, type ToolContext, type ToolOutput } from '../../tools/catalogue.js';
import { capText } from '../../tools/text.js';
import { redactKeyValue } from './argv.js';
import { FlyctlNotFoundError, MAX_OUTPUT_BYTES, runFlyctl, type RunResult } from './flyctl.js';
import { extractJson } from './json.js';
import type { FlyRuntime } from './runtime.js';
import { DEFAULT_TIMEOUT_MS, type FlyToolDef } from './tools.js';

/** Tarmac's own timer fires this much before the gateway's, so the answer says what happened. */
const TIMEOUT_HEADROOM_MS = 250;

export async function executeFlyTool(rt: FlyRuntime, def: FlyToolDef, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutput> {
  const argv = def.argv(args);
  const input = def.stdin?.(args);
  const hide = hider(rt, def, args);
  const scrub = (text: string): string => rt.ctx.redactor.text(hide(text));

  const binary = await rt.binary();
  const { env, token } = await rt.childEnv();
  if (token === 'none') {
    return { text: `The Fly.io account "${rt.account}" that this client's profile uses is not signed in. Ask the user to sign it in (Tarmac's Accounts page, or \`tarmac login fly --name ${rt.account}\`).`, isError: true };
  }
  ctx.log.debug(
    {
      tool: def.name,
      argv: argv.map(hide),
      ...(input === undefined ? {} : { stdin: input.split('\n').filter(Boolean).map(redactKeyValue) }),
    },
    'fly: running flyctl',
  );

  const timeoutMs = def.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const soft = def.softDeadlineMs?.(args);
  const res = await runFlyctl({
    binary,
    argv,
    env,
    cwd: await rt.workdir(),
    signal: ctx.signal,
    timeoutMs: soft ?? Math.max(1000, timeoutMs - TIMEOUT_HEADROOM_MS),
    ...(input === undefined ? {} : { input }),
  });
  ctx.log.debug({ tool: def.name, exitCode: res.exitCode, ms: Math.round(res.durationMs), timedOut: res.timedOut }, 'fly: flyctl finished');

  if (res.cancelled) {
    const reason: unknown = ctx.signal.reason;
    throw reason instanceof Error ? reason : new Error(`${def.name} was cancelled; flyctl was stopped.`);
  }
  if (res.spawnError) {
    // The binary may have been removed (an upgrade in progress) since it was found.
    rt.invalidate();
    const again = await rt.locate();
    if (!again.path) throw new FlyctlNotFoundError(again, { settingsPath: rt.ctx.settings.path });
    throw new Error(`Could not start flyctl at ${binary}: ${res.spawnError}. Check the file is an executable flyctl, or set another path in Tarmac Settings (flyctlPath).`);
  }
  if (res.timedOut && soft === undefined) {
    const detail = errorLines(res.stderr, res.stdout);
    return {
      isError: true,
      text: scrub(
        `flyctl did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (with any process it started). ` +
          'The operation may still have taken effect on Fly.io: check with a read tool (fly-status, fly-machine-list, ...) before retrying.' +
          (detail ? `\nLast output:\n${detail}` : ''),
      ),
    };
  }
  if (!res.timedOut && res.exitCode !== 0) return failure(rt, def, binary, res, scrub);
  // An older flyctl without the subcommand may print its group's help and exit 0 (cobra does that
  // for nested command groups): that is not an answer to pass on.
  const missing = missingSubcommand(res.stdout, argv);
  if (missing) return tooOld(rt, def, binary, `has no "${missing.command}" command (it printed the help of "flyctl ${missing.group}" instead)`, scrub);

  return success(def, args, res, soft, scrub, ctx);
}

/** One line: the installed version, what it lacks, and that updating flyctl adds it. */
async function tooOld(rt: FlyRuntime, def: FlyToolDef, binary: string, what: string, scrub: (t: string) => string): Promise<ToolOutput> {
  const version = await rt.version(binary);
  return {
    isError: true,
    text: scrub(
      `This flyctl (${version ? `v${version}` : 'unknown version'}, ${binary}) is too old for ${def.name}: it ${what}. ` +
        'Updating flyctl (`fly version upgrade`, or `brew upgrade flyctl` for a Homebrew install) adds it; then try again.',
    ),
  };
}

/**
 * flyctl's help for a command group ("Usage:\n  flyctl machine [command]" + "Available
 * Commands:") where the tool ran a subcommand of that group: the subcommand does not exist.
 */
export function missingSubcommand(stdout: string, argv: readonly string[]): { group: string; command: string } | null {
  if (!/^Available Commands:/m.test(stdout)) return null;
  const usage = /^Usage:\s*\n\s+(?:flyctl|fly)((?: [\w-]+)*) \[command\]/m.exec(stdout);
  if (!usage) return null;
  const group = usage[1]!.trim().split(' ').filter(Boolean);
  const words = argv.slice(0, group.length + 1);
  if (words.length <= group.length || group.some((w, i) => words[i] !== w) || words[group.length]!.startsWith('-')) return null;
  return { group: group.join(' '), command: words.join(' ') };
}

async function failure(rt: FlyRuntime, def: FlyToolDef, binary: string, res: RunResult, scrub: (t: string) => string): Promise<ToolOutput> {
  const detail = errorLines(res.stderr, res.stdout);
  const unsupported = /unknown (?:command|flag|shorthand flag)\b[^\n]*/i.exec(detail);
  if (unsupported) return tooOld(rt, def, binary, `answered "${unsupported[0].trim()}"`, scrub);
  const how = res.exitCode === null ? 'was terminated' : `failed (exit code ${res.exitCode})`;
  const hint = /no access token available|not authenticated|must be authenticated|token (?:has )?expired/i.test(detail)
    ? "\nSign in to Fly.io in Tarmac (Accounts), or run \"fly auth login\" in a terminal, then try again."
    : '';
  return { isError: true, text: scrub(`flyctl ${how}:\n${detail || '(flyctl printed no error message)'}${hint}`) };
}

function success(def: FlyToolDef, args: Record<string, unknown>, res: RunResult, soft: number | undefined, scrub: (t: string) => string, ctx: ToolContext): ToolOutput {
  const notes: string[] = [];
  if (res.stdoutTruncated) notes.push('(flyctl printed more than Tarmac reads; the output was cut)');

  if (def.render) {
    const parsed = extractJson(res.stdout);
    if (!parsed) {
      return finish(`${res.stdout.trim() || '(flyctl printed nothing)'}`, undefined, [...notes, '(flyctl did not print valid JSON; shown as text)'], scrub);
    }
    // D16: lines flyctl prints around the JSON (plan notices, "Showing N of M") are kept as notes.
    notes.push(...parsed.extra, ...warnings(res.stderr));
    const structured = isRecord(parsed.data) ? parsed.data : { [def.listKey ?? 'items']: parsed.data };
    return finish(def.render(parsed.data), fitting(def, structured, ctx), notes, scrub);
  }

  // flyctl reports some outcomes on stderr only; a bounded read (logs) wants flyctl's data alone.
  const out = res.stdout.trim() || soft !== undefined ? res.stdout : res.stderr.split('\n').filter((l) => !isNoise(l)).join('\n');
  if (soft !== undefined && res.timedOut) notes.push(`(stopped waiting after ${Math.round(soft / 1000)} s)`);
  const answer = def.text ? def.text(out, args) : { text: out.trim() };
  return finish(answer.text, answer.structured && fitting(def, answer.structured, ctx), notes, scrub);
}

const outputSchemas = new WeakMap<FlyToolDef, z.ZodType>();

/**
 * The structured answer when it fits the tool's declared outputSchema; otherwise nothing (the
 * answer goes out as text, with `{}` as its structured content). flyctl is the user's own, of
 * any version: a shape this Tarmac does not know must not turn a good answer into an error
 * (the MCP SDK and clients check structuredContent against the schema). It is logged.
 */
function fitting(def: FlyToolDef, structured: Record<string, unknown>, ctx: ToolContext): Record<string, unknown> | undefined {
  if (!def.output) return structured;
  let schema = outputSchemas.get(def);
  if (!schema) outputSchemas.set(def, (schema = outputSchemaOf(def.output)));
  const checked = schema.safeParse(structured);
  if (checked.success) return structured;
  const issues = checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  ctx.log.warn({ tool: def.name, issues }, 'fly: flyctl printed JSON of a shape this Tarmac does not declare; answering with text only');
  return undefined;
}

function finish(text: string, structured: Record<string, unknown> | undefined, notes: string[], scrub: (t: string) => string): ToolOutput {
  let body = scrub([text, ...notes].filter(Boolean).join('\n'));
  let payload = structured;
  if (payload && Buffer.byteLength(JSON.stringify(payload)) > MAX_OUTPUT_BYTES) {
    payload = undefined;
    body += '\n(the full JSON is larger than 1 MiB and was left out; narrow the request)';
  }
  body = capText(body, { maxBytes: MAX_OUTPUT_BYTES });
  return payload ? { text: body, structured: payload } : { text: body };
}

/** flyctl's error message: from its first "Error" line on, without usage hints and update notices. */
export function errorLines(stderr: string, stdout: string): string {
  const source = stderr.trim() ? stderr : stdout;
  const lines = source.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !isNoise(l));
  const first = lines.findIndex((l) => /^\s*Error\b/i.test(l));
  const picked = first >= 0 ? lines.slice(first) : lines.slice(-20);
  const text = picked.slice(0, 40).join('\n');
  return text.length > 4000 ? `${text.slice(0, 4000)}...` : text;
}

function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !isNoise(l))
    .slice(0, 5);
}

function isNoise(line: string): boolean {
  return /^Run '.*--help' for usage\.?$/.test(line.trim()) || /new release of flyctl|^To upgrade, run|flyctl version upgrade/i.test(line);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Replaces, in a text, every argument string that redaction masks (an env entry, a command with a
 * password, a secret to set) by its masked form; the values themselves are learnt by the redactor
 * as transient secrets. flyctl's argv (for the log) and its output (an error may echo an
 * argument) pass through it. Secret values of 4 or 5 characters, too short for the redactor to
 * scrub from every text, are still taken out of this call's own output.
 */
function hider(rt: FlyRuntime, def: FlyToolDef, args: Record<string, unknown>): (text: string) => string {
  const masked = rt.ctx.redactor.toolArgs(args, def);
  const pairs = new Map<string, string>();
  for (const [raw, shown] of maskedStrings(args, masked)) {
    if (raw.length >= 4) pairs.set(raw, shown);
  }
  for (const [name, value] of Object.entries(args)) {
    const kind = def.redactArgs?.[name] ?? (def.secretArgs?.includes(name) ? 'secret' : null);
    if (kind !== 'secret' && kind !== 'secret-values') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') continue;
      const v = kind === 'secret-values' && item.includes('=') ? item.slice(item.indexOf('=') + 1) : item;
      if (v.length >= 4 && !pairs.has(v)) pairs.set(v, '[redacted]');
    }
  }
  const ordered = [...pairs].sort(([a], [b]) => b.length - a.length);
  return (text) => ordered.reduce((out, [raw, shown]) => out.split(raw).join(shown), text);
}
