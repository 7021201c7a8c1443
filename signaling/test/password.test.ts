import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../src/accounts/password.js';

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

  it('spends comparable time on unknown users and never accepts them', async () => {
    const stored = await hashPassword('secret');
    const time = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    await verifyAgainstDummy('warm-up'); // the dummy hash is computed once, lazily
    const real = await time(() => verifyPassword(stored, 'guess'));
    const dummy = await time(async () => expect(await verifyAgainstDummy('guess')).toBe(false));
    expect(dummy).toBeGreaterThan(real / 4);
  });
});
