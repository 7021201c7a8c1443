import { z } from 'zod';
import { Id } from './domain.js';

/*
 * A meeting's agenda (chương trình họp): ordered items with at most one level of sub-items,
 * each with a presenter and a planned duration, and the item the chair has moved the meeting to.
 *
 * Every change bumps `version`. Requests that change the structure carry the version the sender
 * saw; a different one is refused with `conflict` (someone else changed it meanwhile), so a
 * reorder made on a stale screen never scrambles the order.
 */

export const AgendaTitle = z.string().trim().min(1).max(300);
/** Planned duration in whole minutes (a provincial session rarely plans more than a few hours). */
export const PlannedMinutes = z.number().int().min(1).max(600);

export const AgendaEntry = z.object({
  id: Id,
  title: AgendaTitle,
  /** A member of the meeting who presents the item (trình bày), or nobody yet. */
  presenterId: Id.nullable(),
  plannedMinutes: PlannedMinutes,
});
export type AgendaEntry = z.infer<typeof AgendaEntry>;

export const AgendaItem = AgendaEntry.extend({ children: z.array(AgendaEntry).max(50) });
export type AgendaItem = z.infer<typeof AgendaItem>;

/** The item under discussion and when the chair moved to it (server clock). */
export const AgendaCurrent = z.object({ itemId: Id, startedAt: z.iso.datetime() });
export type AgendaCurrent = z.infer<typeof AgendaCurrent>;

export const Agenda = z.object({
  meetingId: Id,
  version: z.number().int().min(0),
  items: z.array(AgendaItem).max(100),
  current: AgendaCurrent.nullable(),
});
export type Agenda = z.infer<typeof Agenda>;

const MeetingScope = z.object({ meetingId: Id });
const Versioned = MeetingScope.extend({ version: z.number().int().min(0) });
const ItemFields = z.object({ title: AgendaTitle, presenterId: Id.nullable(), plannedMinutes: PlannedMinutes });

export const agendaRequests = {
  /** The agenda and the server's clock (to show elapsed time right on a skewed device). Any member. */
  'agenda:get': {
    request: MeetingScope,
    response: z.object({ agenda: Agenda, serverTime: z.iso.datetime() }),
  },
  /** Chair or secretary. `parentId` null: a top-level item; else a sub-item of that item. */
  'agenda:addItem': {
    request: Versioned.extend({ parentId: Id.nullable() }).extend(ItemFields.shape),
    response: Agenda,
  },
  'agenda:updateItem': {
    request: Versioned.extend({ itemId: Id }).extend(ItemFields.shape),
    response: Agenda,
  },
  /** Removes the item (with its sub-items). */
  'agenda:removeItem': {
    request: Versioned.extend({ itemId: Id }),
    response: Agenda,
  },
  /**
   * Moves an item to position `index` among the children of `parentId` (null: the top level),
   * counted after taking the item out. An item with sub-items stays at the top level.
   */
  'agenda:reorder': {
    request: Versioned.extend({ itemId: Id, parentId: Id.nullable(), index: z.number().int().min(0).max(100) }),
    response: Agenda,
  },
  /** Chair only, while the meeting is in progress: the meeting moves to this item (null: none). */
  'agenda:setCurrent': {
    request: MeetingScope.extend({ itemId: Id.nullable() }),
    response: Agenda,
  },
} as const;

export const agendaEvents = {
  /** The whole agenda after any change; apply it when its version is newer than yours. */
  'agenda:changed': Agenda,
} as const;
