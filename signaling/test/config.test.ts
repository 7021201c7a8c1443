import { describe, expect, it } from 'vitest';
import { DEV_BALLOT_SECRET, loadConfig } from '../src/config.js';

const PRODUCTION_BALLOT_SECRET = 'q3J1v0c8m2WJ7yqkRr0gXo1n8H6bZp4TtY2uLw9sQe0=';

describe('signaling configuration', () => {
  it('has working local defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      sfu: { url: 'http://127.0.0.1:4000', secret: 'dev-sfu-secret' },
      session: { cookieSecure: false },
      tls: null,
      iceServers: [],
      useRedisAdapter: true,
    });
    expect(config.clientDist).toMatch(/client\/dist$/);
  });

  it('refuses to run production without a session secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BALLOT_SECRET: PRODUCTION_BALLOT_SECRET })).toThrow(/SESSION_SECRET/);
    expect(
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-long-production-secret', BALLOT_SECRET: PRODUCTION_BALLOT_SECRET }).session.secret,
    ).toBe('a-long-production-secret');
  });

  it('refuses to run production without its own ballot secret of 32 characters or more; development uses a fixed one', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'a-long-production-secret' };
    expect(() => loadConfig(production)).toThrow(/BALLOT_SECRET/);
    expect(() => loadConfig({ ...production, BALLOT_SECRET: 'too-short-secret' })).toThrow(/BALLOT_SECRET/);
    expect(() => loadConfig({ ...production, BALLOT_SECRET: DEV_BALLOT_SECRET })).toThrow(/BALLOT_SECRET/);
    expect(loadConfig({ ...production, BALLOT_SECRET: PRODUCTION_BALLOT_SECRET }).ballotSecret).toBe(PRODUCTION_BALLOT_SECRET);
    expect(loadConfig({}).ballotSecret).toBe(DEV_BALLOT_SECRET);
  });

  it('turns TURN settings into the iceServers given with every transport', () => {
    const config = loadConfig({ TURN_URLS: 'turn:a:3478?transport=udp, turns:a:5349', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'p' });
    expect(config.iceServers).toEqual([{ urls: ['turn:a:3478?transport=udp', 'turns:a:5349'], username: 'u', credential: 'p' }]);
  });

  it('treats empty variables as unset (as compose files write them)', () => {
    expect(loadConfig({ TURN_URLS: '', TURN_USERNAME: '', PORT: '' })).toMatchObject({ iceServers: [], port: 3000 });
  });

  it('reads COOKIE_SECURE and wants TLS certificate and key together', () => {
    expect(loadConfig({ COOKIE_SECURE: 'true' }).session.cookieSecure).toBe(true);
    expect(() => loadConfig({ COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
    expect(() => loadConfig({ TLS_CERT_FILE: '/etc/cert.pem' })).toThrow(/TLS_KEY_FILE/);
    expect(loadConfig({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' }).tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('rejects a malformed port or URL with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});
