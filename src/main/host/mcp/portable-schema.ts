import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type Json = Record<string, unknown>;

/**
 * The JSON Schema of a tool as clients get it, in the spelling that every client can read: zod
 * writes nullable and mixed values as `type: [..]` arrays, which clients that map schemas onto a
 * single-type dialect (Gemini's function declarations) reject, and open objects as
 * `additionalProperties: {}`, a schema that says nothing. Here a type array becomes `anyOf` with
 * one `type` per branch, `additionalProperties: {}` becomes `true` (the same contract, said), and
 * the ±2^53 bounds zod adds to every integer are left out (JSON numbers carry no more anyway).
 * What the schema accepts does not change.
 */
export function portableJsonSchema<T>(schema: T): T {
  return rewrite(schema, 0) as T;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is one schema. */
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'unevaluatedProperties', 'propertyNames', 'contains', 'not', 'if', 'then', 'else']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

function rewrite(node: unknown, depth: number): unknown {
  if (depth > 64 || !isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, depth + 1)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map((v) => rewrite(v, depth + 1));
    else if (key === 'additionalProperties' && isObject(value) && Object.keys(value).length === 0) out[key] = true;
    else if (SCHEMA_VALUES.has(key)) out[key] = rewrite(value, depth + 1);
    else if ((key === 'minimum' && value === -MAX_SAFE) || (key === 'maximum' && value === MAX_SAFE)) continue;
    else out[key] = value;
  }
  if (Array.isArray(out.type)) {
    const types = out.type as unknown[];
    delete out.type;
    if (types.length === 1) out.type = types[0];
    else {
      // Keywords of one type (minLength, minimum, ...) apply to values of that type only, so they stay where they are.
      const branches = types.map((t) => ({ type: t }));
      if (out.anyOf === undefined) out.anyOf = branches;
      else out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), { anyOf: branches }];
    }
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A Standard Schema (zod, or a wrapper around it) whose JSON Schema is written the portable way; validation is the schema's own. */
export function portable<I, O>(schema: StandardSchemaWithJSON<I, O>): StandardSchemaWithJSON<I, O> {
  const inner = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: inner.vendor,
      validate: (value) => inner.validate(value),
      jsonSchema: {
        input: (options) => portableJsonSchema(inner.jsonSchema.input(options)),
        output: (options) => portableJsonSchema(inner.jsonSchema.output(options)),
      },
    },
  };
}
