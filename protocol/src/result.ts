import { z } from 'zod';

/** Machine-readable error codes; the client translates them through i18n (`errors.<code>`). */
export const ErrorCode = z.enum([
  'invalid_payload',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'not_in_meeting',
  /** The meeting is over: it can be read, not joined or changed. */
  'meeting_ended',
  'media_unavailable',
  /**
   * Signaling cannot reach its storage (Redis) right now: the request failed at once instead of
   * waiting. A write sent again with the same `idempotencyKey` is answered as the first attempt.
   */
  'storage_unavailable',
  'internal',
  // Uploaded files (documents): refused by size or content, or not convertible to PDF.
  'file_too_large',
  'unsupported_file_type',
  'damaged_file',
  'conversion_failed',
  /** A per-person limit was reached (e.g. highlights on one document). */
  'limit_reached',
  /** The meeting cannot end while a vote is open: the chair closes the vote first. */
  'vote_open',
  /** The minutes still have blanks to fill ("… giờ … phút"); `issues` lists where. */
  'minutes_incomplete',
  /** Too many requests or failed sign-ins in a short time: wait `retryAfterSec` and try again. */
  'rate_limited',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Details: for `invalid_payload` field path -> message; for `minutes_incomplete` section id -> the blank's text. */
  issues?: { path: string; message: string }[];
  /** For `rate_limited`: how long to wait before trying again (whole seconds). */
  retryAfterSec?: number;
}

/** Every socket.io request is acknowledged with exactly one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, issues?: ApiError['issues']): Ack<never> {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

/** The refusal of a request over its rate limit; `retryAfterMs` is rounded up to whole seconds. */
export function rateLimited(retryAfterMs: number): Ack<never> {
  const retryAfterSec = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return { ok: false, error: { code: 'rate_limited', message: `Too many requests; try again in ${retryAfterSec} s`, retryAfterSec } };
}

/** Turns a zod failure into the error the client shows. */
export function invalidPayload(error: z.ZodError): Ack<never> {
  return fail(
    'invalid_payload',
    z.prettifyError(error),
    error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}
