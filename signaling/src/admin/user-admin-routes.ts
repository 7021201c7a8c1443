import { randomBytes } from 'node:crypto';
import {
  CreateUserRequest,
  RequestError,
  ResetPasswordRequest,
  SetUserDisabledRequest,
  UpdateUserRequest,
  UserIdParams,
  type AdminUser,
} from '@ehop/protocol';
import type { Router } from 'express';
import { hashPassword } from '../accounts/password.js';
import type { SessionIndex } from '../accounts/session-index.js';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import type { ConnectionDirectory } from '../realtime/connection-directory.js';

export interface UserAdminOptions {
  users: UserRepository;
  units: UnitRepository;
  connections: ConnectionDirectory;
  sessions: SessionIndex;
}

/** `/api/admin/users`: create accounts (people and endpoints), edit, reset passwords, disable. */
export function addUserAdminRoutes(router: Router, { users, units, connections, sessions }: UserAdminOptions): void {
  router.post(
    '/users',
    validated({ body: CreateUserRequest }, async ({ body }, _req, res) => {
      await requireUnit(units, body.unitId);
      const { password, ...fields } = body;
      const id = `u-${randomBytes(6).toString('base64url')}`;
      await users.create({ id, ...fields, passwordHash: await hashPassword(password), disabled: false });
      res.status(201).json(await requireAccount(users, id));
    }),
  );

  router.patch(
    '/users/:userId',
    validated({ params: UserIdParams, body: UpdateUserRequest }, async ({ params, body }, _req, res) => {
      const account = await requireAccount(users, params.userId);
      if (body.unitId !== undefined) await requireUnit(units, body.unitId);
      if (body.isAdmin !== undefined) requireAdminChangeAllowed(account, body.isAdmin, currentUser(res).id);
      await users.update(account.id, body);
      res.json(await requireAccount(users, account.id));
    }),
  );

  router.post(
    '/users/:userId/password',
    validated({ params: UserIdParams, body: ResetPasswordRequest }, async ({ params, body }, req, res) => {
      const account = await requireAccount(users, params.userId);
      await users.update(account.id, { passwordHash: await hashPassword(body.password) });
      // Whoever held the old password (or a stolen cookie) is out everywhere; an administrator
      // resetting their own password keeps this session.
      await sessions.endAll(account.id, { except: req.sessionID });
      res.status(204).end();
    }),
  );

  router.post(
    '/users/:userId/disabled',
    validated({ params: UserIdParams, body: SetUserDisabledRequest }, async ({ params, body }, _req, res) => {
      const account = await requireAccount(users, params.userId);
      if (body.disabled && account.id === currentUser(res).id) {
        throw new RequestError('conflict', 'You cannot disable your own account');
      }
      await users.update(account.id, { disabled: body.disabled });
      // Its sessions end (enabling the account again does not bring them back); its live sockets go too.
      if (body.disabled) {
        await sessions.endAll(account.id);
        connections.disconnectUser(account.id);
      }
      res.json(await requireAccount(users, account.id));
    }),
  );
}

async function requireAccount(users: UserRepository, userId: string): Promise<AdminUser> {
  const account = await users.getForAdmin(userId);
  if (!account) throw new RequestError('not_found', 'No such account');
  return account;
}

async function requireUnit(units: UnitRepository, unitId: string): Promise<void> {
  if (!(await units.get(unitId))) throw new RequestError('invalid_payload', `Unknown unit ${unitId}`);
}

/** Endpoints are never administrators, and nobody removes their own rights (no lock-out). */
function requireAdminChangeAllowed(account: AdminUser, isAdmin: boolean, callerId: string): void {
  if (isAdmin && account.kind === 'endpoint') throw new RequestError('invalid_payload', 'An endpoint account cannot be an administrator');
  if (!isAdmin && account.id === callerId) throw new RequestError('conflict', 'You cannot remove your own administrator rights');
}
