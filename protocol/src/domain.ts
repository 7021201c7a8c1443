import { z } from 'zod';

/** Administrative levels of a Vietnamese province: tỉnh, huyện, xã. */
export const UnitLevel = z.enum(['province', 'district', 'commune']);
export type UnitLevel = z.infer<typeof UnitLevel>;

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const Unit = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  level: UnitLevel,
  parentId: Id.nullable(),
});
export type Unit = z.infer<typeof Unit>;

/** A person's role in one meeting. */
export const MeetingRole = z.enum(['chair', 'secretary', 'delegate', 'endpoint', 'observer']);
export type MeetingRole = z.infer<typeof MeetingRole>;

export const MeetingStatus = z.enum(['draft', 'published', 'in_progress', 'ended']);
export type MeetingStatus = z.infer<typeof MeetingStatus>;

/** A person, or the account a video endpoint (điểm cầu: a hall's TV and camera) signs in with. */
export const UserKind = z.enum(['person', 'endpoint']);
export type UserKind = z.infer<typeof UserKind>;

export const User = z.object({
  id: Id,
  username: z.string().min(1).max(64),
  displayName: z.string().min(1).max(200),
  unitId: Id,
  isAdmin: z.boolean(),
  kind: UserKind.default('person'),
});
export type User = z.infer<typeof User>;

export const MeetingSummary = z.object({
  id: Id,
  title: z.string().min(1).max(300),
  startsAt: z.iso.datetime(),
  location: z.string().max(300),
  status: MeetingStatus,
  /** When the meeting ended (null until then, and for meetings ended before this was recorded). */
  endedAt: z.iso.datetime().nullable().default(null),
  /** The caller's role in this meeting. */
  myRole: MeetingRole,
});
export type MeetingSummary = z.infer<typeof MeetingSummary>;

export const MeetingMember = z.object({
  userId: Id,
  displayName: z.string(),
  role: MeetingRole,
  unit: Unit,
});
export type MeetingMember = z.infer<typeof MeetingMember>;

export const MeetingDetail = MeetingSummary.extend({
  members: z.array(MeetingMember),
});
export type MeetingDetail = z.infer<typeof MeetingDetail>;

/** Where a published track comes from. */
export const MediaSource = z.enum(['mic', 'camera']);
export type MediaSource = z.infer<typeof MediaSource>;

/** A participant currently connected to a meeting's media (one per device that joined). */
export const PeerInfo = z.object({
  peerId: Id,
  userId: Id,
  displayName: z.string(),
  role: MeetingRole,
  unit: Unit,
  micOn: z.boolean(),
  camOn: z.boolean(),
});
export type PeerInfo = z.infer<typeof PeerInfo>;
