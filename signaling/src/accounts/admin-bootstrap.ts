import { randomBytes } from 'node:crypto';
import { RequestError, Username, type Unit } from '@ehop/protocol';
import { DEFAULT_DEMO_PASSWORD } from '../seed/demo-seed.js';
import { hashPassword } from './password.js';
import { adminPasswordProblem } from './password-policy.js';
import type { SessionIndex } from './session-index.js';
import type { UnitRepository } from './unit-repository.js';
import type { UserRepository } from './user-repository.js';

export interface AdminBootstrapInput {
  username: string;
  password: string;
  displayName?: string;
  /** The unit the account belongs to; by default the only top-level unit. */
  unitId?: string;
  /** On a store without units: the top-level (province) unit to create first. */
  unitName?: string;
  /** The account exists: set this password, make it an administrator, enable it, end its sessions. */
  reset: boolean;
}

export interface AdminBootstrapResult {
  action: 'created' | 'reset';
  userId: string;
  username: string;
  unit: Unit | null;
  sessionsEnded: number;
}

/** A refusal the operator can act on; the CLI prints the message. */
export class BootstrapRefusal extends Error {
  override name = 'BootstrapRefusal';
}

interface Stores {
  users: UserRepository;
  units: UnitRepository;
  sessions: SessionIndex;
}

/**
 * The first administrator of a new installation (or a locked-out one's new password): the
 * operator chooses the password, which must be strong; nothing is ever seeded with a known one.
 */
export async function createOrResetAdmin(stores: Stores, input: AdminBootstrapInput): Promise<AdminBootstrapResult> {
  const username = parseUsername(input.username);
  const displayName = input.displayName?.trim() || username;
  const problem = adminPasswordProblem(input.password, [username, displayName, 'ehop', 'ehọp', 'admin', DEFAULT_DEMO_PASSWORD]);
  if (problem) throw new BootstrapRefusal(`Password refused: ${problem}`);

  const existingId = await stores.users.idForUsername(username);
  if (existingId) {
    if (!input.reset) throw new BootstrapRefusal(`The account "${username}" exists; to give it a new password and administrator rights, run again with --reset`);
    return resetAdmin(stores, existingId, username, input.password);
  }
  const unit = await resolveUnit(stores.units, input);
  const userId = `u-${randomBytes(6).toString('base64url')}`;
  const passwordHash = await hashPassword(input.password);
  try {
    await stores.users.create({ id: userId, username, displayName, unitId: unit.id, kind: 'person', isAdmin: true, passwordHash, disabled: false });
  } catch (error) {
    if (error instanceof RequestError && error.code === 'conflict') throw new BootstrapRefusal(`The account "${username}" was just created by someone else`);
    throw error;
  }
  return { action: 'created', userId, username, unit, sessionsEnded: 0 };
}

async function resetAdmin(stores: Stores, userId: string, username: string, password: string): Promise<AdminBootstrapResult> {
  const account = await stores.users.getForAdmin(userId);
  if (!account) throw new BootstrapRefusal(`The account "${username}" is damaged (no record); remove it from Redis first`);
  if (account.kind === 'endpoint') throw new BootstrapRefusal(`"${username}" is an endpoint account; it cannot be an administrator`);
  await stores.users.update(userId, { passwordHash: await hashPassword(password), isAdmin: true, disabled: false });
  const sessionsEnded = await stores.sessions.endAll(userId);
  return { action: 'reset', userId, username, unit: await stores.units.get(account.unitId), sessionsEnded };
}

function parseUsername(value: string): string {
  const parsed = Username.safeParse(value);
  if (!parsed.success) throw new BootstrapRefusal(`Username refused: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}

/** The given unit, else the only top-level one, else (an empty store) a new top-level unit. */
async function resolveUnit(units: UnitRepository, input: AdminBootstrapInput): Promise<Unit> {
  if (input.unitId) {
    const unit = await units.get(input.unitId);
    if (!unit) throw new BootstrapRefusal(`No unit with id "${input.unitId}"`);
    return unit;
  }
  const all = await units.listAll();
  if (all.length === 0) return createTopUnit(units, input.unitName);
  const roots = all.filter((unit) => unit.parentId === null);
  if (roots.length === 1) return roots[0]!;
  throw new BootstrapRefusal(`Several top-level units exist; choose one with --unit (${roots.map((unit) => unit.id).join(', ')})`);
}

async function createTopUnit(units: UnitRepository, name: string | undefined): Promise<Unit> {
  const trimmed = name?.trim();
  if (!trimmed) throw new BootstrapRefusal('No units exist yet: name the top-level one with --unit-name (e.g. "UBND tỉnh Hòa Bình")');
  const unit: Unit = { id: `unit-${randomBytes(6).toString('base64url')}`, name: trimmed, level: 'province', parentId: null };
  await units.save(unit);
  return unit;
}
