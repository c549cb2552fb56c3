import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger, type Level } from 'pino';
import { createStream } from 'rotating-file-stream';
import type { Redactor } from './activity/redact.js';

export type Logger = PinoLogger;

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function levelFromEnv(value: string | undefined): Level {
  const v = value?.toLowerCase();
  return LEVELS.includes(v as Level) ? (v as Level) : 'info';
}

export interface AppLogOptions {
  dataDir: string;
  redactor: Redactor;
  level?: Level;
  /** Rotation size, e.g. '10M'. */
  size?: string;
  maxFiles?: number;
}

/**
 * The app log: JSON lines in <dataDir>/logs/tarmac.log, rotated by size. Never stdout, so it is
 * safe in stdio mode. Every line passes through the redactor on its way out.
 */
export function createAppLog(options: AppLogOptions): { log: Logger; close(): Promise<void> } {
  const dir = join(options.dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stream = createStream(rotatedName('tarmac', 'log'), {
    path: dir,
    size: options.size ?? '10M',
    // logrotate style: the live file plus (maxFiles - 1) rotated ones.
    rotate: Math.max(1, (options.maxFiles ?? 5) - 1),
    mode: 0o600,
  });
  // Work still finishing as the host stops (a guardrails recheck awaiting the keychain, a
  // provider's last request) may log after close: those lines are dropped, where writing to the
  // ended file stream would throw an uncaught "write after end".
  let closed = false;
  const sink = {
    write(line: string): boolean {
      return closed ? true : stream.write(line);
    },
  };
  const log = pino(
    {
      level: options.level ?? levelFromEnv(process.env.LOG_LEVEL),
      base: { pid: process.pid },
      hooks: { streamWrite: (line) => options.redactor.text(line) },
    },
    sink,
  );
  return {
    log,
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        stream.end(() => resolve());
      }),
  };
}

/** A logger that discards everything (tests, tools run outside a host). */
export function silentLog(): Logger {
  return pino({ level: 'silent' });
}

/** logrotate-style names: the live file, then base.1.ext (newest) ... base.N.ext (oldest). */
export function rotatedName(base: string, ext: string) {
  // With the `rotate` option rotating-file-stream passes the rotation index (or null) first.
  return (index: number | Date | null): string => (typeof index === 'number' && index > 0 ? `${base}.${index}.${ext}` : `${base}.${ext}`);
}
