/**
 * The Fly tool table on its own: names, classes, upstream-compatible argument schemas, the exact
 * argv for representative arguments, and argument safety. No process is started here.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArgumentError } from '../../src/main/host/providers/fly/argv.js';
import { FLY_TOOLS, type FlyToolDef } from '../../src/main/host/providers/fly/tools.js';
import { annotationsFor } from '../../src/shared/policy.js';
import { FLY_CASES, FLY_CLASSES } from '../helpers/fly-cases.js';

const byName = new Map(FLY_TOOLS.map((t) => [t.name, t]));
const def = (name: string): FlyToolDef => byName.get(name)!;
const argvOf = (name: string, args: Record<string, unknown>): string[] => {
  const d = def(name);
  const parsed = z.object(d.input).parse(args);
  // Everything flyctl receives is validated: its stdin too.
  d.stdin?.(parsed);
  return d.argv(parsed);
};
const stdinOf = (name: string, args: Record<string, unknown>): string | undefined => {
  const d = def(name);
  const parsed = z.object(d.input).parse(args);
  d.argv(parsed);
  return d.stdin?.(parsed);
};

/**
 * Upstream arguments (reference "arguments" column): name:type, * = required, =x = default,
 * {a|b} = enum. vm-cpu-kind carries the fixed enum (D6); fly-machine-update's autostart/autostop
 * carry no default on purpose (D7: an update must not reset them).
 */
const UPSTREAM: Record<string, string> = {
  'fly-apps-create': 'name:str, org:str*, network:str',
  'fly-apps-destroy': 'name:str*',
  'fly-apps-list': 'org:str',
  'fly-apps-move': 'name:str*, org:str*, skip-health-checks:bool',
  'fly-apps-releases': 'name:str*',
  'fly-apps-restart': 'name:str*, force-stop:bool, skip-health-checks:bool',
  'fly-certs-add': 'app:str*, hostname:str*',
  'fly-certs-check': 'app:str*, hostname:str*',
  'fly-certs-list': 'app:str*',
  'fly-certs-remove': 'app:str*, hostname:str*',
  'fly-certs-show': 'app:str*, hostname:str*',
  'fly-ips-allocate-v4': 'app:str*, shared:bool=false, region:str',
  'fly-ips-allocate-v6': 'app:str*, private:bool=false, region:str, org:str, network:str',
  'fly-ips-list': 'app:str*',
  'fly-ips-release': 'app:str*, addresses:arr*',
  'fly-ips-private': 'app:str*',
  'fly-logs': 'app:str*, machine:str, region:str',
  'fly-machine-clone':
    'id:str*, app:str, attach-volume:str, clear-auto-destroy:bool, clear-cmd:bool, from-snapshot:str, host-dedication-id:str, name:str, override-cmd:str, region:str, standby-for:arr, vm-cpu-kind:{shared|performance}, vm-cpus:num, vm-memory:num, vm-size:str, volume-requires-unique-zone:bool=true',
  'fly-machine-cordon': 'id:str*, app:str',
  'fly-machine-create':
    'app:str*, image:str*, autostart:bool=true, autostop:{off|stop|suspend}=off, entrypoint:str, env:arr, host-dedication-id:str, id:str, metadata:arr, name:str, port:arr, region:str, restart:{no|always|on-failure}, rm:bool, schedule:{hourly|daily|weekly|monthly}, skip-dns-registration:bool, standby-for:arr, use-zstd:bool, vm-cpu-kind:{shared|performance}, vm-cpus:num, vm-memory:num, vm-size:str, volume:arr',
  'fly-machine-destroy': 'id:str*, app:str, force:bool',
  'fly-machine-egress-ip-allocate': 'id:str*, app:str',
  'fly-machine-egress-ip-list': 'id:str*, app:str',
  'fly-machine-egress-ip-release': 'id:str*, app:str',
  'fly-machine-exec': 'id:str*, command:str*, app:str',
  'fly-machine-leases-clear': 'id:str*, app:str',
  'fly-machine-kill': 'id:str*, app:str',
  'fly-machine-leases-view': 'id:str*, app:str',
  'fly-machine-list': 'app:str*',
  'fly-machine-restart': 'id:str*, app:str, force:bool, signal:str, skip-health-checks:bool, time:num',
  'fly-machine-run':
    'app:str*, image:str*, command:str, user:str, autostart:bool=true, autostop:{off|stop|suspend}=off, entrypoint:str, env:arr, host-dedication-id:str, id:str, metadata:arr, name:str, port:arr, region:str, restart:{no|always|on-failure}, rm:bool, schedule:{hourly|daily|weekly|monthly}, skip-dns-registration:bool, standby-for:arr, use-zstd:bool, vm-cpu-kind:{shared|performance}, vm-cpus:num, vm-memory:num, vm-size:str, volume:arr',
  'fly-machine-start': 'id:str*, app:str',
  'fly-machine-status': 'id:str*, app:str, display-config:bool',
  'fly-machine-stop': 'id:str*, app:str, signal:str, timeout:num, wait-timeout:num',
  'fly-machine-suspend': 'id:str*, app:str, wait-timeout:num',
  'fly-machine-upcordon': 'id:str*, app:str',
  'fly-machine-update':
    'app:str*, id:str*, autostart:bool, autostop:{off|stop|suspend}, command:str, entrypoint:str, env:arr, host-dedication-id:str, image:str, metadata:arr, port:arr, restart:{no|always|on-failure}, schedule:{hourly|daily|weekly|monthly}, skip-dns-registration:bool, standby-for:arr, use-zstd:bool, vm-cpu-kind:{shared|performance}, vm-cpus:num, vm-memory:num, vm-size:str, wait-timeout:num',
  'fly-orgs-create': 'name:str*',
  'fly-orgs-delete': 'slug:str*',
  'fly-orgs-invite': 'slug:str*, email:str*',
  'fly-orgs-list': '',
  'fly-orgs-remove': 'slug:str*, email:str*',
  'fly-orgs-show': 'slug:str*',
  'fly-platform-regions': '',
  'fly-platform-status': '',
  'fly-platform-vm-sizes': '',
  'fly-secrets-deploy': 'app:str*',
  'fly-secrets-list': 'app:str*',
  'fly-secrets-set': 'app:str*, keyvalues:arr*',
  'fly-secrets-unset': 'app:str*, names:arr*',
  'fly-status': 'app:str*',
  'fly-volumes-create': 'app:str*, name:str*, region:str*, encrypt:bool=true, size:num=1',
  'fly-volumes-destroy': 'app:str*, id:str*',
  'fly-volumes-extend': 'app:str*, id:str*, size:num*',
  'fly-volumes-fork': 'app:str*, id:str*, region:str',
  'fly-volumes-list': 'app:str*, all:bool=false',
  'fly-volumes-show': 'app:str*, id:str*',
  'fly-volumes-snapshots-create': 'app:str*, id:str*',
  'fly-volumes-snapshots-list': 'app:str*, id:str*',
  'fly-volumes-update': 'app:str*, id:str*, scheduled-snapshots:bool, snapshot-retention:num',
};

