/**
 * Reading `flyctl <command> --help` (cobra's help): which flags the command takes, or that the
 * command does not exist. Anything else is "did not parse" (null), which never takes anything away.
 */

/** What one command's help said: its flags (name -> description), that it is missing, or nothing usable. */
export type HelpFacts = { flags: Record<string, string> } | 'missing' | null;

export interface HelpRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const MAX_DESCRIPTION = 200;

/** `command` is the words Tarmac runs ("machine run"); `run` what `flyctl machine run --help` printed. */
export function parseHelp(command: string, run: HelpRun): HelpFacts {
  const words = command.split(' ');
  const text = `${run.stdout}\n${run.stderr}`;
  if (run.exitCode !== 0) {
    // cobra: `Error: unknown command "x" for "flyctl"` (a top-level command this flyctl lacks).
    const m = /unknown command "([\w-]+)" for "(?:flyctl|fly)((?: [\w-]+)*)"/.exec(text);
    return m && words.includes(m[1]!) ? 'missing' : null;
  }
  const usage = /^Usage:[ \t]*\r?\n[ \t]+(?:flyctl|fly)((?: [\w-]+)*)(.*)$/m.exec(run.stdout);
  if (!usage) return null;
  const path = usage[1]!.trim().split(' ').filter(Boolean);
  // An unknown subcommand of a group gets the group's help (cobra shows the deepest command it found).
  if (path.length < words.length && /\[command\]/.test(usage[2]!) && /^Available Commands:/m.test(run.stdout)) return 'missing';
  if (path.length !== words.length) return null;
  // The help names the command's own name; ours may be an alias (`certs show` is `certs check`).
  const last = words.at(-1)!;
  if (path.at(-1) !== last && !aliases(run.stdout).includes(last)) return null;
  const flags = flagsOf(run.stdout);
  return Object.keys(flags).length > 0 ? { flags } : null;
}

function aliases(help: string): string[] {
  const m = /^Aliases:[ \t]*\r?\n[ \t]+(.+)$/m.exec(help);
  return m ? m[1]!.split(',').map((a) => a.trim()) : [];
}

/** The rows of the "Flags:" and "Global Flags:" sections: `  -a, --app string   Application name`. */
function flagsOf(help: string): Record<string, string> {
  const flags: Record<string, string> = {};
  let inFlags = false;
  for (const line of help.split(/\r?\n/)) {
    if (/^(?:Global )?Flags:\s*$/.test(line)) {
      inFlags = true;
      continue;
    }
    if (!inFlags) continue;
    if (line.trim() === '') {
      inFlags = false;
      continue;
    }
    const m = /^\s+(?:-\S, )?--([A-Za-z0-9][\w-]*)(?: \S+)?(?:\s{2,}(.*))?$/.exec(line);
    if (m) flags[m[1]!] = cleanText(m[2] ?? '');
  }
  return flags;
}

/** A description as a model may read it: printable, one line, bounded. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DESCRIPTION ? `${flat.slice(0, MAX_DESCRIPTION)}...` : flat;
}
