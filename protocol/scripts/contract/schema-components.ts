import { z } from 'zod';
import * as protocol from '../../src/index.js';
import type { JsonSchema } from './json-schema.js';

type Io = 'input' | 'output';

/**
 * Every schema the protocol exports, by its export name: shared parts are named after them.
 * Sorted: the numbering of unnamed shared parts follows the order schemas are registered in, and
 * must not depend on how the module loader orders a namespace.
 */
const exportedNames = new Map<z.ZodType, string>(
  Object.entries(protocol)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([name, value]) => (value instanceof z.ZodType ? [[value, name] as const] : [])),
);

/**
 * The `components.schemas` of a generated document: each message's or route's schema once, and
 * every part they share once, named after the protocol's export (`PeerInfo`, `RtpCapabilities`…).
 * What a client sends is described as zod parses it (`input`: fields with defaults optional), what
 * it receives as the server writes it (`output`); an input schema's name ends in `.input`.
 */
export class SchemaComponents {
  private readonly roots: Record<Io, Map<string, z.ZodType>> = { input: new Map(), output: new Map() };

  constructor(private readonly prefix: string) {}

  /** A `$ref` to `schema` (registered under `id` unless the protocol exports it by name). */
  ref(id: string, schema: z.ZodType, io: Io): JsonSchema {
    const name = exportedNames.get(schema) ?? id;
    this.roots[io].set(name, schema);
    return { $ref: `${this.prefix}${componentId(name, io)}` };
  }

  /** Every component reachable from the refs handed out, sorted by name. */
  build(): Record<string, JsonSchema> {
    const all: Record<string, JsonSchema> = { ...this.generate('input'), ...this.generate('output') };
    const reachable = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith(this.prefix)) {
          const id = child.slice(this.prefix.length);
          if (!reachable.has(id)) {
            reachable.add(id);
            visit(all[id]);
          }
        } else visit(child);
      }
    };
    for (const io of ['input', 'output'] as const) for (const name of this.roots[io].keys()) visit({ $ref: `${this.prefix}${componentId(name, io)}` });
    return Object.fromEntries([...reachable].sort().map((id) => [id, all[id] ?? {}]));
  }

  private generate(io: Io): Record<string, JsonSchema> {
    const registry = z.registry<{ id: string }>();
    for (const [schema, name] of exportedNames) registry.add(schema, { id: componentId(name, io) });
    for (const [name, schema] of [...this.roots[io]].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (!registry.has(schema)) registry.add(schema, { id: componentId(name, io) });
    const generated = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => `${this.prefix}${id}`,
    }) as { schemas: Record<string, JsonSchema> };
    const { __shared: shared, ...schemas } = generated.schemas;
    const components: Record<string, JsonSchema> = {};
    for (const [id, schema] of Object.entries(schemas)) components[id] = this.tidy(schema, io);
    const sharedDefs = (shared?.['$defs'] ?? {}) as Record<string, JsonSchema>;
    for (const [key, schema] of Object.entries(sharedDefs)) components[sharedId(key, io)] = this.tidy(schema, io);
    return components;
  }

  /** Drops `$schema`/`$id` and points `__shared#/$defs/x` refs at their own component. */
  private tidy(schema: JsonSchema, io: Io): JsonSchema {
    const sharedRef = `${this.prefix}__shared#/$defs/`;
    return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(sharedRef)) return `${this.prefix}${sharedId(value.slice(sharedRef.length), io)}`;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const { $schema: _dialect, $id: _id, ...rest } = value as JsonSchema;
        return rest;
      }
      return value;
    }) as JsonSchema;
  }
}

function componentId(name: string, io: Io): string {
  return io === 'input' ? `${name}.input` : name;
}

function sharedId(key: string, io: Io): string {
  return componentId(`shared.${key}`, io);
}
