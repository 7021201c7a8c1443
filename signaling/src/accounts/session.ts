import { RedisStore } from 'connect-redis';
import session from 'express-session';
import type { RequestHandler } from 'express';
import { SESSION_COOKIE_NAME } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

export const SESSION_COOKIE = SESSION_COOKIE_NAME;
const SESSION_TTL_SECONDS = 12 * 60 * 60; // one working day; a meeting never outlasts it

export interface SessionOptions {
  secret: string;
  cookieSecure: boolean;
  /** True when TLS ends at a reverse proxy: trust its X-Forwarded-Proto to send secure cookies. */
  behindProxy: boolean;
}

/** express-session backed by Redis, shared by HTTP routes and the socket.io handshake. */
export function createSessionMiddleware(redis: RedisClient, options: SessionOptions): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store: new RedisStore({ client: redis, prefix: keys.sessionPrefix(), ttl: SESSION_TTL_SECONDS }),
    // No cookie and no Redis record until someone logs in: a failed login leaves nothing behind.
    saveUninitialized: false,
    resave: false,
    rolling: true,
    proxy: options.behindProxy || undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.cookieSecure,
      maxAge: SESSION_TTL_SECONDS * 1000,
    },
  });
}
