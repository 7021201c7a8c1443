import type { z } from 'zod';
import { fail, invalidPayload, type Ack, type ApiError } from './result.js';

/** An error a handler throws on purpose; its code and message reach the caller as they are. */
export class RequestError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
    /** What the caller is told beyond the message: the blanks one by one, or how long to wait. */
    readonly details: Pick<ApiError, 'issues' | 'retryAfterSec'> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }

  /** What the caller receives. */
  toApiError(): ApiError {
    return { code: this.code, message: this.message, ...this.details };
  }
}

interface RequestSpec {
  request: z.ZodType;
  response: z.ZodType;
}

/**
 * The one edge every socket.io request passes through, on signaling and on the SFU alike:
 * validate the payload, run the handler, acknowledge with a result. A malformed payload never
 * reaches the handler; an unexpected exception becomes `internal` without leaking details.
 */
export async function handleRequest<S extends RequestSpec>(
  spec: S,
  payload: unknown,
  handler: (request: z.output<S['request']>) => Promise<z.output<S['response']>> | z.output<S['response']>,
  onUnexpectedError: (error: unknown) => void,
): Promise<Ack<z.output<S['response']>>> {
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) return invalidPayload(parsed.error);
  try {
    return { ok: true, data: await handler(parsed.data as z.output<S['request']>) };
  } catch (error) {
    if (error instanceof RequestError) return { ok: false, error: error.toApiError() };
    onUnexpectedError(error);
    return fail('internal', 'Internal error');
  }
}
