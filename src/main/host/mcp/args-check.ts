import type { StandardSchemaV1, StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';

type Args = Record<string, unknown>;

/**
 * Arguments that do not fit a tool's schema. The SDK would refuse such a call before any code of
 * ours saw it, so nothing would record it; the schema below hands it to the tool's handler as
 * this instead, which records it and answers with the same message the SDK would have sent.
 */
export class InvalidArgs {
  constructor(
    readonly given: unknown,
    readonly message: string,
  ) {}
}

/**
 * The tool's input schema as the SDK sees it: the same JSON Schema in tools/list and the same
 * check, but a failed check is passed on as InvalidArgs rather than refused. (A Standard Schema
 * with a JSON Schema converter is what registerTool accepts besides a zod object.)
 */
export function recordingInputSchema(
  tool: string,
  schema: z.ZodType<Args>,
  unsupported?: Readonly<Record<string, string>>,
): StandardSchemaWithJSON<unknown, Args | InvalidArgs> {
  const inner = schema['~standard'];
  const settle = (value: unknown, result: StandardSchemaV1.Result<Args>): StandardSchemaV1.Result<Args | InvalidArgs> =>
    result.issues ? { value: new InvalidArgs(value, `Input validation error: Invalid arguments for tool ${tool}: ${result.issues.map(formatIssue).join(', ')}`) } : result;
  return {
    '~standard': {
      version: 1,
      vendor: 'tarmac',
      jsonSchema: inner.jsonSchema,
      validate(value) {
        // An argument this installation lacks (an older or newer flyctl): its own one line, which
        // says which release has it, instead of "unrecognized key".
        const named = unsupported && value !== null && typeof value === 'object' ? Object.keys(value).find((k) => Object.hasOwn(unsupported, k)) : undefined;
        if (named !== undefined) return { value: new InvalidArgs(value, unsupported![named]!) };
        const result = inner.validate(value);
        return result instanceof Promise ? result.then((r) => settle(value, r)) : settle(value, result);
      },
    },
  };
}

/** One issue as the SDK words it: "path.to.field: message". */
function formatIssue(issue: StandardSchemaV1.Issue): string {
  if (!issue.path?.length) return issue.message;
  return `${issue.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}: ${issue.message}`;
}
