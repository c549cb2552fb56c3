/**
 * The Fly tools as the installed flyctl has them: a layer over the table in tools.ts, applied
 * where the catalogue is built. The version table (flyctl-versions.ts) decides first; where it
 * knows nothing of a release, that flyctl's `--help` does; where the help did not parse, the
 * reference release's tools and arguments stay (nothing is taken away on a guess).
 */
import { z } from 'zod';
import { ArgvBuilder } from './argv.js';
import type { FlyctlFacts } from './capabilities.js';
import { flagOf, TOOL_COMMANDS } from './commands.js';
import { eraOf, REFERENCE_FLYCTL, REMOVED_ARGS, NEWEST_SEEN_FLYCTL, type RemovedArg } from './flyctl-versions.js';
import type { FlyToolDef } from './tools.js';

/** One Fly tool as offered with this flyctl. */
export interface FlyToolChoice {
  def: FlyToolDef;
  /** Set when this flyctl lacks the tool's command: the one line a call gets. */
  unavailable?: string;
  /** Upstream arguments this flyctl does not take, each with the one line a call naming it gets. */
  unsupportedArgs?: Record<string, string>;
  /** What differs from the reference release, for the status line (empty: nothing). */
  changes: { removed: string[]; added: string[] };
}

const UPDATE = 'update flyctl (`fly version upgrade`, or `brew upgrade flyctl` for a Homebrew install)';

/** The commands whose --help decides something at this version (none at the reference release). */
export function helpNeeded(version: string | null, defs: readonly FlyToolDef[]): string[] {
  const era = eraOf(version);
  if (era === 'unknown' || era === 'reference') return [];
  // Releases the reference saw have the same tools; only their arguments are asked about.
  const tools = era === 'seen' ? defs.filter((d) => optionalArgs(d).length > 0) : defs;
  return [...new Set(tools.map((d) => TOOL_COMMANDS[d.name]).filter((c): c is string => Boolean(c)))];
}

export function chooseFlyTools(defs: readonly FlyToolDef[], facts: FlyctlFacts | null): FlyToolChoice[] {
  return defs.map((def) => chooseOne(def, facts));
}

function chooseOne(def: FlyToolDef, facts: FlyctlFacts | null): FlyToolChoice {
  const version = facts?.version ?? null;
  const era = eraOf(version);
  const command = TOOL_COMMANDS[def.name];
  const help = command ? facts?.help[command] : undefined;
  const v = `v${version}`;

  if (help === 'missing' && era !== 'reference' && era !== 'seen') {
    const has = era === 'newer' ? `flyctl v${REFERENCE_FLYCTL} had it; this newer release has no such command` : `flyctl v${REFERENCE_FLYCTL} has it: ${UPDATE}, and Tarmac offers it again`;
    return { def, unavailable: `${def.name} is not available with the installed flyctl (${v}): it has no "flyctl ${command}" command; ${has}.`, changes: { removed: [], added: [] } };
  }

  const listed = help && help !== 'missing' ? help.flags : null;
  const unsupported: Record<string, string> = {};
  const removed: string[] = [];
  // The reference release's optional arguments: its help decides, except at releases the table knows.
  if (listed && era !== 'reference' && era !== 'unknown') {
    for (const arg of optionalArgs(def)) {
      const flag = flagOf(def.name, arg);
      if (!flag || flag.slice(2) in listed) continue;
      removed.push(arg);
      const history =
        era === 'older'
          ? `flyctl v${REFERENCE_FLYCTL} has it: ${UPDATE} to use it`
          : `flyctl v${REFERENCE_FLYCTL} had it; this newer release dropped or renamed it, so leave it out`;
      unsupported[arg] = `${def.name} has no "${arg}" argument with the installed flyctl (${v}): "flyctl ${command} --help" lists no ${flag}; ${history}.`;
    }
  }

  // Arguments older releases had: offered only when this flyctl lists them and the table allows.
  const added: RemovedArg[] = [];
  for (const extra of REMOVED_ARGS.filter((r) => r.tools.includes(def.name))) {
    const gone = era === 'reference' || era === 'seen' || era === 'newer';
    if (!gone && listed && extra.flag.slice(2) in listed) {
      added.push(extra);
      continue;
    }
    const why = gone
      ? `${extra.history}`
      : listed
        ? `"flyctl ${command} --help" lists no ${extra.flag}`
        : `Tarmac offers it only when the installed flyctl's "flyctl ${command} --help" lists ${extra.flag}`;
    unsupported[extra.name] = `${def.name} has no "${extra.name}" argument with the installed flyctl (${version ? v : 'unknown version'}): ${why}. Leave it out.`;
  }

  if (removed.length === 0 && added.length === 0) return { def, unsupportedArgs: unsupported, changes: { removed, added: [] } };
  return {
    def: adapt(def, removed, added, listed ?? {}),
    unsupportedArgs: unsupported,
    changes: { removed, added: added.map((a) => a.name) },
  };
}

