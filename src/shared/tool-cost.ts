import { DISCOVERY_TOOLS } from './profiles.js';
import { TOOL_TOKENS } from './tool-tokens.js';

/** The most tokens of tool definitions the default profile of a new client may cost. */
export const ESSENTIALS_BUDGET = 6_000;

/**
 * What a list of tools costs a model's context, in tokens (o200k_base, counted when the tools'
 * wording last changed: see tool-tokens.ts). Tools it has no count for (test tools) are skipped.
 */
export function listCost(tools: Iterable<string>, discovery = false): number {
  let n = 0;
  for (const name of tools) n += TOOL_TOKENS[name] ?? 0;
  if (discovery) for (const name of DISCOVERY_TOOLS) n += TOOL_TOKENS[name] ?? 0;
  return n;
}
