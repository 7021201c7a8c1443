import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { RequestError, type ApiError, type ErrorCode } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { isStorageFailure, storageUnavailable } from '../redis/storage-failure.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_payload: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_in_meeting: 409,
  meeting_ended: 409,
  media_unavailable: 503,
  storage_unavailable: 503,
  internal: 500,
  file_too_large: 413,
  unsupported_file_type: 415,
  damaged_file: 422,
  conversion_failed: 422,
  limit_reached: 409,
  vote_open: 409,
  minutes_incomplete: 409,
  rate_limited: 429,
};

export function httpStatusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

/** Every HTTP error leaves as `{ error: { code, message, issues? } }`, like socket.io acks. */
export function sendError(res: Response, error: ApiError): void {
  if (error.retryAfterSec !== undefined) res.setHeader('Retry-After', String(error.retryAfterSec));
  res.status(httpStatusFor(error.code)).json({ error });
}

export function notFoundHandler(): RequestHandler {
  return (_req, res) => sendError(res, { code: 'not_found', message: 'No such route' });
}

/** The last middleware: known errors keep their code, anything else becomes `internal` without details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof RequestError) return sendError(res, error.toApiError());
    if (isStorageFailure(error)) return sendError(res, { code: 'storage_unavailable', message: storageUnavailable().message });
    const bodyError = bodyParserFailure(error);
    if (bodyError) return sendError(res, { code: 'invalid_payload', message: bodyError });
    logger.error({ err: error }, 'unhandled error in HTTP route');
    sendError(res, { code: 'internal', message: 'Internal error' });
  };
}

/** express.json() marks unreadable bodies with a `type` (malformed JSON, too large, wrong charset). */
function bodyParserFailure(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (type === 'entity.too.large') return 'Request body is too large';
  if (type === 'charset.unsupported' || (typeof type === 'string' && type.startsWith('encoding.'))) {
    return 'Unsupported request body encoding';
  }
  return null;
}
