import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** An administrator's password guards everything: long, and not guessable by a password cracker. */
export const MIN_ADMIN_PASSWORD_LENGTH = 12;
/** zxcvbn's score 3: "safely unguessable" against an offline attack on a slow hash such as argon2. */
const MIN_STRENGTH_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * Why `password` must not protect an administrator account, or null when it will do. `context`
 * are words an attacker knows (the username, the product's name, the published demo password):
 * a password built from them counts as weak.
 */
export function adminPasswordProblem(password: string, context: string[]): string | null {
  if (password.length < MIN_ADMIN_PASSWORD_LENGTH) return `at least ${MIN_ADMIN_PASSWORD_LENGTH} characters, please`;
  // zxcvbn scores `quantri-admin` as "safe" (it does not see the second word): refuse the obvious.
  const lower = password.toLowerCase();
  const known = context.map((word) => word.toLowerCase()).find((word) => word.length >= 4 && lower.includes(word));
  if (known) return `it contains "${known}", which an attacker tries first`;
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const { score } = estimator.check(password, context);
  if (score < MIN_STRENGTH_SCORE) return 'too easy to guess (a common word, a pattern, a date or the account name): choose a longer, less predictable one';
  return null;
}
