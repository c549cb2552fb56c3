import type { ToolClass, ToolFacts } from './policy.js';
import { TOOLSETS, toolsetOf } from './toolsets.js';

/**
 * A profile says what one client sees. `bounds`: the toolsets and tools it may ever see (and
 * call), optionally read tools only; widening them is a loosening. `start`: what tools/list
 * shows before any discovery (always within the bounds). `accounts`: which account of each back
 * end the profile's calls use ("default" unless bound to another; see accountOf).
 */
export interface ProfileDef {
  name: string;
  description: string;
  bounds: {
    /** Toolset names; "*" is every toolset and every tool (also tools outside any toolset). */
    toolsets: readonly string[];
    /** Single tools besides the toolsets. */
    tools?: readonly string[];
    /** Only tools of class read, whatever the toolsets hold. */
    readOnly?: boolean;
  };
  start: {
    /** Everything within the bounds. */
    all?: boolean;
    toolsets?: readonly string[];
    tools?: readonly string[];
    /** Every tool of these classes within the bounds. */
    classes?: readonly ToolClass[];
    /** Tarmac's discovery tools (tarmac_list_toolsets, ...), so the agent can enable more. */
    discovery?: boolean;
  };
  /** Back end id -> account id. Absent: "default" (ProfileState.accounts wins over this). */
  accounts?: Readonly<Record<string, string>>;
}

/** The account every back end has (the sign-in of the time before several accounts). */
export const DEFAULT_ACCOUNT = 'default';

/** A client with no profile set (one from before profiles, or made by `tarmac token create`). */
export const UNASSIGNED_PROFILE = 'everything';
/** What a client added by `tarmac register`, the Clients page or OAuth sign-in gets. */
export const NEW_CLIENT_PROFILE = 'essentials';

const ALL = ['*'] as const;
const toolsetsOf = (provider: string) => TOOLSETS.filter((t) => t.provider === provider).map((t) => t.name);

export const SHIPPED_PROFILES: readonly ProfileDef[] = [
  {
    name: 'essentials',
    description: 'Every toolset within reach; lists the read tools of both back ends, and the agent enables more when it needs them.',
    bounds: { toolsets: ALL },
    start: { classes: ['read'], discovery: true },
  },
  { name: 'fly', description: 'Fly.io only: every Fly.io tool listed.', bounds: { toolsets: toolsetsOf('fly') }, start: { all: true } },
  { name: 'flightctl', description: 'Flight Control only: every Flight Control tool listed.', bounds: { toolsets: toolsetsOf('flightctl') }, start: { all: true } },
  { name: 'everything', description: 'Every tool listed, as before profiles.', bounds: { toolsets: ALL }, start: { all: true } },
];

export const SHIPPED_PROFILE_NAMES: readonly string[] = SHIPPED_PROFILES.map((p) => p.name);

