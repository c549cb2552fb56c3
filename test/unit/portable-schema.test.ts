import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { portable, portableJsonSchema } from '../../src/main/host/mcp/portable-schema.js';

const json = (schema: z.ZodType) => portable(schema)['~standard'].jsonSchema.output({ target: 'draft-2020-12' });

describe('portableJsonSchema: the spelling every client reads, the same contract', () => {
  it('writes nullable and mixed values as anyOf with one type per branch, never a type array', () => {
    expect(json(z.object({ a: z.string().nullable() }))).toMatchObject({ properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] } } });
    const cell = json(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))) as { items: Record<string, unknown> };
    expect(cell.items).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] });
    // A string keyword stays beside the branches: it applies to strings only either way.
    expect(portableJsonSchema({ type: ['string', 'null'], minLength: 1 })).toEqual({ minLength: 1, anyOf: [{ type: 'string' }, { type: 'null' }] });
    // Beside an existing anyOf, both conditions hold.
    expect(portableJsonSchema({ type: ['string', 'null'], anyOf: [{ minLength: 1 }, { type: 'null' }] })).toEqual({
      anyOf: [{ minLength: 1 }, { type: 'null' }],
      allOf: [{ anyOf: [{ type: 'string' }, { type: 'null' }] }],
    });
    expect(portableJsonSchema({ type: ['string'] })).toEqual({ type: 'string' });
  });

  it('says an open object is open (additionalProperties: true), and leaves typed maps and closed objects alone', () => {
    expect(json(z.looseObject({ a: z.string() }))).toMatchObject({ type: 'object', additionalProperties: true });
    expect(json(z.record(z.string(), z.number()))).toMatchObject({ additionalProperties: { type: 'number' } });
    expect(json(z.strictObject({ a: z.string() }))).toMatchObject({ additionalProperties: false });
    // Nested, in every place a schema sits.
    const nested = json(z.object({ list: z.array(z.looseObject({})), union: z.union([z.looseObject({}), z.null()]) }));
    expect(JSON.stringify(nested)).not.toContain('"additionalProperties":{}');
  });

  it('leaves out the ±2^53 bounds zod adds to integers, keeping real bounds', () => {
    expect(json(z.number().int())).toEqual(expect.objectContaining({ type: 'integer' }));
    expect(json(z.number().int())).not.toHaveProperty('minimum');
    expect(json(z.number().int().min(1).max(10))).toMatchObject({ minimum: 1, maximum: 10 });
    expect(json(z.number().int().min(0))).toMatchObject({ minimum: 0 });
    expect(json(z.number().int().min(0))).not.toHaveProperty('maximum');
  });

  it('does not touch property names that happen to be keywords, nor validation', async () => {
    const schema = z.looseObject({ type: z.array(z.string()), items: z.looseObject({}) });
    expect(json(schema)).toMatchObject({ properties: { type: { type: 'array', items: { type: 'string' } }, items: { type: 'object', additionalProperties: true } } });
    const std = portable(schema)['~standard'];
    expect(await std.validate({ type: ['a'], items: {}, extra: 1 })).not.toHaveProperty('issues');
    expect(await std.validate({ type: 'a', items: {} })).toHaveProperty('issues');
  });
});