/** The tool with some arguments taken out and older releases' ones put in (their flags appended). */
function adapt(def: FlyToolDef, removed: readonly string[], added: readonly RemovedArg[], listed: Record<string, string>): FlyToolDef {
  const input: Record<string, z.ZodType> = Object.fromEntries(Object.entries(def.input).filter(([k]) => !removed.includes(k))) as Record<string, z.ZodType>;
  for (const extra of added) input[extra.name] = extraSchema(extra, listed[extra.flag.slice(2)] ?? '');
  return {
    ...def,
    input,
    argv: (args) => {
      const b = new ArgvBuilder().word(...def.argv(args));
      for (const extra of added) b.flag(extra.flag, extra.name, (args as Record<string, string | number | undefined>)[extra.name]);
      return b.build();
    },
  };
}

function extraSchema(extra: RemovedArg, helpText: string): z.ZodType {
  // What this flyctl's own help says of the flag (the GPU models it knows, for one).
  const says = helpText ? ` This flyctl's help: "${helpText}".` : '';
  if (extra.name === 'vm-gpus') {
    return z.number().int().min(0).optional().describe(`Number of GPUs to attach; set vm-gpu-kind too.${says}`);
  }
  return z.string().optional().describe(`GPU model to attach.${says}`);
}

/** Arguments a call may leave out: the ones whose flag the installed flyctl may lack. */
function optionalArgs(def: FlyToolDef): string[] {
  return Object.entries(def.input)
    .filter(([, schema]) => (schema as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

/** One line for the status: how many tools this flyctl gets and what differs from the reference release. */
export function toolsSummary(choices: readonly FlyToolChoice[], facts: FlyctlFacts | null): string {
  const offered = choices.filter((c) => !c.unavailable);
  const parts = [`${offered.length} of ${choices.length}`];
  const missing = choices.filter((c) => c.unavailable).map((c) => c.def.name);
  if (missing.length) parts.push(`not with this flyctl: ${missing.join(', ')}`);
  const removed = choices.flatMap((c) => c.changes.removed.map((a) => `${c.def.name} ${a}`));
  if (removed.length) parts.push(`arguments it lacks: ${removed.length > 4 ? `${removed.slice(0, 4).join(', ')} and ${removed.length - 4} more` : removed.join(', ')}`);
  const added = [...new Set(choices.flatMap((c) => c.changes.added))];
  if (added.length) parts.push(`arguments only older releases have: ${added.join(', ')}`);
  const era = eraOf(facts?.version ?? null);
  if (era === 'older' || era === 'newer' || era === 'seen') {
    const read = Object.values(facts?.help ?? {}).some((h) => h && h !== 'missing');
    parts.push(read ? 'learnt from its --help' : `its --help could not be read: tools as flyctl v${REFERENCE_FLYCTL}`);
  }
  return parts.join('; ');
}

export { NEWEST_SEEN_FLYCTL, REFERENCE_FLYCTL };
