import { describe, expect, it } from 'vitest';
import { DEV_BALLOT_SECRET, loadConfig } from '../src/config.js';

const PRODUCTION_BALLOT_SECRET = 'q3J1v0c8m2WJ7yqkRr0gXo1n8H6bZp4TtY2uLw9sQe0=';

describe('signaling configuration', () => {
  it('finds the SFU nodes in Redis with SFU_DISCOVERY=redis, where SFU_URL is only an extra node', () => {
    expect(loadConfig({ SFU_DISCOVERY: 'redis' }).sfu).toMatchObject({ url: null, discover: true });
    expect(loadConfig({ SFU_DISCOVERY: 'redis', SFU_URL: 'http://10.0.0.9:4000' }).sfu).toMatchObject({ url: 'http://10.0.0.9:4000', discover: true });
    expect(() => loadConfig({ SFU_DISCOVERY: 'dns' })).toThrow(/SFU_DISCOVERY/);
  });

  it("keeps a meeting's peers on its node unless SFU_PEER_PLACEMENT=unit", () => {
    expect(loadConfig({}).sfu.peerPlacement).toBe('meeting');
    expect(loadConfig({ SFU_DISCOVERY: 'redis', SFU_PEER_PLACEMENT: 'unit' }).sfu).toMatchObject({ discover: true, peerPlacement: 'unit' });
    expect(() => loadConfig({ SFU_PEER_PLACEMENT: 'district' })).toThrow(/SFU_PEER_PLACEMENT/);
  });

  it('has working local defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      sfu: { url: 'http://127.0.0.1:4000', discover: false, peerPlacement: 'meeting', secret: 'dev-sfu-secret' },
      session: { cookieSecure: false },
      tls: null,
      turn: null,
      allowedOrigins: null,
      useRedisAdapter: true,
    });
    expect(config.clientDist).toMatch(/client\/dist$/);
  });

  describe('in production', () => {
    const strong = {
      NODE_ENV: 'production',
      SESSION_SECRET: '3f9c1e7a5b2d8046c1e9f7a3b5d20c4e',
      SFU_SECRET: 'b7e2a9c4d1f6083e5a7c9b1d3f2e4a60',
      REDIS_URL: 'redis://signaling:9d2b7f41c3e8a6@redis:6379',
      BALLOT_SECRET: PRODUCTION_BALLOT_SECRET,
    };

    it('starts with long random secrets and a Redis password', () => {
      expect(loadConfig(strong)).toMatchObject({ production: true, session: { secret: strong.SESSION_SECRET }, sfu: { secret: strong.SFU_SECRET } });
    });

    it('refuses a missing, placeholder or short secret, naming it', () => {
      expect(() => loadConfig({ ...strong, SESSION_SECRET: undefined })).toThrow(/SESSION_SECRET[\s\S]*required/);
      expect(() => loadConfig({ ...strong, SFU_SECRET: undefined })).toThrow(/SFU_SECRET/);
      // What the old docker-compose.yml fell back to, and the dev defaults.
      expect(() => loadConfig({ ...strong, SESSION_SECRET: 'change-me-session-secret' })).toThrow(/SESSION_SECRET[\s\S]*placeholder/);
      expect(() => loadConfig({ ...strong, SFU_SECRET: 'change-me-sfu-secret' })).toThrow(/SFU_SECRET[\s\S]*placeholder/);
      expect(() => loadConfig({ ...strong, SFU_SECRET: 'dev-sfu-secret' })).toThrow(/SFU_SECRET/);
      expect(() => loadConfig({ ...strong, SESSION_SECRET: 'a-long-production-secret' })).toThrow(/SESSION_SECRET[\s\S]*shorter than 32/);
      expect(() => loadConfig({ ...strong, SESSION_SECRET: 'ab'.repeat(20) })).toThrow(/SESSION_SECRET[\s\S]*not random/);
    });

    it('refuses TURN servers without a strong TURN_SECRET', () => {
      const turn = { ...strong, TURN_URLS: 'turn:turn.example.vn:3478' };
      expect(() => loadConfig(turn)).toThrow(/TURN_SECRET[\s\S]*required/);
      expect(() => loadConfig({ ...turn, TURN_SECRET: 'change-me-turn-password' })).toThrow(/TURN_SECRET/);
      expect(loadConfig({ ...turn, TURN_SECRET: '5c1e9a7f3b2d8e40a6c4f1b9d7e3a520' }).turn).toMatchObject({ secret: '5c1e9a7f3b2d8e40a6c4f1b9d7e3a520' });
    });

    it('refuses a Redis URL without credentials', () => {
      expect(() => loadConfig({ ...strong, REDIS_URL: 'redis://redis:6379' })).toThrow(/REDIS_URL[\s\S]*credentials/);
      expect(() => loadConfig({ ...strong, REDIS_URL: 'redis://signaling@redis:6379' })).toThrow(/REDIS_URL/);
    });

    it('refuses to run without its own ballot secret of 32 characters or more; development uses a fixed one', () => {
      expect(() => loadConfig({ ...strong, BALLOT_SECRET: undefined })).toThrow(/BALLOT_SECRET/);
      expect(() => loadConfig({ ...strong, BALLOT_SECRET: 'too-short-secret' })).toThrow(/BALLOT_SECRET/);
      expect(() => loadConfig({ ...strong, BALLOT_SECRET: DEV_BALLOT_SECRET })).toThrow(/BALLOT_SECRET/);
      expect(loadConfig(strong).ballotSecret).toBe(PRODUCTION_BALLOT_SECRET);
      expect(loadConfig({}).ballotSecret).toBe(DEV_BALLOT_SECRET);
    });
  });

  it('reads the TURN servers and their shared secret; static TURN passwords are refused', () => {
    const config = loadConfig({ TURN_URLS: 'turn:a:3478?transport=udp, turns:a:5349', TURN_SECRET: 's' });
    expect(config.turn).toEqual({ urls: ['turn:a:3478?transport=udp', 'turns:a:5349'], secret: 's', credentialTtlSeconds: 12 * 3600 });
    expect(() => loadConfig({ TURN_URLS: 'turn:a:3478', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'p' })).toThrow(/TURN_SECRET/);
  });

  it('treats empty variables as unset (as compose files write them)', () => {
    expect(loadConfig({ TURN_URLS: '', TURN_SECRET: '', PORT: '' })).toMatchObject({ turn: null, port: 3000 });
  });

  it('reads the allowed origins as origins', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://ehop.example.vn/, http://10.0.0.5:3000/app' }).allowedOrigins).toEqual([
      'https://ehop.example.vn',
      'http://10.0.0.5:3000',
    ]);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'ehop.example.vn' })).toThrow(/ALLOWED_ORIGINS/);
  });

  it('reads COOKIE_SECURE, makes cookies Secure whenever TLS is on, and wants TLS certificate and key together', () => {
    expect(loadConfig({ COOKIE_SECURE: 'true' }).session.cookieSecure).toBe(true);
    expect(() => loadConfig({ COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
    expect(() => loadConfig({ TLS_CERT_FILE: '/etc/cert.pem' })).toThrow(/TLS_KEY_FILE/);
    const tls = loadConfig({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem', COOKIE_SECURE: 'false' });
    expect(tls.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(tls.session.cookieSecure).toBe(true);
  });

  it('rejects a malformed port or URL with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});
