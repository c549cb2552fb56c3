import { sendControl, type ControlReply, type ControlRequest } from '../host/guardrails/control.js';
import { readInstance } from '../host/instance.js';
import { defaultDataDir } from '../host/paths.js';
import type { CommandContext } from './command.js';
import { CliError } from './io.js';

/**
 * A guardrails request from the terminal, sent to the Tarmac running from this data dir through
 * its control socket (so it applies at once and the window shows it). `reply` is null when none
 * runs there: the command then works on settings.json itself, or says why it cannot.
 */
export async function askRunningTarmac(ctx: CommandContext, request: ControlRequest): Promise<{ dataDir: string; reply: ControlReply | null }> {
  const dataDir = ctx.hostOverrides.dataDir ?? ctx.values['data-dir'] ?? defaultDataDir(ctx.hostOverrides.env ?? process.env);
  const found = await readInstance(dataDir);
  const control = found.state === 'running' ? found.instance : null;
  if (!control?.control || !control.controlToken) return { dataDir, reply: null };
  try {
    return { dataDir, reply: await sendControl(control.control, control.controlToken, request) };
  } catch (err) {
    throw new CliError(`Could not reach the running Tarmac (pid ${control.pid}): ${(err as Error).message}. Is it still starting? Try again.`);
  }
}
