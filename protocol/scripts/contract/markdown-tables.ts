import { clientRequests, httpRoutes, serverEvents, type ClientRequestName, type HttpRouteSpec, type ServerEventName } from '../../src/index.js';
import { accessText } from './openapi.js';
import { fieldsOf, jsonSchemaOf } from './json-schema.js';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED CONTRACT TABLES: npx tsx protocol/scripts/generate-contract.ts -->';
export const END_MARKER = '<!-- END GENERATED CONTRACT TABLES -->';

/** The tables between the markers of docs/CLIENT-CONTRACT.md: socket requests, server events, HTTP routes. */
export function renderTables(): string {
  return [
    '### Socket requests (client → server, acknowledged)',
    '',
    'Request fields marked `?` are optional (they have a default or may be left out). Every answer is',
    '`{ok: true, data}` with the fields shown, or `{ok: false, error: {code, message, issues?}}`.',
    '',
    '| event | request | answer `data` |',
    '| --- | --- | --- |',
    ...(Object.keys(clientRequests) as ClientRequestName[]).map((name) => {
      const spec = clientRequests[name];
      return row(`\`${name}\``, code(fieldsOf(jsonSchemaOf(spec.request, 'input'))), code(fieldsOf(jsonSchemaOf(spec.response, 'output'))));
    }),
    '',
    '### Server events (server → client)',
    '',
    '| event | payload |',
    '| --- | --- |',
    ...(Object.keys(serverEvents) as ServerEventName[]).map((name) => row(`\`${name}\``, code(fieldsOf(jsonSchemaOf(serverEvents[name], 'output'))))),
    '',
    '### HTTP routes',
    '',
    'Errors: `{error: {code, message, issues?}}` with the HTTP status of the code (table in *Error codes*).',
    '',
    '| route | who | body | answer | what |',
    '| --- | --- | --- | --- | --- |',
    ...(Object.values(httpRoutes) as HttpRouteSpec[]).map((route) =>
      row(`\`${route.method} ${route.path}\``, accessText(route.access), bodyText(route), answerText(route), route.summary.replaceAll('|', '\\|')),
    ),
  ].join('\n');
}

function bodyText(route: HttpRouteSpec): string {
  const parts: string[] = [];
  if (route.query) parts.push(`query ${code(fieldsOf(jsonSchemaOf(route.query, 'input')))}`);
  if (route.body?.kind === 'json') parts.push(code(fieldsOf(jsonSchemaOf(route.body.schema, 'input'))));
  if (route.body?.kind === 'multipart') parts.push(`multipart \`${route.body.fileField}\` + ${code(fieldsOf(jsonSchemaOf(route.body.fields, 'input')))}`);
  return parts.join(', ') || '–';
}

function answerText(route: HttpRouteSpec): string {
  const { response } = route;
  if (response.kind === 'empty') return '204';
  if (response.kind === 'file') return `${response.status} \`${response.mediaType}\``;
  return `${response.status.join('/')} ${code(fieldsOf(jsonSchemaOf(response.body, 'output')))}`;
}

function code(text: string): string {
  return `\`${text}\``;
}

function row(...cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** `document` with the text between the markers replaced by `tables`. */
export function withTables(document: string, tables: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`docs/CLIENT-CONTRACT.md must contain ${BEGIN_MARKER} … ${END_MARKER}`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n\n${tables}\n\n${document.slice(end)}`;
}
