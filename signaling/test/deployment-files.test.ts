import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/*
 * Issue 12, items 1, 5 and 8, in the files an operator deploys: docker-compose.yml seeded the demo
 * accounts at every start, fell back to `change-me-...` secrets, ran Redis without a password and
 * gave coturn a static user. (The servers' own refusals and coturn's behaviour are tested against
 * the real processes: production-config, first-admin, redis-auth and turn .int.test.ts.)
 */
const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const composeText = repoFile('docker-compose.yml');

interface Service {
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const commandOf = (service: Service) => [service.entrypoint, service.command].flat().filter(Boolean).join(' ');

describe('docker-compose.yml', () => {
  it('seeds no demo data and sets no demo password; the first administrator is created by a documented command', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(commandOf(service), name).not.toMatch(/seed/);
      expect(Object.keys(service.environment ?? {}), name).not.toContain('DEMO_PASSWORD');
    }
    expect(composeText).toMatch(/node signaling\/dist\/cli\/create-admin\.js/);
    expect(commandOf(services['signaling']!)).toBe('node signaling/dist/main.js');
  });

  it('requires every secret, with no fallback value', () => {
    for (const name of ['SESSION_SECRET', 'SFU_SECRET', 'TURN_SECRET', 'REDIS_PASSWORD', 'REDIS_ADMIN_PASSWORD']) {
      expect(composeText, name).toMatch(new RegExp(`\\$\\{${name}:\\?`));
      expect(composeText, name).not.toMatch(new RegExp(`\\$\\{${name}:-`));
    }
    expect(composeText).not.toMatch(/change-me/);
  });

  it('gives Redis users and passwords, publishes none of its ports, and signaling logs in', () => {
    expect(services['redis']!.ports).toBeUndefined();
    expect(commandOf(services['redis']!)).toMatch(/--aclfile/);
    expect(services['redis']!.volumes).toContain('./deploy/redis/users.acl.in:/etc/ehop/users.acl.in:ro');
    expect(services['signaling']!.environment!['REDIS_URL']).toBe('redis://signaling:${REDIS_PASSWORD}@redis:6379');
  });

  it("publishes the workers' media ports and keeps the SFU's internal API and RTP range off the host's ports", () => {
    expect(services['sfu-server']!.ports!.filter((port) => /:4000(\/|$)/.test(port))).toEqual([]);
    // One port per worker (RTC_PORT + i, 4 workers); the internal range (RTC_MIN_PORT..RTC_MAX_PORT) stays inside.
    expect(services['sfu-server']!.ports).toEqual(['40000-40003:40000-40003/udp', '40000-40003:40000-40003/tcp']);
    expect(services['sfu-server']!.environment).toMatchObject({ SFU_WORKERS: '4', RTC_PORT: '40000', RTC_MIN_PORT: '41000' });
  });

  it('runs coturn with the shared secret and the peer restrictions, without a static user', () => {
    const coturn = commandOf(services['coturn']!);
    expect(coturn).toMatch(/-c \/etc\/coturn\/turnserver\.conf/);
    expect(coturn).toMatch(/--static-auth-secret=\$\{TURN_SECRET\}/);
    expect(coturn).not.toMatch(/--user=|--lt-cred-mech/);
    expect(services['coturn']!.volumes).toContain('./deploy/coturn/turnserver.conf:/etc/coturn/turnserver.conf:ro');
    expect(services['signaling']!.environment!['TURN_SECRET']).toMatch(/^\$\{TURN_SECRET:\?/);
    expect(Object.keys(services['signaling']!.environment!)).not.toEqual(expect.arrayContaining(['TURN_CREDENTIAL']));
  });
});

describe('deploy/coturn/turnserver.conf', () => {
  const lines = repoFile('deploy/coturn/turnserver.conf')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('takes only time-limited credentials and relays to no internal address', () => {
    expect(lines).toEqual(expect.arrayContaining(['use-auth-secret', 'no-multicast-peers', 'no-tcp-relay', 'no-cli']));
    expect(lines.filter((line) => /^(user|lt-cred-mech|allow-loopback-peers)\b/.test(line))).toEqual([]);
    const denied = lines.filter((line) => line.startsWith('denied-peer-ip=')).map((line) => line.slice('denied-peer-ip='.length));
    expect(denied).toEqual(
      expect.arrayContaining(['10.0.0.0-10.255.255.255', '127.0.0.0-127.255.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255', '169.254.0.0-169.254.255.255', '::1', 'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']),
    );
  });
});

describe('deploy/redis/users.acl.in', () => {
  it('gives the default user no valid password and keeps administrative commands from signaling', () => {
    const users = repoFile('deploy/redis/users.acl.in').split('\n').filter((line) => line.startsWith('user '));
    expect(users).toContain('user default on resetpass ~* &* +@all');
    expect(users.find((line) => line.startsWith('user signaling '))).toMatch(/ on #@SIGNALING_PASSWORD_SHA256@ .* -@admin$/);
  });
});
