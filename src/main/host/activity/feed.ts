import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ActivityEvent } from '../../../shared/activity.js';
import type { Logger } from '../log.js';
import type { ActivityStore } from './store.js';

/** A reader that falls this far behind is dropped rather than grow Tarmac's memory. */
const MAX_BUFFERED = 1 << 20;
/** Unix socket paths are limited to about 104 bytes (macOS) or 108 (Linux). */
const MAX_SOCKET_PATH = 100;

/**
 * The live activity feed for other local processes (`tarmac activity --follow`): a Unix socket
 * in <dataDir>/run (a folder only the user can enter) that sends every ActivityEvent as one JSON
 * line. Read-only: nothing comes back from the reader.
 */
export function feedPath(dataDir: string, pid = process.pid): string | null {
  // A named pipe's default access lets every local account read it; until the feed sets its
  // own, Windows has no feed (`--follow` says so) rather than one others could read.
  if (process.platform === 'win32') return null;
  const path = join(dataDir, 'run', `activity-${pid}.sock`);
  return path.length <= MAX_SOCKET_PATH ? path : null;
}

/** The guardrails' control socket, next to the feed and under the same rules. */
export function controlPath(dataDir: string, pid = process.pid): string | null {
  if (process.platform === 'win32') return null;
  const path = join(dataDir, 'run', `control-${pid}.sock`);
  return path.length <= MAX_SOCKET_PATH ? path : null;
}

export interface ActivityFeed {
  readonly path: string;
  close(): Promise<void>;
}

export async function startActivityFeed(store: ActivityStore, path: string, log: Logger): Promise<ActivityFeed> {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The folder is the lock on the socket: make sure it is the user's alone, even if it existed.
  chmodSync(dir, 0o700);
  rmSync(path, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Nothing is read from readers; data they send is dropped.
    socket.resume();
  });
  const off = store.onActivity((event: ActivityEvent) => {
    if (sockets.size === 0) return;
    const line = JSON.stringify(event) + '\n';
    for (const socket of sockets) {
      if (socket.writableLength > MAX_BUFFERED) socket.destroy();
      else socket.write(line);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.debug({ path }, 'activity feed listening');
  return {
    path,
    async close() {
      off();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path, { force: true });
    },
  };
}

/** Read a feed: calls `onEvent` per event until `signal` aborts or the feed ends (Tarmac stopped). */
export function followActivityFeed(path: string, onEvent: (event: ActivityEvent) => void, signal: AbortSignal): Promise<'stopped' | 'ended'> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const onAbort = () => {
      socket.destroy();
      resolve('stopped');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    socket.once('connect', () => {
      const lines = createInterface({ input: socket });
      lines.on('line', (line) => {
        try {
          onEvent(JSON.parse(line) as ActivityEvent);
        } catch {
          // A line cut short by a stop: nothing to show.
        }
      });
      socket.once('close', () => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted ? 'stopped' : 'ended');
      });
    });
  });
}
