import { ErrorCode, type ApiError } from '@ehop/protocol';

/**
 * Codes the browser itself can fail with, on top of the server's `ErrorCode`s. Every code has a
 * translation under `errors.<code>` in each locale (a unit test enforces it).
 */
export const clientErrorCodes = [
  'network',
  'timeout',
  'media_permission',
  'media_device',
  'unsupported_browser',
  'ice_failed',
] as const;
export type ClientErrorCode = (typeof clientErrorCodes)[number];

export type AppErrorCode = ErrorCode | ClientErrorCode;

export const allErrorCodes: readonly AppErrorCode[] = [...ErrorCode.options, ...clientErrorCodes];

/**
 * An error the user is shown: `code` picks the translation, `message` is for logs, `issues` the
 * server's item-by-item details (e.g. the blanks left in the minutes) for a screen to list.
 */
export class AppError extends Error {
  /** For `rate_limited`: whole seconds to wait before trying again, when the server said. */
  retryAfterSec?: number;

  constructor(
    readonly code: AppErrorCode,
    message: string = code,
    override readonly cause?: unknown,
    readonly issues: NonNullable<ApiError['issues']> = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && (allErrorCodes as readonly string[]).includes(value);
}

/** Anything thrown (an ack error, a DOMException from getUserMedia, a bug) as an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDomException(error)) return fromDomException(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (isAppErrorCode(code)) return new AppError(code, String((error as Error).message ?? code), error);
  return new AppError('internal', error instanceof Error ? error.message : String(error), error);
}

function isDomException(error: unknown): error is DOMException {
  return typeof DOMException !== 'undefined' && error instanceof DOMException;
}

/** getUserMedia's failures, in words a user can act on. */
function fromDomException(error: DOMException): AppError {
  switch (error.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new AppError('media_permission', error.message, error);
    case 'NotFoundError':
    case 'NotReadableError':
    case 'OverconstrainedError':
    case 'AbortError':
      return new AppError('media_device', error.message, error);
    default:
      return new AppError('internal', error.message, error);
  }
}

/** The i18n key for an error: `errors.<code>`. */
export function errorMessageKey(error: unknown): string {
  return `errors.${toAppError(error).code}`;
}
