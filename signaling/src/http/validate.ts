import type { Request, RequestHandler, Response } from 'express';
import { invalidPayload } from '@ehop/protocol';
import type { z } from 'zod';
import { sendError } from './errors.js';

export interface InputSchemas {
  body?: z.ZodType;
  params?: z.ZodType;
  query?: z.ZodType;
}

export type ValidInput<S extends InputSchemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

type ValidatedHandler<S extends InputSchemas> = (input: ValidInput<S>, req: Request, res: Response) => unknown;

/**
 * The one way a route reads its input: each part (body, params, query) is parsed with its
 * protocol schema before the handler runs. On failure the client gets 400 `invalid_payload`
 * with field-level issues, and the handler never sees the request.
 */
export function validated<S extends InputSchemas>(schemas: S, handler: ValidatedHandler<S>): RequestHandler {
  return async (req, res) => {
    const input: Record<string, unknown> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const result = schema.safeParse(req[part] ?? {});
      if (!result.success) {
        const ack = invalidPayload(result.error);
        if (!ack.ok) sendError(res, ack.error);
        return;
      }
      input[part] = result.data;
    }
    await handler(input as ValidInput<S>, req, res);
  };
}
