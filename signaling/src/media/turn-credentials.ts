import { createHmac } from 'node:crypto';
import type { TurnConfig } from '../config.js';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * Time-limited TURN credentials (the "TURN REST API" that coturn's `use-auth-secret` checks):
 * username `expiry:userId` (expiry in Unix seconds), password base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the password from the username and refuses it once the expiry has passed, so
 * a credential copied out of a browser stops working and no password is stored anywhere.
 */
export function turnCredential(secret: string, userId: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers one user's browser gets with each transport (none configured: none). */
export function iceServersFor(turn: TurnConfig | null, userId: string, nowMs = Date.now()): IceServer[] {
  if (!turn) return [];
  if (!turn.secret) return [{ urls: turn.urls }];
  const expiresAt = Math.floor(nowMs / 1000) + turn.credentialTtlSeconds;
  return [{ urls: turn.urls, ...turnCredential(turn.secret, userId, expiresAt) }];
}
