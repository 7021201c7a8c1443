import type { MeetingStatus, MeetingSummary } from '@ehop/protocol';

const STATUS_ORDER: Record<MeetingStatus, number> = { in_progress: 0, published: 1, draft: 2, ended: 3 };

/** What is happening now first, then what is coming (soonest first); ended meetings last, newest first. */
export function sortMeetings(meetings: readonly MeetingSummary[]): MeetingSummary[] {
  return [...meetings].sort((a, b) => {
    const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (byStatus !== 0) return byStatus;
    const byTime = Date.parse(a.startsAt) - Date.parse(b.startsAt);
    return a.status === 'ended' ? -byTime : byTime;
  });
}

/** Joining is offered for meetings that are not over; drafts can be rehearsed by their members. */
export function canJoin(meeting: Pick<MeetingSummary, 'status'>): boolean {
  return meeting.status !== 'ended';
}
