import type { MeetingRole } from '@ehop/protocol';

/** Who is connected, as the room's header counts them. */
export interface PresenceCount {
  /** Hall endpoints (the TVs and cameras of the units' meeting rooms): "điểm cầu". */
  endpoints: number;
  /** People on their own devices (chair, secretary, delegates, observers): "người". */
  people: number;
}

/**
 * Counts the connected endpoints and people. A user with two devices (a laptop and a tablet) is
 * one person: users are counted, not devices.
 */
export function countPresence(connected: readonly { userId: string; role: MeetingRole }[]): PresenceCount {
  const endpoints = new Set<string>();
  const people = new Set<string>();
  for (const { userId, role } of connected) (role === 'endpoint' ? endpoints : people).add(userId);
  return { endpoints: endpoints.size, people: people.size };
}
