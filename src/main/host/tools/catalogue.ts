import { z } from 'zod';
import type { ToolClass, ToolFacts } from '../../../shared/policy.js';
import { toolsetOf } from '../../../shared/toolsets.js';
import type { ArgRedaction } from '../activity/redact.js';
import type { Logger } from '../log.js';

/** What every tool run gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the client cancels, the per-tool timeout fires, or the host stops. */
  signal: AbortSignal;
  /** Name of the MCP client that holds the bearer token ("cursor", "cli", ...). */
  client: string;
  sessionId: string | null;
  /** The account of the tool's back end that the client's profile binds (absent: "default"). */
  account?: string;
  log: Logger;
  /** Reports progress to the client when it asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): void;
}

/** What a tool hands back; the gateway turns it into a CallToolResult. */
export interface ToolOutput {
  /** Compact text written for a model. */
  text: string;
  /** Machine-readable form of the same answer (becomes structuredContent). */
  structured?: Record<string, unknown>;
  /** A failure the tool itself recognised (flyctl exited non-zero, API said 404, ...). */
  isError?: boolean;
}

export type ToolInputShape = z.ZodRawShape;

/** A tool's outputSchema: the shape of an open object, or a whole object schema (a map). */
export type ToolOutputSchema = z.ZodRawShape | z.ZodType<Record<string, unknown>>;

/** The zod schema of a tool's structuredContent: an open object of the declared shape, or the declared object schema itself. */
export function outputSchemaOf(output: ToolOutputSchema): z.ZodType<Record<string, unknown>> {
  return output instanceof z.ZodType ? output : z.looseObject(output);
}

export interface ToolSpec<Shape extends ToolInputShape = ToolInputShape> {
  /** MCP tool name: 1-128 chars of [A-Za-z0-9_.-]. */
  name: string;
  /** Which back end the tool belongs to ("fly", "flightctl", ...). */
  provider: string;
  title: string;
  /** Its toolset; absent: the one TOOLSETS names it in (test and fixture tools have none). */
  toolset?: string;
  /** Written for a model: what it does, what it changes, what to call first. */
  description: string;
  class: ToolClass;
  /** Zod shape of the arguments (an object schema is built from it). */
  input: Shape;
  /**
   * Zod shape of structuredContent, declared to clients as the tool's outputSchema (extra keys
   * allowed), or a whole zod object schema when the answer is a map (its own catchall). Every
   * tool that returns `structured` declares one; a successful answer without structured content
   * then carries `{}`, so fields that are not always there are optional. It describes what the
   * answer really holds: types, required fields, descriptions where a name is not enough (tests
   * call every tool and check each answer against it; clients check it too).
   */
  output?: ToolOutputSchema;
  /** Argument names whose values are secret: redacted everywhere they could be recorded. */
  secretArgs?: readonly string[];
  /**
   * What other arguments mean, for redaction (env entries, secrets to set, command lines): see
   * ArgRedaction. Every argument is also masked by the rules for any value (secret-looking names,
   * URL passwords).
   */
  redactArgs?: Readonly<Record<string, ArgRedaction>>;
  /** Overrides the gateway's default per-call timeout. */
  timeoutMs?: number;
  /**
   * Set when the back end as installed lacks this tool (an older flyctl): the one line a call
   * gets. The tool stays in the catalogue (profiles and rules name it) but is not listed.
   */
  unavailable?: string;
  /**
   * Arguments the tool takes elsewhere (another flyctl release) but not here, each with the one
   * line a call naming it gets instead of a bare "unrecognized key".
   */
  unsupportedArgs?: Readonly<Record<string, string>>;
  run(args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): Promise<ToolOutput>;
}

/** A ToolSpec whose argument type has been erased so specs of different shapes share one list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erasure point for heterogeneous specs
export type AnyToolSpec = ToolSpec<any>;

/** Keeps the argument type while building a spec, then erases it for the catalogue. */
export function defineTool<Shape extends ToolInputShape>(spec: ToolSpec<Shape>): AnyToolSpec {
  return spec;
}

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** The set of tools a host serves. Names are unique and valid, checked once at build time. */
export class Catalogue {
  readonly #tools = new Map<string, AnyToolSpec>();
  #facts: ToolFacts[] | null = null;
  readonly #listeners = new Set<(changed: readonly AnyToolSpec[]) => void>();

  constructor(specs: Iterable<AnyToolSpec> = []) {
    for (const spec of specs) this.add(spec);
  }

  add(spec: AnyToolSpec): void {
    if (!TOOL_NAME.test(spec.name)) throw new Error(`Invalid tool name "${spec.name}": use 1-128 of A-Z a-z 0-9 _ . -`);
    if (this.#tools.has(spec.name)) throw new Error(`Duplicate tool name "${spec.name}"`);
    this.#tools.set(spec.name, spec);
    this.#facts = null;
  }

  /** What profiles and rules look at for every tool (name, provider, class, toolset). */
  facts(): ToolFacts[] {
    return (this.#facts ??= this.list().map((t) => ({ name: t.name, provider: t.provider, class: t.class, toolset: t.toolset ?? toolsetOf(t.name) })));
  }

  /**
   * New specs for tools already here (a back end's tools follow what is installed: the Fly tools
   * the flyctl in use). The names stay; a spec that is the same object is no change. Listeners
   * hear the changed ones; returns them.
   */
  replace(specs: Iterable<AnyToolSpec>): AnyToolSpec[] {
    const changed: AnyToolSpec[] = [];
    for (const spec of specs) {
      const before = this.#tools.get(spec.name);
      if (!before) throw new Error(`No tool "${spec.name}" to replace`);
      if (before === spec) continue;
      if (before.provider !== spec.provider || before.class !== spec.class) throw new Error(`Tool "${spec.name}" cannot change its provider or class`);
      this.#tools.set(spec.name, spec);
      changed.push(spec);
    }
    if (changed.length) for (const listener of this.#listeners) listener(changed);
    return changed;
  }

  onChange(listener: (changed: readonly AnyToolSpec[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many tools clients can be offered now (those the installed back ends have). */
  get offered(): number {
    let n = 0;
    for (const spec of this.#tools.values()) if (!spec.unavailable) n++;
    return n;
  }

  get(name: string): AnyToolSpec | undefined {
    return this.#tools.get(name);
  }

  list(): AnyToolSpec[] {
    return [...this.#tools.values()];
  }

  get size(): number {
    return this.#tools.size;
  }
}
