import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, verifyAgainstDummy, verifyPassword } from '../src/accounts/password.js';

describe('password hashing', () => {
  it('hashes with argon2id at OWASP cost and a random salt', async () => {
    const first = await hashPassword('mật-khẩu đúng');
    const second = await hashPassword('mật-khẩu đúng');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain('mật-khẩu');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('ehop-demo-2026');
    expect(await verifyPassword(stored, 'ehop-demo-2026')).toBe(true);
    expect(await verifyPassword(stored, 'ehop-demo-2025')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('treats an unreadable stored hash as a wrong password instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
    expect(await verifyPassword('', 'anything')).toBe(false);
  });

  it('checks unknown users against a hash of the same cost, and never accepts them', async () => {
    // Same algorithm and parameters as a real user's hash means the same work per attempt, so
    // response times do not reveal which usernames exist (measured by cost, not by a clock).
    const parameters = (hash: string) => hash.split('$').slice(1, 4).join('$');
    expect(parameters(await dummyPasswordHash())).toBe(parameters(await hashPassword('secret')));
    expect(await verifyAgainstDummy('guess')).toBe(false);
    expect(await verifyAgainstDummy('no-such-user-dummy-password')).toBe(false);
  });
});
