/**
 * What Tarmac knows about flyctl releases, as facts with their source (the shared reference,
 * flyctl-tools.md and anchors.md). Only these decide by version; for any other release the
 * installed flyctl's own `--help` is asked (help.ts), and where that does not parse, nothing
 * Tarmac offers at the reference release is taken away.
 */

/**
 * The release the reference catalogue describes (superfly/flyctl ad0172fa, v0.4.87-6,
 * 2026-08-21): every Fly tool of Tarmac's table and every argument is this release's.
 */
export const REFERENCE_FLYCTL = '0.4.87';

/** The newest release the reference saw; `fly mcp server` still had the same 60 tools (anchors.md). */
export const NEWEST_SEEN_FLYCTL = '0.4.96';

/**
 * Arguments older releases had that the reference release does not: flyctl 0.4.x removed the GPU
 * flags (`--vm-gpus`, `--vm-gpu-kind`) from the machine commands in 2026; 0.4.87 has none.
 * Offered only when the installed flyctl's help lists the flag.
 */
export interface RemovedArg {
  name: string;
  /** The flag it became on the command line. */
  flag: string;
  tools: readonly string[];
  /** From this release on it is gone (the table decides without asking flyctl). */
  goneBy: string;
  /** Said in the one line a call naming it gets. */
  history: string;
}

const GPU_TOOLS = ['fly-machine-clone', 'fly-machine-create', 'fly-machine-run', 'fly-machine-update'] as const;
const GPU_HISTORY = `flyctl 0.4 removed the GPU flags from the machine commands in 2026 (v${REFERENCE_FLYCTL} has none)`;

export const REMOVED_ARGS: readonly RemovedArg[] = [
  { name: 'vm-gpu-kind', flag: '--vm-gpu-kind', tools: GPU_TOOLS, goneBy: REFERENCE_FLYCTL, history: GPU_HISTORY },
  { name: 'vm-gpus', flag: '--vm-gpus', tools: GPU_TOOLS, goneBy: REFERENCE_FLYCTL, history: GPU_HISTORY },
];

/** `0.4.87`, `v0.4.87`, `0.4.87-6-gad0172fac` -> [0, 4, 87]; null when it is no x.y.z version. */
export function versionCore(version: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * Orders two flyctl versions by x.y.z: a development build (`0.4.87-6-gad0172fac`, what the
 * reference ran) is its release. NaN when either is not a version.
 */
export function compareVersions(a: string, b: string): number {
  const x = versionCore(a);
  const y = versionCore(b);
  if (!x || !y) return Number.NaN;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** Where a release stands against what the table knows. */
export type Era = 'unknown' | 'older' | 'reference' | 'seen' | 'newer';

export function eraOf(version: string | null): Era {
  if (version === null || !versionCore(version)) return 'unknown';
  const ref = compareVersions(version, REFERENCE_FLYCTL);
  if (ref < 0) return 'older';
  if (ref === 0) return 'reference';
  return compareVersions(version, NEWEST_SEEN_FLYCTL) <= 0 ? 'seen' : 'newer';
}
