/**
 * The window's view of every credential that can reach the endpoint (static tokens and OAuth
 * clients, through the host's ClientRegistry): list, create a token, revoke. The list is pushed
 * again whenever it changes: a change made here, a `tarmac token` in another process (the running
 * host reloads tokens.json and oauth-clients.json when they change, and tells its listeners), a
 * client connecting or calling a tool. Nothing is pushed before a window asked for the list.
 */
import { NEW_CLIENT_PROFILE } from '../../../shared/profiles.js';
import type { CreatedToken, McpCredential } from '../../../shared/credentials.js';
import { HostApiError } from '../api-errors.js';
import type { Host } from '../index.js';

export type CredentialsHost = Pick<Host, 'clients' | 'tokens' | 'oauth' | 'activity' | 'log' | 'onChange' | 'guardrails'>;

export interface CredentialsOptions {
  /** The list, each time it differs from the one sent before. */
  emit(list: McpCredential[]): void;
  /** A credential came or went (not only a date moved): registrations may have gone stale. */
  onSetChanged?(): void;
  /** How long changes are gathered into one push (ms). */
  coalesceMs?: number;
  /** How long tool calls are gathered into one push of "last used" (ms). */
  usageCoalesceMs?: number;
}

export interface Credentials {
  list(): Promise<McpCredential[]>;
  create(name: string): Promise<CreatedToken>;
  revoke(name: string): Promise<void>;
  /** Look again soon (a change made through another request, e.g. a registration). */
  refresh(): void;
  close(): void;
}

/** The later of two ISO times (either may be missing). */
function later(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Which credentials exist, without their dates of use: a change here can make a registration stale. */
const setKey = (list: McpCredential[]) => JSON.stringify(list.map((c) => [c.name, c.kind, c.createdAt]));

export function createCredentials(host: CredentialsHost, options: CredentialsOptions): Credentials {
  /** The last list a window got (asked for or pushed); null until one asked. */
  let sent: McpCredential[] | null = null;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  /** When a client's last tool call started, per the history (one index lookup). */
  const lastCall = (name: string): string | null => {
    try {
      return host.activity.query({ client: name }, null, 1).calls[0]?.time ?? null;
    } catch {
      return null;
    }
  };

  const list = async (): Promise<McpCredential[]> => {
    const all = await host.clients.list();
    return all.map((c) => {
      const lastUsedAt = lastCall(c.name);
      // A tool call is a request too; the request log is written at most once a minute.
      return { name: c.name, kind: c.kind, createdAt: c.createdAt, lastUsedAt, lastConnectedAt: later(c.lastUsedAt, lastUsedAt) };
    });
  };

  const send = (next: McpCredential[]) => {
    const before = sent;
    if (closed || (before && JSON.stringify(before) === JSON.stringify(next))) return;
    sent = next;
    options.emit(next);
    if (before && setKey(before) !== setKey(next)) options.onSetChanged?.();
  };

  /** One look at a time; a change meanwhile makes one more. */
  const push = async (): Promise<void> => {
    if (sent === null || closed) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          send(await list());
        } catch (err) {
          host.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'credential list failed');
        }
      } while (again && !closed);
    })().finally(() => (running = null));
    return running;
  };

  const schedule = (ms = options.coalesceMs ?? 50) => {
    if (sent === null || closed) return;
    const due = Date.now() + ms;
    if (timer && timerDue <= due) return;
    clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Infinity;
      void push();
    }, ms);
    timer.unref();
  };

  // Tokens or OAuth clients changed (here, or in another process: the host reloads on its own).
  const stopTokens = host.tokens.onReload(() => schedule());
  const stopOAuth = host.oauth.onReload(() => schedule());
  // A client connected: its last connection moved.
  const stopHost = host.onChange((what) => {
    if (what === 'sessions') schedule();
  });
  // A tool call started: its client's "last used" is now, known without asking the keychain.
  const usage = new Map<string, string>();
  let usageTimer: NodeJS.Timeout | undefined;
  const stopActivity = host.activity.onActivity((event) => {
    if (event.type !== 'started' || closed || !sent?.some((c) => c.name === event.call.client)) return;
    usage.set(event.call.client, later(usage.get(event.call.client) ?? null, event.call.time)!);
    usageTimer ??= setTimeout(() => {
      usageTimer = undefined;
      if (!sent) return;
      const used = new Map(usage);
      usage.clear();
      send(sent.map((c) => {
        const t = used.get(c.name) ?? null;
        return t ? { ...c, lastUsedAt: later(c.lastUsedAt, t), lastConnectedAt: later(c.lastConnectedAt, t) } : c;
      }));
    }, options.usageCoalesceMs ?? 1000);
    usageTimer.unref();
  });

  return {
    async list() {
      const next = await list();
      // The first ask starts the pushes; a later one that finds a change tells every window.
      if (sent === null) sent = next;
      else send(next);
      return next;
    },

    async create(name) {
      const taken = (await host.clients.list()).find((c) => c.name === name);
      if (taken) {
        throw new HostApiError(
          'conflict',
          taken.kind === 'oauth'
            ? `"${name}" is already the name of a client that signs in with OAuth. Choose another name, or revoke "${name}" first.`
            : `"${name}" already has a token, and creating one would revoke it. Choose another name; to give "${name}" a new token, revoke it first (its config entries stop working), then create it again.`,
        );
      }
      const token = await host.clients.createToken(name);
      // A client added on the Clients page starts with the default profile for new clients.
      await host.guardrails.setClientProfile(name, NEW_CLIENT_PROFILE, 'person');
      // This process sees it at once: the endpoint accepts it, and OAuth will not give its name away.
      await host.tokens.refresh();
      host.log.info({ client: name }, 'client token created in the window');
      await push();
      return { name, token };
    },

    async revoke(name) {
      const kinds = await host.clients.revoke(name);
      if (kinds.length === 0) {
        void push();
        throw new HostApiError('not-found', `There is no client named "${name}" any more (revoked elsewhere?); the list now shows what is left.`);
      }
      // Reload now rather than on the next request: the client's open sessions and streams close at once.
      await Promise.all([host.tokens.refresh(), host.oauth.refresh()]);
      host.log.info({ client: name, kinds }, 'client revoked in the window');
      await push();
    },

    refresh: () => schedule(),

    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(usageTimer);
      stopTokens();
      stopOAuth();
      stopHost();
      stopActivity();
    },
  };
}
