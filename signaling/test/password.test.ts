import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, verifyAgainstDummy, verifyPassword } from '../src/accounts/password.js';
import { adminPasswordProblem } from '../src/accounts/password-policy.js';

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

describe("an administrator's password", () => {
  const context = ['quantri', 'Quản trị viên', 'ehop', 'admin', 'ehop-demo-2026'];

  it('refuses short, common, patterned and guessable ones, saying why', () => {
    expect(adminPasswordProblem('Ab1!xyz', context)).toMatch(/at least 12/);
    for (const weak of ['ehop-demo-2026', 'password1234', 'qwertyuiopasdf', 'aaaaaaaaaaaaaaaa', 'admin-admin-2026', '12345678901234']) {
      expect(adminPasswordProblem(weak, context), weak).not.toBeNull();
    }
    expect(adminPasswordProblem('quantri-admin-xyz', context)).toMatch(/contains "quantri"/);
  });

  it('accepts long, unpredictable ones, Vietnamese included', () => {
    for (const strong of ['Sương-mù-trên-đèo-Thung-Khe-42', 'x9Kq!w2Lr#4pZm', 'correct horse battery staple']) {
      expect(adminPasswordProblem(strong, context), strong).toBeNull();
    }
  });
});
