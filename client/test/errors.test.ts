import { describe, expect, it } from 'vitest';
import { unwrapAck } from '../src/lib/ack.js';
import { errorFromResponse } from '../src/lib/api.js';
import { AppError, errorMessageKey, toAppError } from '../src/lib/errors.js';

describe('unwrapAck', () => {
  it('returns the data of a successful ack', () => {
    expect(unwrapAck({ ok: true, data: { producerId: 'p1' } })).toEqual({ producerId: 'p1' });
  });

  it('throws the server error with its code', () => {
    expect(() => unwrapAck({ ok: false, error: { code: 'forbidden', message: 'not a member' } })).toThrow(
      expect.objectContaining({ code: 'forbidden', message: 'not a member' }),
    );
  });

  it('turns an unknown code into internal, and a malformed ack into internal', () => {
    const unknownCode = { ok: false, error: { code: 'brand_new', message: 'x' } } as never;
    expect(() => unwrapAck(unknownCode)).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(() => unwrapAck(undefined)).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(() => unwrapAck({ nope: 1 } as never)).toThrow(AppError);
  });
});

describe('errorFromResponse', () => {
  it('uses the {error:{code,message}} body', () => {
    const error = errorFromResponse(401, { error: { code: 'unauthenticated', message: 'bad credentials' } });
    expect(error).toMatchObject({ code: 'unauthenticated', message: 'bad credentials' });
  });

  it('falls back to the HTTP status when the body has no error', () => {
    expect(errorFromResponse(401, undefined).code).toBe('unauthenticated');
    expect(errorFromResponse(403, '<html>').code).toBe('forbidden');
    expect(errorFromResponse(404, null).code).toBe('not_found');
    expect(errorFromResponse(502, undefined).code).toBe('network');
    expect(errorFromResponse(500, {}).code).toBe('internal');
  });
});

describe('toAppError', () => {
  it('explains a blocked camera as a permission problem', () => {
    expect(toAppError(new DOMException('denied', 'NotAllowedError')).code).toBe('media_permission');
    expect(toAppError(new DOMException('busy', 'NotReadableError')).code).toBe('media_device');
  });

  it('keeps AppErrors and wraps anything else as internal', () => {
    const appError = new AppError('timeout');
    expect(toAppError(appError)).toBe(appError);
    expect(toAppError(new Error('boom')).code).toBe('internal');
    expect(errorMessageKey('boom')).toBe('errors.internal');
    expect(errorMessageKey({ code: 'not_in_meeting', message: 'x' })).toBe('errors.not_in_meeting');
  });
});
