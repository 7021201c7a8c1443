import type {
  AdminUser,
  CreateUnitRequest,
  CreateUserRequest,
  Directory,
  ManagedMeeting,
  MediaServerStatus,
  MeetingInput,
  Unit,
  UpdateUnitRequest,
  UpdateUserRequest,
} from '@ehop/protocol';
import { call } from './api.js';

const id = encodeURIComponent;

/** `/api/admin`: the administration screens' calls (the server refuses them to non-administrators). */
export const adminApi = {
  directory: () => call<Directory>('GET', '/admin/directory'),
  mediaServers: () => call<MediaServerStatus[]>('GET', '/admin/media-servers'),

  createUser: (user: CreateUserRequest) => call<AdminUser>('POST', '/admin/users', user),
  updateUser: (userId: string, change: UpdateUserRequest) => call<AdminUser>('PATCH', `/admin/users/${id(userId)}`, change),
  resetPassword: (userId: string, password: string) => call<void>('POST', `/admin/users/${id(userId)}/password`, { password }),
  setDisabled: (userId: string, disabled: boolean) => call<AdminUser>('POST', `/admin/users/${id(userId)}/disabled`, { disabled }),

  createUnit: (unit: CreateUnitRequest) => call<Unit>('POST', '/admin/units', unit),
  updateUnit: (unitId: string, change: UpdateUnitRequest) => call<Unit>('PATCH', `/admin/units/${id(unitId)}`, change),
  deleteUnit: (unitId: string) => call<void>('DELETE', `/admin/units/${id(unitId)}`),

  meetings: () => call<ManagedMeeting[]>('GET', '/admin/meetings'),
  meeting: (meetingId: string) => call<ManagedMeeting>('GET', `/admin/meetings/${id(meetingId)}`),
  createMeeting: (input: MeetingInput) => call<ManagedMeeting>('POST', '/admin/meetings', input),
  updateMeeting: (meetingId: string, input: MeetingInput) => call<ManagedMeeting>('PUT', `/admin/meetings/${id(meetingId)}`, input),
};
