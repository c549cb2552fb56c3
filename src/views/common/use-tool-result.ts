import { useEffect, useRef, useState } from 'react';
import { applyDocumentTheme, applyHostStyleVariables, useApp, type McpUiHostContext } from '@modelcontextprotocol/ext-apps/react';

/** The part of a CallToolResult a view reads. */
export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export type ViewState =
  | { phase: 'connecting' }
  | { phase: 'waiting'; input: Record<string, unknown> }
  | { phase: 'result'; input: Record<string, unknown>; result: ToolResult }
  | { phase: 'cancelled'; reason: string | undefined }
  | { phase: 'failed'; message: string };

/**
 * Connects the view to its host (ui/initialize over postMessage) and follows the one tool call it
 * shows: its arguments, then its result or its cancellation. The host's theme and colours apply
 * as they change; without them the view follows the system's light or dark.
 * The view asks the host for nothing else: no tool calls, no links, no network of its own.
 */
export function useToolResult(name: string): ViewState {
  const [state, setState] = useState<ViewState>({ phase: 'connecting' });
  const context = useRef<McpUiHostContext>({});
  const input = useRef<Record<string, unknown>>({});
  const applyContext = (next: McpUiHostContext) => {
    context.current = { ...context.current, ...next };
    const { theme, styles } = context.current;
    if (theme) applyDocumentTheme(theme);
    if (styles?.variables) applyHostStyleVariables(styles.variables);
  };
  const { app, isConnected, error } = useApp({
    appInfo: { name: `tarmac-${name}`, version: '1' },
    capabilities: {},
    // Handlers are in place before the handshake: the host sends the call's input and result right after it.
    onAppCreated: (created) => {
      created.ontoolinput = (params) => {
        input.current = params.arguments ?? {};
        setState((s) => (s.phase === 'result' ? { ...s, input: input.current } : { phase: 'waiting', input: input.current }));
      };
      created.ontoolresult = (result) => setState({ phase: 'result', input: input.current, result: result as ToolResult });
      created.ontoolcancelled = (params) => setState({ phase: 'cancelled', reason: params.reason });
      created.onhostcontextchanged = applyContext;
    },
  });
  useEffect(() => {
    if (!app || !isConnected) return;
    // The first context comes with the handshake's answer, not as a change.
    applyContext(app.getHostContext() ?? {});
    setState((s) => (s.phase === 'connecting' ? { phase: 'waiting', input: input.current } : s));
  }, [app, isConnected]);
  if (error) return { phase: 'failed', message: error.message };
  return state;
}

/** The text blocks of a result, joined: what the model read, and the whole answer of a failed call. */
export function resultText(result: ToolResult): string {
  return (result.content ?? [])
    .filter((c) => c.type === 'text' && typeof c.text === 'string')
    .map((c) => c.text)
    .join('\n');
}
