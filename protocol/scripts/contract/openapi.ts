import { z } from 'zod';
import { httpRoutes, MeetingRole, SESSION_COOKIE_NAME, type HttpRouteSpec, type RouteAccess } from '../../src/index.js';
import { ApiErrorSchema, jsonSchemaOf, type JsonSchema } from './json-schema.js';
import { SchemaComponents } from './schema-components.js';

const ErrorEnvelope = z.object({ error: ApiErrorSchema });

/** The HTTP routes of protocol/src/http-routes.ts as OpenAPI 3.1. */
export function buildOpenApi(version: string): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  const schemas = new SchemaComponents('#/components/schemas/');
  const errorRef = schemas.ref('ErrorEnvelope', ErrorEnvelope, 'output');
  for (const route of Object.values(httpRoutes) as HttpRouteSpec[]) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(route, schemas, errorRef);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'eHọp HTTP API',
      version,
      description:
        'Generated from protocol/src/http-routes.ts by protocol/scripts/generate-contract.ts; do not edit. See docs/CLIENT-CONTRACT.md.',
    },
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE_NAME } },
      schemas: schemas.build(),
    },
  };
}

function operationOf(route: HttpRouteSpec, schemas: SchemaComponents, errorRef: JsonSchema): JsonSchema {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  return {
    operationId: `${route.method} ${route.path}`,
    summary: route.summary,
    'x-ehop-access': accessText(route.access),
    ...(route.access.kind === 'public' ? {} : { security: [{ session: [] }] }),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBodyOf(route, route.body, schemas) } : {}),
    responses: { ...responsesOf(route, schemas), default: { description: 'Error', content: { 'application/json': { schema: errorRef } } } },
  };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function requestBodyOf(route: HttpRouteSpec, body: NonNullable<HttpRouteSpec['body']>, schemas: SchemaComponents): JsonSchema {
  if (body.kind === 'json') return { required: true, content: { 'application/json': { schema: schemas.ref(componentName(route, 'Body'), body.schema, 'input') } } };
  const fields = jsonSchemaOf(body.fields, 'input');
  const properties = { ...((fields['properties'] ?? {}) as JsonSchema), [body.fileField]: { type: 'string', contentMediaType: 'application/octet-stream' } };
  const required = [...((fields['required'] ?? []) as string[]), body.fileField];
  return { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties, required } } } };
}

/** `GET /api/meetings/:meetingId` -> `GetApiMeetingsMeetingIdAnswer`: for schemas the protocol does not name. */
function componentName(route: HttpRouteSpec, part: 'Body' | 'Answer'): string {
  const words = [route.method.toLowerCase(), ...route.path.split(/[^A-Za-z0-9]+/)].filter(Boolean);
  return `${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}${part}`;
}

function responsesOf(route: HttpRouteSpec, schemas: SchemaComponents): JsonSchema {
  const { response } = route;
  if (response.kind === 'empty') return { '204': { description: 'Done, no content' } };
  if (response.kind === 'file') {
    return { '200': { description: 'A file', content: { [response.mediaType]: { schema: { type: 'string', contentMediaType: response.mediaType } } } } };
  }
  const schema = schemas.ref(componentName(route, 'Answer'), response.body, 'output');
  return Object.fromEntries(response.status.map((status) => [String(status), { description: 'OK', content: { 'application/json': { schema } } }]));
}

/** Who may call a route, in words (tables, `x-ehop-access`). */
export function accessText(access: RouteAccess): string {
  switch (access.kind) {
    case 'public':
      return 'anyone';
    case 'signedIn':
      return 'signed in';
    case 'admin':
      return 'administrators';
    case 'meeting':
      return `meeting ${access.roles.length === MeetingRole.options.length ? 'members' : access.roles.join(', ')}${access.alsoAdmins ? ', administrators' : ''}`;
  }
}
