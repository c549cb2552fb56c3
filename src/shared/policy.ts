/** How much a tool can change the world. Drives MCP annotations and the default policy. */
export type ToolClass = 'read' | 'write' | 'destructive';

/** What the gateway does with a call. */
export type Policy = 'allow' | 'ask' | 'deny';

export const TOOL_CLASSES: readonly ToolClass[] = ['read', 'write', 'destructive'];

export interface ToolAnnotationsFromClass {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * Annotations are derived from the class and never hand-set per tool, so a tool cannot claim
 * to be harmless while its class says otherwise.
 */
export function annotationsFor(toolClass: ToolClass): ToolAnnotationsFromClass {
  return {
    readOnlyHint: toolClass === 'read',
    destructiveHint: toolClass === 'destructive',
    idempotentHint: toolClass === 'read',
    openWorldHint: true,
  };
}
