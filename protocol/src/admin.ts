import { z } from 'zod';
import { SfuNodeLoad } from './sfu-api.js';
import { Id, Unit, UnitLevel, User, UserKind } from './domain.js';

/*
 * The administration API (`/api/admin/...`, administrators only): accounts, the organisational
 * tree (province -> districts -> communes) and the video endpoints bound to each unit.
 */

/** A user as administrators see it: with the switch that locks the account. */
export const AdminUser = User.extend({ disabled: z.boolean() });
export type AdminUser = z.infer<typeof AdminUser>;

/** Lower-case letters, digits, '.', '_' and '-': typed on tablets and TVs' remote keyboards. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-" only');

export const NewPassword = z.string().min(8, 'at least 8 characters').max(256);

const DisplayName = z.string().trim().min(1).max(200);
const UnitName = z.string().trim().min(1).max(200);

export const CreateUserRequest = z
  .object({
    username: Username,
    displayName: DisplayName,
    unitId: Id,
    kind: UserKind.default('person'),
    isAdmin: z.boolean().default(false),
    password: NewPassword,
  })
  .refine((user) => !(user.kind === 'endpoint' && user.isAdmin), {
    message: 'an endpoint account cannot be an administrator',
    path: ['isAdmin'],
  });
export type CreateUserRequest = z.input<typeof CreateUserRequest>;

export const UpdateUserRequest = z
  .object({ displayName: DisplayName, unitId: Id, isAdmin: z.boolean() })
  .partial()
  .refine((change) => Object.keys(change).length > 0, { message: 'nothing to change' });
export type UpdateUserRequest = z.input<typeof UpdateUserRequest>;

export const ResetPasswordRequest = z.object({ password: NewPassword });
export const SetUserDisabledRequest = z.object({ disabled: z.boolean() });

export const CreateUnitRequest = z.object({ name: UnitName, level: UnitLevel, parentId: Id.nullable() });
export type CreateUnitRequest = z.input<typeof CreateUnitRequest>;

/** Rename (`name`) and/or move under another parent (`parentId`). */
export const UpdateUnitRequest = z
  .object({ name: UnitName, parentId: Id.nullable() })
  .partial()
  .refine((change) => Object.keys(change).length > 0, { message: 'nothing to change' });
export type UpdateUnitRequest = z.input<typeof UpdateUnitRequest>;

export const UserIdParams = z.object({ userId: Id });
export const UnitIdParams = z.object({ unitId: Id });

/** `GET /api/admin/directory`: everything the administration screen shows, in one answer. */
export const Directory = z.object({
  units: z.array(Unit),
  users: z.array(AdminUser),
  /** Accounts with a live connection to signaling right now (endpoints: the device is up). */
  onlineUserIds: z.array(Id),
});
export type Directory = z.infer<typeof Directory>;

/** One media server (SFU node) as the administrators see it. */
export const MediaServerStatus = z.object({
  id: Id,
  /** The unit whose meetings it carries first; null: any (a lone SFU, or one without SFU_UNIT_ID). */
  unitId: Id.nullable(),
  /** This signaling node's link to it is up. */
  connected: z.boolean(),
  /** What it carries now; null when it cannot be asked (its link is down). */
  load: SfuNodeLoad.nullable(),
  /** When it left the registry (ms since the epoch; it stopped or died); null while it is announced. */
  goneSince: z.number().int().nullable(),
});
export type MediaServerStatus = z.infer<typeof MediaServerStatus>;