interface JsonProp {
  type?: string;
  enum?: string[];
  default?: unknown;
  items?: { type?: string };
  description?: string;
}

function advertised(d: FlyToolDef): { props: Record<string, JsonProp>; required: string[] } {
  // The same conversion the MCP SDK applies to a zod v4 shape.
  const schema = z.toJSONSchema(z.object(d.input), { io: 'input', target: 'draft-7' }) as { properties?: Record<string, JsonProp>; required?: string[] };
  return { props: schema.properties ?? {}, required: schema.required ?? [] };
}

describe('fly tool table', () => {
  it('has the 60 upstream tools in registration order, each with its class', () => {
    expect(FLY_TOOLS.map((t) => t.name)).toEqual(Object.keys(FLY_CLASSES));
    expect(FLY_TOOLS).toHaveLength(60);
    for (const t of FLY_TOOLS) expect(t.class, t.name).toBe(FLY_CLASSES[t.name]);
    const counts = { read: 0, write: 0, destructive: 0 };
    for (const t of FLY_TOOLS) counts[t.class]++;
    expect(counts).toEqual({ read: 22, write: 29, destructive: 9 });
  });

  it('derives annotations from the class (upstream marks every tool destructive)', () => {
    expect(annotationsFor(def('fly-apps-list').class)).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(annotationsFor(def('fly-machine-start').class)).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(annotationsFor(def('fly-apps-destroy').class)).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('writes its own descriptions: what it does, and where IDs come from', () => {
    for (const t of FLY_TOOLS) {
      expect(t.description.length, t.name).toBeGreaterThan(40);
      expect(t.title.length, t.name).toBeGreaterThan(3);
      if (t.class === 'destructive') expect(t.description, t.name).toMatch(/permanent|cannot|lost|stops|lose|recover|without cleanup/i);
      for (const [key, schema] of Object.entries(advertised(t).props)) expect(schema.description, `${t.name}.${key}`).toBeTruthy();
    }
    expect(def('fly-machine-start').description).toContain('fly-machine-list');
    expect(def('fly-volumes-destroy').description).toContain('fly-volumes-list');
    expect(def('fly-orgs-list').description).toMatch(/slug.*display name/);
  });

  it.each(Object.keys(UPSTREAM))('%s keeps the upstream argument names, types, defaults and enums', (name) => {
    const { props, required } = advertised(def(name));
    const upstream = UPSTREAM[name]!.split(',').map((s) => s.trim()).filter(Boolean);
    const names = new Set<string>();
    for (const spec of upstream) {
      const m = /^([\w-]+):(str|bool|num|arr|\{([^}]+)\})(\*)?(?:=(.+))?$/.exec(spec);
      expect(m, spec).toBeTruthy();
      const [, arg, type, enumBody, star, dflt] = m!;
      names.add(arg!);
      const p = props[arg!];
      expect(p, `${name}.${arg}`).toBeDefined();
      if (type === 'str') expect(p!.type).toBe('string');
      if (type === 'bool') expect(p!.type).toBe('boolean');
      if (type === 'num') expect(p!.type).toBe('number');
      if (type === 'arr') expect(p).toMatchObject({ type: 'array', items: { type: 'string' } });
      if (enumBody) expect(p).toMatchObject({ type: 'string', enum: enumBody.split('|') });
      expect(required.includes(arg!), `${name}.${arg} required`).toBe(Boolean(star));
      if (dflt !== undefined) expect(p!.default, `${name}.${arg} default`).toEqual(JSON.parse(/^[\d.]+$|^true$|^false$/.test(dflt) ? dflt : JSON.stringify(dflt)));
      else expect(p!.default, `${name}.${arg} default`).toBeUndefined();
    }
    // Added arguments are allowed, but never required.
    for (const extra of Object.keys(props).filter((k) => !names.has(k))) expect(required, `${name}.${extra}`).not.toContain(extra);
  });

  it('covers every tool with at least one argv case', () => {
    const covered = new Set(FLY_CASES.map((c) => c.tool));
    expect([...byName.keys()].filter((n) => !covered.has(n))).toEqual([]);
  });

  it.each(FLY_CASES.map((c, i) => [`${c.tool} #${i}`, c] as const))('%s builds the exact argv', (_label, c) => {
    expect(argvOf(c.tool, c.args)).toEqual(c.argv);
  });

  it('never injects autostart/autostop, and writes them attached when given (D7)', () => {
    for (const tool of ['fly-machine-create', 'fly-machine-run']) {
      const argv = argvOf(tool, { app: 'a', image: 'nginx' });
      expect(argv.some((a) => a.startsWith('--autostart') || a.startsWith('--autostop'))).toBe(false);
    }
    expect(argvOf('fly-machine-update', { app: 'a', id: 'm1', autostop: 'off' })).toEqual(['machine', 'update', 'm1', '-a', 'a', '--autostop=off', '--yes']);
    expect(argvOf('fly-machine-update', { app: 'a', id: 'm1', autostart: false })).toContain('--autostart=false');
  });

  it('refuses the upstream vm-cpu-kind value "dedicated" (D6)', () => {
    expect(z.object(def('fly-machine-create').input).safeParse({ app: 'a', image: 'i', 'vm-cpu-kind': 'dedicated' }).success).toBe(false);
  });

  it('treats empty optional strings and arrays as absent', () => {
    expect(argvOf('fly-apps-list', { org: '' })).toEqual(['apps', 'list', '--json']);
    expect(argvOf('fly-machine-create', { app: 'a', image: 'i', env: [], port: [] })).toEqual(['machine', 'create', 'i', '-a', 'a']);
    expect(argvOf('fly-apps-create', { name: '', org: 'o' })).toEqual(['apps', 'create', '--generate-name', '--org', 'o', '--json']);
  });

  it('rejects non-integer and negative numbers before flyctl sees them', () => {
    const input = z.object(def('fly-volumes-extend').input);
    expect(input.safeParse({ app: 'a', id: 'v', size: 1.5 }).success).toBe(false);
    expect(input.safeParse({ app: 'a', id: 'v', size: -3 }).success).toBe(false);
    expect(input.safeParse({ app: 'a', id: 'v', size: 3 }).success).toBe(true);
  });
});

describe('fly argument safety', () => {
  /** Every string or string-array argument of every case, with a hostile value put in its place. */
  const targets = FLY_CASES.flatMap((c) =>
    Object.entries(c.args)
      .filter(([key, v]) => (typeof v === 'string' || Array.isArray(v)) && !isEnum(c.tool, key))
      .map(([key]) => [c.tool, key, c] as const),
  );
  const unique = [...new Map(targets.map((t) => [`${t[0]}.${t[1]}`, t])).values()];

  function isEnum(tool: string, key: string): boolean {
    return (advertised(def(tool)).props[key]?.enum?.length ?? 0) > 0;
  }
  function withValue(c: (typeof FLY_CASES)[number], key: string, value: string): Record<string, unknown> {
    const current = c.args[key];
    return { ...c.args, [key]: Array.isArray(current) ? [value] : value };
  }

  it.each(unique.map(([tool, key, c]) => [`${tool}.${key}`, key, c] as const))('%s refuses a leading "-", newline and NUL', (_l, key, c) => {
    for (const bad of ['--access-token=x', '-a', 'ok\nrm -rf /', 'ok\0x', 'ok\r--yes']) {
      expect(() => argvOf(c.tool, withValue(c, key, bad)), JSON.stringify(bad)).toThrow(ArgumentError);
    }
  });

  it('allows a dash inside values and after = in NAME=VALUE', () => {
    expect(stdinOf('fly-secrets-set', { app: 'a', keyvalues: ['K=-1', 'X=a-b'] })).toBe('K="-1"\nX="a-b"\n');
    expect(argvOf('fly-machine-exec', { id: 'm', command: 'ls -la', app: 'my-app' })).toEqual(['machine', 'exec', 'm', 'ls -la', '-a', 'my-app']);
  });

  it('refuses commas inside comma-joined list elements and bad NAME=VALUE pairs', () => {
    expect(() => argvOf('fly-machine-create', { app: 'a', image: 'i', port: ['80,443'] })).toThrow(/comma/);
    expect(() => argvOf('fly-machine-create', { app: 'a', image: 'i', env: ['NOEQUALS'] })).toThrow(/NAME=VALUE/);
    expect(() => argvOf('fly-machine-create', { app: 'a', image: 'i', env: ['=v'] })).toThrow(/NAME=VALUE/);
  });

  it('never echoes a secret value in a refusal', () => {
    const secret = 'hunter2-very-secret';
    for (const kv of [secret, `-${secret}`, `K=${secret}\nX`]) {
      let message = '';
      try {
        stdinOf('fly-secrets-set', { app: 'a', keyvalues: [kv] });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/keyvalues/);
      expect(message).not.toContain(secret);
    }
  });

  it('takes only registry image references as a machine image, never a local path', () => {
    const good = ['nginx', 'nginx:1.27', 'library/alpine:3.20', 'registry.fly.io/my-app:deployment-01JABCDEF', 'ghcr.io/org/app@sha256:' + 'a'.repeat(64), 'localhost:5000/app:v1', 'docker.io/my_org/my-app__x:1.0-rc.1'];
    for (const image of good) {
      expect(argvOf('fly-machine-run', { app: 'a', image })[2], image).toBe(image);
      expect(argvOf('fly-machine-update', { app: 'a', id: 'm', image }), image).toContain(image);
    }
    const local = ['.', './', './app', '..', '../app', '/srv/app', '~/app', 'C:\\app', 'c:/app', 'app\\sub'];
    for (const image of local) {
      for (const tool of ['fly-machine-run', 'fly-machine-create']) expect(() => argvOf(tool, { app: 'a', image }), `${tool} ${image}`).toThrow(/is a local path/);
      expect(() => argvOf('fly-machine-update', { app: 'a', id: 'm', image }), image).toThrow(/is a local path/);
    }
    for (const image of ['Nginx', 'nginx:', 'nginx@sha256:abc', 'app/', 'a b', 'nginx:1.27;rm']) {
      expect(() => argvOf('fly-machine-run', { app: 'a', image }), image).toThrow(/not an image reference/);
    }
    // Leaving the image out of an update keeps the machine's own.
    expect(argvOf('fly-machine-update', { app: 'a', id: 'm', command: 'x' })).not.toContain('--image');
    // Long hostile values end in a refusal (no catastrophic backtracking: the test would time out).
    expect(() => argvOf('fly-machine-run', { app: 'a', image: `${'a.'.repeat(500)}!` })).toThrow(ArgumentError);
    expect(() => argvOf('fly-machine-run', { app: 'a', image: `${'a-'.repeat(500)}!` })).toThrow(ArgumentError);
  });

  it('requires non-empty required values and at least one positional list element', () => {
    expect(() => argvOf('fly-apps-destroy', { name: '' })).toThrow(/required/);
    expect(() => argvOf('fly-ips-release', { app: 'a', addresses: [] })).toThrow(/at least one/);
    expect(() => argvOf('fly-secrets-unset', { app: 'a', names: [''] })).toThrow(/at least one/);
  });
});
