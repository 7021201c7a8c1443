import { clientRequests, serverEvents, type ClientRequestName, type ServerEventName } from '../../src/index.js';
import { ackSchemaOf, type JsonSchema } from './json-schema.js';
import { SchemaComponents } from './schema-components.js';

/**
 * The socket.io contract as AsyncAPI 3.0. A client request is a `send` operation on channel
 * `<name>.request` whose reply is the socket.io acknowledgement (`Ack<answer>`); a server event is a
 * `receive` operation on `<name>.event`. Both carry the socket.io event name as `address`: one
 * name can be both (`recording:state` is a request and an event).
 */
export function buildAsyncApi(version: string): JsonSchema {
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  const messages: JsonSchema = {};
  const schemas = new SchemaComponents('#/components/schemas/');

  for (const name of Object.keys(clientRequests) as ClientRequestName[]) {
    const spec = clientRequests[name];
    const request = `${name}.request`;
    const answer = `${name}.answer`;
    messages[request] = { name: request, title: `${name} request`, payload: schemas.ref(request, spec.request, 'input') };
    messages[answer] = { name: answer, title: `${name} acknowledgement`, payload: schemas.ref(answer, ackSchemaOf(spec.response), 'output') };
    channels[request] = {
      address: name,
      messages: { request: messageRef(request), answer: messageRef(answer) },
    };
    operations[request] = {
      action: 'send',
      summary: 'Client request, acknowledged by the server (socket.io ack callback)',
      channel: channelRef(request),
      messages: [{ $ref: `#/channels/${request}/messages/request` }],
      reply: { channel: channelRef(request), messages: [{ $ref: `#/channels/${request}/messages/answer` }] },
    };
  }

  for (const name of Object.keys(serverEvents) as ServerEventName[]) {
    const event = `${name}.event`;
    messages[event] = { name: event, title: name, payload: schemas.ref(event, serverEvents[name], 'output') };
    channels[event] = { address: name, messages: { event: messageRef(event) } };
    operations[event] = {
      action: 'receive',
      summary: 'Server event (no acknowledgement)',
      channel: channelRef(event),
      messages: [{ $ref: `#/channels/${event}/messages/event` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'eHọp client contract (socket.io)',
      version,
      description:
        'Generated from protocol/src (client-api.ts and the feature files) by protocol/scripts/generate-contract.ts; do not edit. ' +
        'Connect socket.io (path /socket.io/) with the session cookie `ehop.sid` from POST /api/auth/login. See docs/CLIENT-CONTRACT.md.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages, schemas: schemas.build() },
  };
}

function messageRef(name: string): JsonSchema {
  return { $ref: `#/components/messages/${name}` };
}

function channelRef(name: string): JsonSchema {
  return { $ref: `#/channels/${name}` };
}
