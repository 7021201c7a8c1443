import { verifyPassword } from '../accounts/password.js';
import type { SessionIndex } from '../accounts/session-index.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { Logger } from '../logger.js';
import { DEFAULT_DEMO_PASSWORD, DEMO_USERS } from './demo-seed.js';

/**
 * In production, no account may keep the published demo password. Installations made with the
 * old docker-compose.yml were seeded with the demo accounts (`admin` included) at every start:
 * each such account still on that password is disabled and its sessions ended, loudly. The
 * operator then sets real passwords with `create-admin.js --reset` (or the administration screen).
 */
export async function disableDemoPasswordAccounts(users: UserRepository, sessions: SessionIndex, logger: Logger): Promise<string[]> {
  const disabled: string[] = [];
  for (const { username } of DEMO_USERS) {
    const account = await users.findByUsername(username);
    if (!account || !(await verifyPassword(account.passwordHash, DEFAULT_DEMO_PASSWORD))) continue;
    await users.update(account.id, { disabled: true });
    await sessions.endAll(account.id);
    disabled.push(username);
  }
  if (disabled.length > 0) {
    logger.error(
      { usernames: disabled },
      'accounts with the published demo password were disabled; give them new passwords with create-admin.js --reset or the administration screen',
    );
  }
  return disabled;
}
