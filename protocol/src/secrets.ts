/*
 * What both servers accept as a secret in production (SESSION_SECRET, SFU_SECRET, TURN_SECRET, BALLOT_SECRET):
 * long, random-looking, and none of the placeholders that example files and dev defaults carry.
 * `openssl rand -hex 32` (64 characters) passes; `change-me-...` and `dev-...` never do.
 */
export const MIN_SECRET_LENGTH = 32;

const PLACEHOLDERS = [/change-?me/i, /^dev-/i, /^test-/i, /example/i, /placeholder/i, /^secret/i, /^password/i];
/** Fewer different characters than this is a pattern (`aaaa...`, `abab...`), not a random value. */
const MIN_DISTINCT_CHARACTERS = 10;

/** Why `secret` must not protect a production deployment, or null when it will do. */
export function weakSecretProblem(secret: string): string | null {
  if (PLACEHOLDERS.some((pattern) => pattern.test(secret))) return 'is a placeholder; generate one, e.g. `openssl rand -hex 32`';
  if (secret.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters; generate one, e.g. \`openssl rand -hex 32\``;
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return 'is not random (too few different characters)';
  return null;
}
