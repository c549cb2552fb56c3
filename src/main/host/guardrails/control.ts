import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { GuardrailsView, PendingApproval } from '../../../shared/policy.js';
import type { Logger } from '../log.js';
import { ApprovalNotFoundError } from './approvals.js';
import { LooseningRefusedError, PolicyTargetError, ProfileError, type Guardrails, type ProfileSummary } from './guardrails.js';
import { ProfileDefSchema } from '../settings.js';

/** Requests are one short JSON line; anything longer is not ours. */
const MAX_REQUEST = 16 * 1024;
const policy = z.enum(['allow', 'ask', 'deny']);

export const ControlRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('view') }),
  z.object({ op: z.literal('set-policy'), target: z.string().min(1).max(200), policy: policy.nullable(), client: z.string().min(1).max(64).optional() }),
  z.object({ op: z.literal('reset') }),
  z.object({ op: z.literal('read-only'), on: z.boolean() }),
  z.object({ op: z.literal('pause'), on: z.boolean() }),
  z.object({ op: z.literal('tool'), name: z.string().min(1).max(128), on: z.boolean() }),
  z.object({ op: z.literal('approvals') }),
  z.object({ op: z.literal('decide'), id: z.string().min(1).max(64), answer: z.enum(['allow-once', 'allow-always', 'deny']) }),
  z.object({ op: z.literal('profiles') }),
  z.object({ op: z.literal('profile-set'), client: z.string().min(1).max(64), profile: z.string().min(1).max(40) }),
  z.object({ op: z.literal('profile-save'), def: ProfileDefSchema }),
  z.object({ op: z.literal('profile-delete'), name: z.string().min(1).max(40) }),
  z.object({ op: z.literal('profile-account'), profile: z.string().min(1).max(40), backend: z.string().min(1).max(40), account: z.string().min(1).max(40) }),
]);

export type ControlRequest = z.infer<typeof ControlRequestSchema>;
export type ControlReply = { ok: true; view?: GuardrailsView; approval?: PendingApproval; profiles?: ProfileSummary[] } | { ok: false; error: string };

export interface ControlSocket {
  readonly path: string;
  /** The secret every request carries; kept in run/instance.json (mode 0600). */
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Guardrail commands for other local processes (`tarmac policy`, `pause`, `approvals`): a Unix
 * socket in <dataDir>/run (only the user can enter it), and a secret from instance.json on top.
 * One JSON line in, one out. While it listens, a person can approve from another terminal.
 */
export async function startControlSocket(options: { path: string; guardrails: Guardrails; log: Logger; clientNames?: () => Promise<string[]> }): Promise<ControlSocket> {
  const { path, guardrails, log } = options;
  const profiles = async () => guardrails.profileSummaries(await (options.clientNames?.() ?? Promise.resolve([])).catch(() => []));
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  rmSync(path, { force: true });
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const sockets = new Set<Socket>();

  const handle = async (line: string): Promise<ControlReply> => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, error: 'The request is not JSON.' };
    }
    const given = Buffer.from(typeof (raw as { token?: unknown })?.token === 'string' ? (raw as { token: string }).token : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, error: 'Not authorised: the token does not match run/instance.json.' };
    const parsed = ControlRequestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: `Bad request: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const req = parsed.data;
    try {
      switch (req.op) {
        case 'view':
        case 'approvals':
          break;
        // Another process of this user: it may tighten; loosening and approving are refused
        // unless this Tarmac runs with --trust-terminal (the guardrails check each change).
        case 'set-policy':
          await guardrails.setPolicy(guardrails.resolveTarget(req.target), req.policy, req.client, 'terminal');
          break;
        case 'reset':
          await guardrails.resetPolicies('terminal');
          break;
        case 'read-only':
          await guardrails.setReadOnly(req.on, 'terminal');
          break;
        case 'pause':
          await guardrails.setPaused(req.on, 'terminal');
          break;
        case 'tool':
          await guardrails.setToolEnabled(req.name, req.on, 'terminal');
          break;
        case 'decide':
          guardrails.checkDecision(req.answer, 'terminal');
          return { ok: true, approval: guardrails.approvals.decide(req.id, req.answer, 'cli') };
        // Profiles: a narrower or equal profile applies at once; wider bounds are a loosening.
        case 'profiles':
          return { ok: true, profiles: await profiles() };
        case 'profile-set':
          await guardrails.setClientProfile(req.client, req.profile, 'terminal');
          return { ok: true, profiles: await profiles() };
        case 'profile-save':
          await guardrails.saveProfile(req.def, 'terminal');
          return { ok: true, profiles: await profiles() };
        case 'profile-account':
          await guardrails.setProfileAccount(req.profile, req.backend, req.account, 'terminal');
          return { ok: true, profiles: await profiles() };
        case 'profile-delete':
          await guardrails.deleteProfile(req.name, 'terminal');
          return { ok: true, profiles: await profiles() };
      }
      return { ok: true, view: await guardrails.view() };
    } catch (err) {
      if (err instanceof PolicyTargetError || err instanceof ApprovalNotFoundError || err instanceof LooseningRefusedError || err instanceof ProfileError) return { ok: false, error: err.message };
      log.warn({ op: req.op, err: (err as Error).message }, 'control request failed');
      return { ok: false, error: `Tarmac could not do that: ${(err as Error).message}` };
    }
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST) return socket.destroy();
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      socket.pause();
      void handle(buffer.slice(0, end)).then((reply) => socket.end(JSON.stringify(reply) + '\n'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The terminal can answer a waiting call only when it may approve (--trust-terminal); otherwise
  // it can deny, but a call with only a terminal to ask is refused at once rather than left waiting.
  const removeApprover = guardrails.trustTerminal ? guardrails.approvals.addApprover('cli') : () => undefined;
  log.debug({ path }, 'control socket listening');
  return {
    path,
    token,
    async close() {
      removeApprover();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path, { force: true });
    },
  };
}

/** Send one request to a running Tarmac's control socket. */
export function sendControl(path: string, token: string, request: ControlRequest, timeoutMs = 10_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('The running Tarmac did not answer within 10 seconds.'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: string) => (data += chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(data) as ControlReply);
      } catch {
        reject(new Error('The running Tarmac sent an answer this CLI does not understand (is it another version?).'));
      }
    });
    socket.once('connect', () => socket.write(JSON.stringify({ ...request, token }) + '\n'));
  });
}
