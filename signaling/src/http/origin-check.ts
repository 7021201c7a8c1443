import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { RequestError } from '@ehop/protocol';
import type { RequestHandler } from 'express';

/** True when the request may act with the user's cookie (it does not come from another site's page). */
export type OriginCheck = (request: IncomingMessage) => boolean;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The defence against cross-site request forgery: a page on another origin can make the user's
 * browser send their cookie (SameSite=Lax still lets another port of the same host, or a
 * subdomain, do it), but it cannot hide where it comes from. Browsers name the page's origin in
 * `Origin` on every WebSocket handshake and every cross-origin or non-GET request; the request is
 * allowed only when that origin is in `allowedOrigins`, or, with no list configured, is the origin
 * the request was sent to (its Host header, with https when TLS is on).
 *
 * A request with neither Origin nor Referer does not come from a web page (curl, the test
 * clients, the benchmarks): no page, nothing forged. Unless Sec-Fetch-Site, which browsers send,
 * says it crossed sites.
 */
export function originCheck(allowedOrigins: string[] | null, trustProxy: boolean): OriginCheck {
  const allowed = allowedOrigins ? new Set(allowedOrigins) : null;
  return (request) => {
    const claimed = claimedOrigin(request);
    if (claimed === undefined) return !crossSiteFetch(request);
    if (claimed === null) return false;
    return allowed ? allowed.has(claimed) : claimed === ownOrigin(request, trustProxy);
  };
}

/** Express: POST, PUT, PATCH and DELETE from another origin get 403 and change nothing. */
export function requireAllowedOrigin(check: OriginCheck): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || check(req)) return next();
    next(new RequestError('forbidden', 'Requests from another site are refused'));
  };
}

/** The page's origin; null for an opaque or unreadable one ("null"); undefined when not said. */
function claimedOrigin(request: IncomingMessage): string | null | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === 'null' ? null : normalizedOrigin(origin);
  const referer = request.headers.referer;
  return referer === undefined ? undefined : normalizedOrigin(referer);
}

function crossSiteFetch(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

function ownOrigin(request: IncomingMessage, trustProxy: boolean): string | null {
  const host = request.headers.host;
  if (!host) return null;
  const forwardedProto = trustProxy ? headerValue(request.headers['x-forwarded-proto'])?.split(',')[0]?.trim() : undefined;
  const scheme = (request.socket as TLSSocket).encrypted ? 'https' : (forwardedProto ?? 'http');
  return normalizedOrigin(`${scheme}://${host}`);
}

function normalizedOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
