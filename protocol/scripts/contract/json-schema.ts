import { z } from 'zod';
import { ErrorCode } from '../../src/index.js';

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as JSON Schema (draft 2020-12). `input` for what a client sends (fields with a
 * default are optional), `output` for what it receives. Rules JSON Schema cannot say (refinements,
 * transforms) are left out: the server still enforces them and answers `invalid_payload`.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, ...rest } = generated;
  return rest;
}

/** `ApiError` of result.ts (a TypeScript interface there): what every failure carries. */
export const ApiErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** The acknowledgement of a socket request: `Ack<T>` of result.ts. */
export function ackSchemaOf(data: z.ZodType): z.ZodType {
  return z.union([
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ApiErrorSchema }),
  ]);
}

/** One line for a table: the top-level fields of an object schema, `?` after optional ones. */
export function fieldsOf(schema: JsonSchema): string {
  if (Array.isArray(schema['anyOf']) || Array.isArray(schema['oneOf'])) {
    const variants = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[];
    return variants.map(fieldsOf).join(' \\| ');
  }
  if (schema['type'] === 'array') return `${fieldsOf((schema['items'] ?? {}) as JsonSchema)}[]`;
  if (schema['type'] !== 'object') return typeof schema['type'] === 'string' ? schema['type'] : 'any';
  const properties = Object.keys((schema['properties'] ?? {}) as JsonSchema);
  const required = new Set((schema['required'] ?? []) as string[]);
  return `{${properties.map((name) => (required.has(name) ? name : `${name}?`)).join(', ')}}`;
}
