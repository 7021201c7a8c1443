import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has working defaults for a developer machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      secret: 'dev-sfu-secret',
      rtc: { port: 40000, minPort: 41000, maxPort: 41999, listenIp: '127.0.0.1', announcedIp: undefined },
      logLevel: 'info',
    });
    expect(config.workers).toBeGreaterThanOrEqual(1);
  });

  it('reads numbers and treats empty values as unset', () => {
    const config = loadConfig({ SFU_PORT: '4100', SFU_WORKERS: '3', RTC_ANNOUNCED_IP: '', RTC_MIN_PORT: '41000', RTC_MAX_PORT: '41999' });
    expect(config).toMatchObject({ port: 4100, workers: 3, rtc: { minPort: 41000, maxPort: 41999, announcedIp: undefined } });
  });

  it('puts worker i\'s WebRTC port at RTC_PORT + i, outside the internal range', () => {
    expect(loadConfig({ RTC_PORT: '50000', SFU_WORKERS: '4', RTC_MIN_PORT: '50004', RTC_MAX_PORT: '50100' }).rtc).toMatchObject({
      port: 50000,
      minPort: 50004,
      maxPort: 50100,
    });
    // Worker 3 would listen on 50003, inside the range plain transports take ports from.
    expect(() => loadConfig({ RTC_PORT: '50000', SFU_WORKERS: '4', RTC_MIN_PORT: '50003', RTC_MAX_PORT: '50100' })).toThrow(/RTC_PORT/);
    expect(() => loadConfig({ RTC_PORT: '41500', SFU_WORKERS: '1' })).toThrow(/outside RTC_MIN_PORT/);
    expect(() => loadConfig({ RTC_PORT: '65535', SFU_WORKERS: '2' })).toThrow(/at most 65535/);
    // 0: free ports from the internal range (tests), so overlapping is the point.
    expect(loadConfig({ RTC_PORT: '0', RTC_MIN_PORT: '30000', RTC_MAX_PORT: '30199' }).rtc.port).toBe(0);
  });

  it('announces itself in Redis only when given SFU_REDIS_URL, and then needs a reachable address', () => {
    expect(loadConfig({}).cluster).toBeNull();
    const cluster = { SFU_REDIS_URL: 'redis://sfu:pw@10.0.0.5:6379', SFU_NODE_ID: 'sfu-huyen', SFU_UNIT_ID: 'huyen-lac-son' };
    expect(loadConfig(cluster).cluster).toEqual({ redisUrl: cluster.SFU_REDIS_URL, nodeId: 'sfu-huyen', advertisedUrl: null, unitId: 'huyen-lac-son' });
    // Listening on every address, its own URL would say 0.0.0.0: signaling could not use it.
    expect(() => loadConfig({ ...cluster, SFU_HOST: '0.0.0.0' })).toThrow(/SFU_ADVERTISED_URL/);
    expect(loadConfig({ ...cluster, SFU_HOST: '0.0.0.0', SFU_ADVERTISED_URL: 'http://10.0.2.1:4000' }).cluster?.advertisedUrl).toBe('http://10.0.2.1:4000');
    expect(() => loadConfig({ ...cluster, SFU_NODE_ID: 'sfu:huyen' })).toThrow(/SFU_NODE_ID/);
  });

  it('requires a long random secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SFU_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', SFU_SECRET: 'dev-sfu-secret' })).toThrow(ConfigError);
    // The old docker-compose.yml's fallback, and a short one.
    expect(() => loadConfig({ NODE_ENV: 'production', SFU_SECRET: 'change-me-sfu-secret' })).toThrow(/SFU_SECRET[\s\S]*placeholder/);
    expect(() => loadConfig({ NODE_ENV: 'production', SFU_SECRET: 'a-long-random-secret' })).toThrow(/SFU_SECRET[\s\S]*shorter than 32/);
    const strong = 'b7e2a9c4d1f6083e5a7c9b1d3f2e4a60';
    expect(loadConfig({ NODE_ENV: 'production', SFU_SECRET: strong }).secret).toBe(strong);
  });

  it('serves its internal API over TLS when given a certificate and key (both)', () => {
    expect(loadConfig({}).tls).toBeNull();
    expect(loadConfig({ SFU_TLS_CERT_FILE: '/c.pem', SFU_TLS_KEY_FILE: '/k.pem' }).tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(() => loadConfig({ SFU_TLS_CERT_FILE: '/c.pem' })).toThrow(/SFU_TLS_KEY_FILE/);
  });

  it('rejects nonsense with a message naming the variable', () => {
    expect(() => loadConfig({ SFU_PORT: 'eighty' })).toThrow(/SFU_PORT/);
    expect(() => loadConfig({ RTC_MIN_PORT: '45000', RTC_MAX_PORT: '44000' })).toThrow(/RTC_MIN_PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ SFU_LAYER_LINGER_MS: '-1' })).toThrow(/SFU_LAYER_LINGER_MS/);
  });

  it('lets a camera keep an unwatched layer 5 s unless told otherwise', () => {
    expect(loadConfig({}).layerLingerMs).toBe(5_000);
    expect(loadConfig({ SFU_LAYER_LINGER_MS: '800' }).layerLingerMs).toBe(800);
  });

  it('uses the conference forwarding rule unless the baseline is asked for, and keeps plain RTP off', () => {
    expect(loadConfig({})).toMatchObject({ forwarding: 'conference', enablePlainRtp: false });
    expect(loadConfig({ SFU_FORWARDING: 'all-to-all', SFU_ENABLE_PLAIN_RTP: '1' })).toMatchObject({
      forwarding: 'all-to-all',
      enablePlainRtp: true,
    });
    expect(() => loadConfig({ SFU_FORWARDING: 'random' })).toThrow(/SFU_FORWARDING/);
  });

  it('keeps a meeting on one worker unless asked to spread its peers over the workers', () => {
    expect(loadConfig({}).roomSpread).toBe('single');
    expect(loadConfig({ SFU_ROOM_SPREAD: 'spread' }).roomSpread).toBe('spread');
    expect(() => loadConfig({ SFU_ROOM_SPREAD: 'everywhere' })).toThrow(/SFU_ROOM_SPREAD/);
  });

  it('listens for links to other SFU nodes where the media does unless told otherwise, announcing the media address only there', () => {
    expect(loadConfig({ RTC_LISTEN_IP: '0.0.0.0', RTC_ANNOUNCED_IP: '203.0.113.5' }).rtc).toMatchObject({ linkListenIp: '0.0.0.0', linkAnnouncedIp: '203.0.113.5' });
    expect(loadConfig({ RTC_ANNOUNCED_IP: '203.0.113.5', SFU_LINK_LISTEN_IP: '10.0.0.5' }).rtc).toMatchObject({ linkListenIp: '10.0.0.5', linkAnnouncedIp: undefined });
    expect(loadConfig({ SFU_LINK_LISTEN_IP: '0.0.0.0', SFU_LINK_ANNOUNCED_IP: '10.0.0.5' }).rtc).toMatchObject({ linkListenIp: '0.0.0.0', linkAnnouncedIp: '10.0.0.5' });
    expect(() => loadConfig({ SFU_LINK_LISTEN_IP: 'eth0' })).toThrow(/SFU_LINK_LISTEN_IP/);
  });

  it('refuses plain RTP transports in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SFU_SECRET: 'a-long-random-secret', SFU_ENABLE_PLAIN_RTP: '1' })).toThrow(
      /SFU_ENABLE_PLAIN_RTP/,
    );
  });
});
