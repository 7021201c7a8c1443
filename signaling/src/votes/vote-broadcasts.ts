import type { Vote } from '@ehop/protocol';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';

/** A vote's public state to everyone in the meeting's room: counts of who voted, never who chose what. */
export function voteBroadcast(getIo: () => SignalingIo | undefined): (vote: Vote) => void {
  return (vote) => {
    getIo()?.to(rooms.meeting(vote.meetingId)).emit('votes:changed', vote);
  };
}
