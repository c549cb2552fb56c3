/**
 * Which tools' answers come with a view (MCP Apps, extension io.modelcontextprotocol/ui): the
 * answers people look at rather than read. Keyed by tool name, apart from the tools themselves:
 * a tool's definition (its provider file) does not change for a client that renders views.
 */
export interface ViewSpec {
  /** The view's name in the views bundle (src/views/main.tsx) and in its URI. */
  id: 'devices' | 'fleet' | 'machines' | 'logs';
  uri: string;
  title: string;
  description: string;
  /** The tools whose results it shows; each tool has at most one view. */
  tools: readonly string[];
}

const view = (id: ViewSpec['id'], title: string, description: string, tools: readonly string[]): ViewSpec => ({ id, uri: `ui://tarmac/${id}.html`, title, description, tools });

export const VIEWS: readonly ViewSpec[] = [
  view('devices', 'Flight Control devices', 'A table of devices with their status, update state and application health, filtered by status, fleet, name or label.', ['query_devices']),
  view('fleet', 'Fleet rollout', "A fleet's rollout: its state and batch, and how many of its devices are up to date, online and healthy.", ['get_fleet']),
  view('machines', 'Fly machines', "An app's machines by region and state, with their image, size and health checks.", ['fly-machine-list']),
  view('logs', 'Recent logs', "An app's recent log lines, filtered by level, source or text.", ['fly-logs']),
];

const BY_TOOL = new Map(VIEWS.flatMap((v) => v.tools.map((t) => [t, v] as const)));

export function viewForTool(tool: string): ViewSpec | undefined {
  return BY_TOOL.get(tool);
}
