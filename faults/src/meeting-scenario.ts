import type { ClientRequest, ClientRequestName } from '@ehop/protocol';
import { MEETING_ID, type FaultStack } from './fault-stack.js';
import { MeetingEndpoint } from './meeting-endpoint.js';

/**
 * A meeting in the middle of its work, as the fault runs had it: the chair and the floor
 * holder send a camera and a microphone, a delegate waits in the queue and a hall TV only
 * receives (both still receive everything a participant gets); the secretary keeps the minutes
 * without media. On record: the current agenda item, attendance, a closed and an open vote, saved
 * minutes, the floor held with one more request in the queue.
 */
export interface MeetingInProgress {
  chair: MeetingEndpoint;
  /** daibieu1: holds the floor, microphone open; the main screen shows them. */
  holder: MeetingEndpoint;
  /** daibieu2: asked to speak, receives only. */
  queued: MeetingEndpoint;
  /** diemcau-tinh: a hall TV, receives only. */
  hall: MeetingEndpoint;
  secretary: MeetingEndpoint;
  /** Everyone in the meeting's media (the SFU should hold exactly their peers). */
  inMedia: MeetingEndpoint[];
  everyone: MeetingEndpoint[];
  close(): void;
}

export const USERS = {
  chair: 'u-chutri',
  holder: 'u-daibieu1',
  queued: 'u-daibieu2',
  hall: 'u-diemcau-tinh',
  secretary: 'u-thuky',
} as const;

/** A delegate present in the hall with no endpoint of their own (counted by the secretary). */
const ABSENT_FROM_MEDIA = 'u-daibieu3';

/** Which signaling node (index into `stack.nodes`) each of them uses. */
export type NodeAssignment = Partial<Record<keyof typeof USERS, number>>;

export async function startMeeting(stack: FaultStack, nodeOf: NodeAssignment = {}): Promise<MeetingInProgress> {
  const urlOf = (who: keyof typeof USERS) => stack.nodes[nodeOf[who] ?? 0]!.url;
  const endpoint = async (who: keyof typeof USERS, media: 'send' | 'receive' | 'none') => {
    const url = urlOf(who);
    return MeetingEndpoint.join(USERS[who], { url, cookie: await stack.login(USERS[who].slice(2), url), meetingId: MEETING_ID, media });
  };
  const chairCookie = await stack.login('chutri');
  const started = await fetch(`${stack.nodes[0]!.url}/api/meetings/${MEETING_ID}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: chairCookie },
    body: JSON.stringify({ status: 'in_progress' }),
  });
  if (!started.ok) throw new Error(`the meeting could not start: ${started.status}`);

  const secretary = await endpoint('secretary', 'none');
  const chair = await endpoint('chair', 'send');
  const holder = await endpoint('holder', 'send');
  const queued = await endpoint('queued', 'receive');
  const hall = await endpoint('hall', 'receive');
  const meeting = { meetingId: MEETING_ID };

  const { agenda } = await chair.request('agenda:get', meeting);
  const item = agenda.items[0]!;
  await chair.request('agenda:setCurrent', { ...meeting, itemId: item.id });
  // A third delegate in the hall without a device of their own: a secret vote needs 3 eligible voters.
  for (const userId of [USERS.chair, USERS.secretary, USERS.holder, USERS.queued, ABSENT_FROM_MEDIA]) {
    await secretary.request('attendance:checkIn', { ...meeting, userId, status: userId === USERS.queued ? 'online' : 'present' });
  }

  const closedVote = await chair.request('votes:open', { ...meeting, agendaItemId: item.id, question: 'Thông qua chương trình họp?', secret: false });
  await holder.request('votes:cast', { ...meeting, voteId: closedVote.id, optionId: closedVote.options[0]!.id });
  await queued.request('votes:cast', { ...meeting, voteId: closedVote.id, optionId: closedVote.options[1]!.id });
  await chair.request('votes:close', { ...meeting, voteId: closedVote.id });
  const openVote = await chair.request('votes:open', { ...meeting, agendaItemId: item.id, question: 'Biểu quyết kín về nhân sự', secret: true });
  await holder.request('votes:cast', { ...meeting, voteId: openVote.id, optionId: openVote.options[0]!.id });

  const { minutes } = await secretary.request('minutes:get', meeting);
  const section = minutes.sections[0]!;
  const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Biên bản: khai mạc lúc 8 giờ.' }] }] };
  await secretary.request('minutes:saveSection', { ...meeting, sectionId: section.id, baseRevision: section.revision, doc } as ClientRequest<'minutes:saveSection'>);

  await holder.request('floor:request', {});
  await chair.request('floor:grant', { userId: USERS.holder });
  await holder.setMicOpen(true);
  await queued.request('floor:request', {});

  // Thumbnails on screen: each receiver also gets a camera directly, besides the main-screen feed.
  await holder.showThumbnails([USERS.chair]);
  await queued.showThumbnails([USERS.chair]);
  await hall.showThumbnails([USERS.chair, USERS.holder]);

  const inMedia = [chair, holder, queued, hall];
  const everyone = [...inMedia, secretary];
  return { chair, holder, queued, hall, secretary, inMedia, everyone, close: () => everyone.forEach((one) => one.close()) };
}

/** What must be the same before and after a fault: agenda, attendance, votes, minutes, floor and queue. */
export async function meetingRecord(meeting: MeetingInProgress): Promise<unknown> {
  const scope = { meetingId: MEETING_ID };
  const ask = <K extends ClientRequestName>(who: MeetingEndpoint, name: K, payload: ClientRequest<K>) => who.request(name, payload);
  const [{ agenda }, attendance, votes, minutes, conference] = await Promise.all([
    ask(meeting.chair, 'agenda:get', scope),
    ask(meeting.secretary, 'attendance:get', scope),
    ask(meeting.chair, 'votes:list', scope),
    ask(meeting.secretary, 'minutes:get', scope),
    ask(meeting.chair, 'conference:get', {}),
  ]);
  // Clocks and the dominant speaker move by themselves; everything else is the meeting's record.
  const { serverTime: _conferenceTime, ...floor } = conference.state;
  return {
    agenda,
    // A hash: its order is Redis's, which a reload from the AOF may change.
    attendance: [...attendance.entries].sort((a, b) => a.userId.localeCompare(b.userId)),
    votes: votes.votes,
    minutes: minutes.minutes,
    floor,
    queue: conference.queue,
  };
}
