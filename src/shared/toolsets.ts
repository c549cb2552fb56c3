/**
 * The tools grouped the way people think of them. Every tool of the shipped back ends belongs to
 * exactly one toolset (a unit test checks it); upstream tool names do not change, so membership
 * is listed here by name rather than derived from a prefix.
 */
export interface ToolsetDef {
  name: string;
  provider: string;
  /** One line for a model and a person: what the toolset covers. */
  description: string;
  tools: readonly string[];
}

export const TOOLSETS: readonly ToolsetDef[] = [
  { name: 'fly-apps', provider: 'fly', description: 'Fly.io apps: list, create, move, restart, destroy, releases.', tools: ['fly-apps-list', 'fly-apps-create', 'fly-apps-move', 'fly-apps-restart', 'fly-apps-destroy', 'fly-apps-releases'] },
  {
    name: 'fly-machines',
    provider: 'fly',
    description: 'Fly Machines: list, status, run, create, update, start/stop, exec, clone, leases, cordon, egress IPs, destroy.',
    tools: [
      'fly-machine-list',
      'fly-machine-status',
      'fly-machine-run',
      'fly-machine-create',
      'fly-machine-update',
      'fly-machine-clone',
      'fly-machine-start',
      'fly-machine-stop',
      'fly-machine-suspend',
      'fly-machine-restart',
      'fly-machine-kill',
      'fly-machine-destroy',
      'fly-machine-exec',
      'fly-machine-cordon',
      'fly-machine-upcordon',
      'fly-machine-leases-view',
      'fly-machine-leases-clear',
      'fly-machine-egress-ip-list',
      'fly-machine-egress-ip-allocate',
      'fly-machine-egress-ip-release',
    ],
  },
  { name: 'fly-logs', provider: 'fly', description: "Fly.io app logs and status: an app's recent log lines and its machines at a glance.", tools: ['fly-logs', 'fly-status'] },
  { name: 'fly-certs', provider: 'fly', description: 'TLS certificates of Fly.io apps: list, show, check, add, remove.', tools: ['fly-certs-list', 'fly-certs-show', 'fly-certs-check', 'fly-certs-add', 'fly-certs-remove'] },
  { name: 'fly-ips', provider: 'fly', description: 'IP addresses of Fly.io apps: list, private, allocate v4/v6, release.', tools: ['fly-ips-list', 'fly-ips-private', 'fly-ips-allocate-v4', 'fly-ips-allocate-v6', 'fly-ips-release'] },
  { name: 'fly-orgs', provider: 'fly', description: 'Fly.io organizations: list, show, create, invite, remove members, delete.', tools: ['fly-orgs-list', 'fly-orgs-show', 'fly-orgs-create', 'fly-orgs-invite', 'fly-orgs-remove', 'fly-orgs-delete'] },
  { name: 'fly-secrets', provider: 'fly', description: "Fly.io app secrets: list names, set, unset, deploy staged secrets.", tools: ['fly-secrets-list', 'fly-secrets-set', 'fly-secrets-unset', 'fly-secrets-deploy'] },
  {
    name: 'fly-volumes',
    provider: 'fly',
    description: 'Fly.io volumes and their snapshots: list, show, create, extend, fork, update, snapshot, destroy.',
    tools: ['fly-volumes-list', 'fly-volumes-show', 'fly-volumes-create', 'fly-volumes-extend', 'fly-volumes-fork', 'fly-volumes-update', 'fly-volumes-destroy', 'fly-volumes-snapshots-list', 'fly-volumes-snapshots-create'],
  },
  { name: 'fly-platform', provider: 'fly', description: 'Fly.io platform facts: regions, VM sizes, platform status.', tools: ['fly-platform-regions', 'fly-platform-vm-sizes', 'fly-platform-status'] },
  {
    name: 'flightctl-devices',
    provider: 'flightctl',
    description: 'Flight Control devices: query, get one, summary, labels, rendered config and applications; start/stop/restart an application, resume paused devices, decommission.',
    tools: ['query_devices', 'get_device', 'get_devices_summary', 'list_labels', 'get_device_rendered_config', 'device_application_action', 'resume_devices', 'decommission_device'],
  },
  {
    name: 'flightctl-fleets',
    provider: 'flightctl',
    description: 'Flight Control fleets: query, get one, rollout and template versions; start/stop/restart an application across a fleet.',
    tools: ['query_fleets', 'get_fleet', 'get_fleet_rollout', 'fleet_application_action'],
  },
  { name: 'flightctl-events', provider: 'flightctl', description: 'Flight Control events: what happened to devices, fleets and other resources.', tools: ['query_events'] },
  {
    name: 'flightctl-enrollment',
    provider: 'flightctl',
    description: 'Flight Control enrollment requests of devices waiting to join (query, approve, deny) and certificate signing requests (approve).',
    tools: ['query_enrollment_requests', 'approve_enrollment_request', 'deny_enrollment_request', 'approve_certificate_signing_request'],
  },
  { name: 'flightctl-repositories', provider: 'flightctl', description: 'Flight Control repositories and the resource syncs that read fleets from them.', tools: ['query_repositories', 'query_resource_syncs'] },
  { name: 'flightctl-console', provider: 'flightctl', description: 'Run a command on a Flight Control device (its console).', tools: ['run_command_on_device'] },
  { name: 'flightctl-orgs', provider: 'flightctl', description: 'Flight Control organizations: list, select the one the tools act in.', tools: ['list_organizations', 'select_organization'] },
  { name: 'flightctl-vulnerabilities', provider: 'flightctl', description: 'Flight Control vulnerability (CVE) reports per device, fleet, CVE and organization (servers with the v1alpha1 API).', tools: ['get_vulnerabilities'] },
  { name: 'flightctl-catalogs', provider: 'flightctl', description: 'Flight Control software catalogs and their items (servers with the v1alpha1 API).', tools: ['query_catalogs'] },
];

const BY_TOOL = new Map<string, string>(TOOLSETS.flatMap((set) => set.tools.map((tool) => [tool, set.name] as const)));
const BY_NAME = new Map<string, ToolsetDef>(TOOLSETS.map((set) => [set.name, set]));

/** The toolset a tool belongs to; undefined for a tool outside the shipped back ends (tests, fixtures). */
export function toolsetOf(tool: string): string | undefined {
  return BY_TOOL.get(tool);
}

export function toolsetNamed(name: string): ToolsetDef | undefined {
  return BY_NAME.get(name);
}
