import type { MeetingDetail, MeetingStatus, MeetingSummary, User } from '@ehop/protocol';
import { AppError, isAppErrorCode } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Thin fetch wrapper for signaling's JSON API; the session travels in an HTTP-only cookie. */
export async function call<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new AppError('network', 'Could not reach the server', error);
  }
  const payload: unknown = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, payload);
  return payload as T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{error:{code,message}}` as an AppError; a body without one is classified by its status. */
export function errorFromResponse(status: number, payload: unknown): AppError {
  const error = (payload as { error?: { code?: unknown; message?: unknown; issues?: unknown; retryAfterSec?: unknown } } | undefined)?.error;
  if (error && isAppErrorCode(error.code)) {
    const issues = Array.isArray(error.issues) ? (error.issues as AppError['issues']) : [];
    const appError = new AppError(error.code, typeof error.message === 'string' ? error.message : error.code, undefined, issues);
    if (typeof error.retryAfterSec === 'number') appError.retryAfterSec = error.retryAfterSec;
    return appError;
  }
  if (status === 401) return new AppError('unauthenticated', `HTTP ${status}`);
  if (status === 403) return new AppError('forbidden', `HTTP ${status}`);
  if (status === 404) return new AppError('not_found', `HTTP ${status}`);
  if (status === 502 || status === 503 || status === 504) return new AppError('network', `HTTP ${status}`);
  return new AppError('internal', `HTTP ${status}`);
}

export const api = {
  login: (username: string, password: string) => call<User>('POST', '/auth/login', { username, password }),
  logout: () => call<unknown>('POST', '/auth/logout'),
  /** The signed-in user, or null when there is no valid session. */
  me: async (): Promise<User | null> => {
    try {
      return await call<User>('GET', '/auth/me');
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthenticated') return null;
      throw error;
    }
  },
  meetings: () => call<MeetingSummary[]>('GET', '/meetings'),
  meeting: (meetingId: string) => call<MeetingDetail>('GET', `/meetings/${encodeURIComponent(meetingId)}`),
  /** Publish (administrators, the chair), start (the chair), end (the chair, administrators). */
  setMeetingStatus: (meetingId: string, status: MeetingStatus) =>
    call<{ meetingId: string; status: MeetingStatus }>('POST', `/meetings/${encodeURIComponent(meetingId)}/status`, { status }),
};
