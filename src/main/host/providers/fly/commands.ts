/**
 * Which flyctl command each Fly tool runs and which flag each optional argument becomes: what
 * the installed flyctl's `--help` is asked about. From the reference's command lines; a unit test
 * checks every entry against the argv the tool really builds.
 */

/** The command words before any argument (`fly-secrets-set` sends its values to `secrets import`). */
export const TOOL_COMMANDS: Readonly<Record<string, string>> = {
  'fly-apps-create': 'apps create',
  'fly-apps-destroy': 'apps destroy',
  'fly-apps-list': 'apps list',
  'fly-apps-move': 'apps move',
  'fly-apps-releases': 'apps releases',
  'fly-apps-restart': 'apps restart',
  'fly-certs-add': 'certs add',
  'fly-certs-check': 'certs check',
  'fly-certs-list': 'certs list',
  'fly-certs-remove': 'certs remove',
  'fly-certs-show': 'certs show',
  'fly-ips-allocate-v4': 'ips allocate-v4',
  'fly-ips-allocate-v6': 'ips allocate-v6',
  'fly-ips-list': 'ips list',
  'fly-ips-release': 'ips release',
  'fly-ips-private': 'ips private',
  'fly-logs': 'logs',
  'fly-machine-clone': 'machine clone',
  'fly-machine-cordon': 'machine cordon',
  'fly-machine-create': 'machine create',
  'fly-machine-destroy': 'machine destroy',
  'fly-machine-egress-ip-allocate': 'machine egress-ip allocate',
  'fly-machine-egress-ip-list': 'machine egress-ip list',
  'fly-machine-egress-ip-release': 'machine egress-ip release',
  'fly-machine-exec': 'machine exec',
  'fly-machine-leases-clear': 'machine leases clear',
  'fly-machine-kill': 'machine kill',
  'fly-machine-leases-view': 'machine leases view',
  'fly-machine-list': 'machine list',
  'fly-machine-restart': 'machine restart',
  'fly-machine-run': 'machine run',
  'fly-machine-start': 'machine start',
  'fly-machine-status': 'machine status',
  'fly-machine-stop': 'machine stop',
  'fly-machine-suspend': 'machine suspend',
  'fly-machine-upcordon': 'machine uncordon',
  'fly-machine-update': 'machine update',
  'fly-orgs-create': 'orgs create',
  'fly-orgs-delete': 'orgs delete',
  'fly-orgs-invite': 'orgs invite',
  'fly-orgs-list': 'orgs list',
  'fly-orgs-remove': 'orgs remove',
  'fly-orgs-show': 'orgs show',
  'fly-platform-regions': 'platform regions',
  'fly-platform-status': 'platform status',
  'fly-platform-vm-sizes': 'platform vm-sizes',
  'fly-secrets-deploy': 'secrets deploy',
  'fly-secrets-list': 'secrets list',
  'fly-secrets-set': 'secrets import',
  'fly-secrets-unset': 'secrets unset',
  'fly-status': 'status',
  'fly-volumes-create': 'volume create',
  'fly-volumes-destroy': 'volume destroy',
  'fly-volumes-extend': 'volume extend',
  'fly-volumes-fork': 'volume fork',
  'fly-volumes-list': 'volume list',
  'fly-volumes-show': 'volume show',
  'fly-volumes-snapshots-create': 'volume snapshots create',
  'fly-volumes-snapshots-list': 'volume snapshots list',
  'fly-volumes-update': 'volume update',
};

/** Optional arguments that are not `--<name>`: a positional or Tarmac's own (null), or another flag. */
const FLAG_OF: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  'fly-apps-create': { name: null },
  // Tarmac bounds what it reads of `logs --no-tail` itself (D11): not flyctl flags.
  'fly-logs': { 'max-lines': null, 'wait-seconds': null },
  'fly-machine-run': { command: null },
  'fly-volumes-create': { encrypt: '--no-encryption' },
};

/** The flag an optional argument becomes on the command line; null for a positional. */
export function flagOf(tool: string, arg: string): string | null {
  const own = FLAG_OF[tool];
  return own && arg in own ? own[arg]! : `--${arg}`;
}