/** Profile names: short, lower case, safe in a command line. */
export const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The protected part: custom profiles and which profile each client has. */
export interface ProfileState {
  defs: Readonly<Record<string, ProfileDef>>;
  clients: Readonly<Record<string, string>>;
  /** Profile name -> back end -> account id, for any profile (shipped ones too); wins over def.accounts. */
  accounts?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const NO_PROFILES: ProfileState = { defs: {}, clients: {} };

/** The names of Tarmac's discovery tools (served by Tarmac itself, not a back end). */
export const DISCOVERY_TOOLS = ['tarmac_list_toolsets', 'tarmac_get_toolset_tools', 'tarmac_enable_toolset'] as const;

/** A profile by name: shipped ones first (a custom one cannot take their names). */
export function profileNamed(state: ProfileState, name: string): ProfileDef | undefined {
  return SHIPPED_PROFILES.find((p) => p.name === name) ?? (Object.hasOwn(state.defs, name) ? state.defs[name] : undefined);
}

export function allProfiles(state: ProfileState): ProfileDef[] {
  return [...SHIPPED_PROFILES, ...Object.values(state.defs).sort((a, b) => a.name.localeCompare(b.name))];
}

/** The name of the client's profile (a client with none has "everything"). */
export function profileOf(state: ProfileState, client: string): string {
  return Object.hasOwn(state.clients, client) ? (state.clients[client] ?? UNASSIGNED_PROFILE) : UNASSIGNED_PROFILE;
}

function toolsetFor(tool: ToolFacts): string | undefined {
  return tool.toolset ?? toolsetOf(tool.name);
}

/** Is this tool within the profile's bounds? An unknown profile (null) has none: fails closed. */
export function inBounds(def: ProfileDef | undefined, tool: ToolFacts): boolean {
  if (!def) return false;
  if (def.bounds.readOnly && tool.class !== 'read') return false;
  if (def.bounds.toolsets.includes('*')) return true;
  const set = toolsetFor(tool);
  return (set !== undefined && def.bounds.toolsets.includes(set)) || (def.bounds.tools ?? []).includes(tool.name);
}

/** The names of every tool within the bounds. */
export function boundsOf(def: ProfileDef | undefined, tools: readonly ToolFacts[]): Set<string> {
  return new Set(tools.filter((t) => inBounds(def, t)).map((t) => t.name));
}

/** The starting list: what tools/list shows before discovery (within the bounds). */
export function startOf(def: ProfileDef | undefined, tools: readonly ToolFacts[]): Set<string> {
  if (!def) return new Set();
  const s = def.start;
  return new Set(
    tools
      .filter((t) => inBounds(def, t))
      .filter((t) => {
        const set = toolsetFor(t);
        return s.all || (set !== undefined && (s.toolsets ?? []).includes(set)) || (s.tools ?? []).includes(t.name) || (s.classes ?? []).includes(t.class);
      })
      .map((t) => t.name),
  );
}

/** What one client sees: its profile, the tools it may call, those listed, and its toolsets. */
export interface ClientListing {
  profile: string;
  /** Tools within the bounds (calls to any other are refused, naming the profile). */
  bounds: ReadonlySet<string>;
  /** Tools in tools/list now: the starting list plus enabled toolsets, minus tools turned off. */
  listed: ReadonlySet<string>;
  /** The profile holds the discovery tools. */
  discovery: boolean;
  /** Toolsets with at least one tool within the bounds, and whether all of those are listed. */
  toolsets: { name: string; description: string; tools: string[]; enabled: boolean }[];
}

/**
 * The listing from the state in force. `confirmed`: what a person last confirmed, when the file
 * differs: a tool must be within both bounds (a hand edit cannot widen them without a person).
 */
export function clientListing(
  state: ProfileState,
  confirmed: ProfileState | undefined,
  enabledToolsets: readonly string[],
  disabledTools: readonly string[],
  client: string,
  tools: readonly ToolFacts[],
): ClientListing {
  const profile = profileOf(state, client);
  const def = profileNamed(state, profile);
  let bounds = boundsOf(def, tools);
  if (confirmed) {
    const theirs = boundsOf(profileNamed(confirmed, profileOf(confirmed, client)), tools);
    bounds = new Set([...bounds].filter((n) => theirs.has(n)));
  }
  const off = new Set(disabledTools);
  const start = startOf(def, tools);
  const enabled = new Set(enabledToolsets);
  const listed = new Set(
    tools.filter((t) => bounds.has(t.name) && !off.has(t.name) && (start.has(t.name) || enabled.has(toolsetFor(t) ?? ''))).map((t) => t.name),
  );
  const toolsets = TOOLSETS.map((set) => ({ set, reachable: set.tools.filter((n) => bounds.has(n) && !off.has(n)) }))
    .filter(({ reachable }) => reachable.length > 0)
    .map(({ set, reachable }) => ({ name: set.name, description: set.description, tools: reachable, enabled: reachable.every((n) => listed.has(n)) }));
  return { profile, bounds, listed, discovery: def?.start.discovery === true, toolsets };
}

/**
 * What `after` widens compared with `before`, in words, for every client named in either: a
 * client moved to a profile with wider bounds, or its profile's bounds widened.
 */
export function profileWidenings(before: ProfileState, after: ProfileState, tools: readonly ToolFacts[]): string[] {
  const out: string[] = [];
  const clients = [...new Set([...Object.keys(before.clients), ...Object.keys(after.clients)])].sort();
  for (const client of clients) {
    const was = profileOf(before, client);
    const now = profileOf(after, client);
    const wasBounds = boundsOf(profileNamed(before, was), tools);
    const added = [...boundsOf(profileNamed(after, now), tools)].filter((n) => !wasBounds.has(n));
    if (added.length === 0) continue;
    const what = `${added.length} more tool${added.length === 1 ? '' : 's'}`;
    out.push(was === now ? `${client}: profile ${now} widened (${what})` : `${client}: profile ${was} -> ${now} (${what})`);
  }
  return out;
}

/** A profile definition that names only toolsets and tools that exist; throws what is wrong. */
export function checkProfileDef(def: ProfileDef, tools: readonly ToolFacts[]): void {
  if (!PROFILE_NAME.test(def.name)) throw new Error(`"${def.name}" is not a profile name: use 1-40 of a-z 0-9 _ - (starting with a letter or digit).`);
  if (SHIPPED_PROFILE_NAMES.includes(def.name)) throw new Error(`"${def.name}" is a profile Tarmac ships: choose another name.`);
  const sets = new Set(['*', ...TOOLSETS.map((t) => t.name)]);
  const names = new Set(tools.map((t) => t.name));
  for (const s of [...def.bounds.toolsets, ...(def.start.toolsets ?? [])]) {
    if (!sets.has(s)) throw new Error(`"${s}" is not a toolset; the toolsets are ${TOOLSETS.map((t) => t.name).join(', ')} (or * for all).`);
  }
  for (const n of [...(def.bounds.tools ?? []), ...(def.start.tools ?? [])]) if (!names.has(n)) throw new Error(`"${n}" is not a tool of this Tarmac: \`tarmac policy show\` lists them.`);
  if (def.bounds.toolsets.length === 0 && (def.bounds.tools ?? []).length === 0) throw new Error('A profile needs at least one toolset or tool in its bounds.');
}

/** One profile as the window shows it. */
export interface ProfileView {
  name: string;
  /** As saved (what the window's editor starts from for a profile of the person's own). */
  def: ProfileDef;
  description: string;
  shipped: boolean;
  /** Tools a client with it may ever call. */
  bounds: string[];
  /** Tools its list starts with (before discovery). */
  start: string[];
  discovery: boolean;
  readOnly: boolean;
  /** What the starting list costs a model, in tokens (o200k). */
  tokens: number;
  clients: string[];
}

/** One MCP client's profile, as the Clients page shows it. */
export interface ClientProfileView {
  client: string;
  profile: string;
  /** Toolsets its agent enabled through discovery (a person can reset them). */
  enabledToolsets: string[];
  /** Tools in its tools/list now, and what they cost. */
  listed: number;
  tokens: number;
}

export interface ProfilesView {
  profiles: ProfileView[];
  clients: ClientProfileView[];
}

/** The account id a profile's calls to `backend` use. */
export function accountOf(state: ProfileState, profile: string, backend: string): string {
  const bound = state.accounts?.[profile];
  if (bound && Object.hasOwn(bound, backend)) return bound[backend] ?? DEFAULT_ACCOUNT;
  const def = profileNamed(state, profile);
  return (def?.accounts && Object.hasOwn(def.accounts, backend) ? def.accounts[backend] : undefined) ?? DEFAULT_ACCOUNT;
}

/**
 * Profiles whose account binding `after` changes, in words. Pointing a profile at another account
 * is at least as sensitive as widening it (other credentials, maybe another organization), so
 * every change counts as a loosening.
 */
export function accountRebindings(before: ProfileState, after: ProfileState, backends: readonly string[]): string[] {
  const out: string[] = [];
  const names = [...new Set([...allProfiles(before), ...allProfiles(after)].map((p) => p.name))].sort();
  for (const name of names) {
    for (const backend of backends) {
      const was = accountOf(before, name, backend);
      const now = accountOf(after, name, backend);
      if (was !== now) out.push(`profile ${name}: ${backend} account ${was} -> ${now}`);
    }
  }
  return out;
}

/**
 * The account id a client's calls to `backend` use. When the file differs from what a person
 * confirmed, the confirmed binding holds: a hand edit cannot point calls at other credentials.
 */
export function clientAccount(state: ProfileState, confirmed: ProfileState | undefined, client: string, backend: string): string {
  const from = confirmed ?? state;
  return accountOf(from, profileOf(from, client), backend);
}
