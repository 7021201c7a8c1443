import { RequestError, type User } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { mayMoveTo, requireStatusActor, requireTransition } from './meeting-lifecycle.js';
import type { MeetingRepository, StoredMeeting } from './meeting-repository.js';
import type { PendingEndings } from './pending-endings.js';

/** One thing that follows the end of a meeting, done once for the whole cluster. Idempotent. */
export interface EndingStep {
  /** For the logs. */
  name: string;
  run(meetingId: string): Promise<void>;
}

export interface MeetingEndingDeps {
  meetings: MeetingRepository;
  pending: PendingEndings;
  /** A meeting does not end while a vote is open (see `end`). */
  votes: { hasOpenVote(meetingId: string): Promise<boolean> };
  /** In order: what ending a meeting does once it is recorded as ended. */
  steps: readonly EndingStep[];
  logger: Logger;
  now?: () => Date;
}

/**
 * Ending a meeting: the status first, then everything that follows (the floor closed and the
 * running turn logged, the presentation stopped, every participant told and their media closed,
 * recordings stopped, the archive record made).
 *
 * Order of what is written, so that a crash anywhere loses nothing: the meeting is marked as
 * ending, then its status becomes `ended` (from then on nobody joins or acts in it), then the
 * steps run, then the mark goes. Every step is idempotent: ending again, or a node starting,
 * runs whatever a crash left undone (`end` on an ended meeting, `resumePending`).
 *
 * An open vote refuses the end (`vote_open`) rather than being closed by it: a vote's result
 * goes into the minutes, and one cut short by the end of the meeting would record a result the
 * delegates were still voting on; the chair closes it (and everyone sees the result) first.
 */
export class MeetingEnding {
  constructor(private readonly deps: MeetingEndingDeps) {}

  async end(meetingId: string, user: Pick<User, 'id' | 'isAdmin'>): Promise<StoredMeeting> {
    const meeting = await this.meeting(meetingId);
    const actor = requireStatusActor(meeting, user);
    if (meeting.status === 'ended') {
      // Ending again: nothing to refuse, and whatever an interrupted ending left is done now.
      if (!mayMoveTo('ended', actor)) throw new RequestError('forbidden', 'You cannot move this meeting to ended');
      if (await this.deps.pending.has(meetingId)) await this.finish(meetingId);
      return meeting;
    }
    requireTransition(meeting.status, 'ended', actor);
    if (await this.deps.votes.hasOpenVote(meetingId)) {
      throw new RequestError('vote_open', 'A vote is still open: close it before ending the meeting');
    }
    await this.deps.pending.add(meetingId);
    const endedAt = (this.deps.now?.() ?? new Date()).toISOString();
    const saved = await this.deps.meetings.update(meetingId, (current) => {
      if (current.status === 'ended') return current; // another node ended it meanwhile: same outcome
      requireTransition(current.status, 'ended', actor);
      return { ...current, status: 'ended', endedAt };
    });
    if (!saved) throw new RequestError('not_found', 'Meeting not found');
    await this.finish(meetingId);
    return saved;
  }

  /**
   * Runs every step; a step that fails is logged and the others still run (participants must
   * leave even if, say, the archive is down). The mark stays until all succeeded.
   */
  async finish(meetingId: string): Promise<void> {
    let failed = false;
    for (const step of this.deps.steps) {
      try {
        await step.run(meetingId);
      } catch (error) {
        failed = true;
        this.deps.logger.error({ err: error, meetingId, step: step.name }, 'a step of ending the meeting failed; it is retried');
      }
    }
    if (!failed) await this.deps.pending.done(meetingId);
  }

  /** At start-up: finishes the endings a crash interrupted. Resolves to how many were finished. */
  async resumePending(): Promise<number> {
    let finished = 0;
    for (const meetingId of await this.deps.pending.list()) {
      const meeting = await this.deps.meetings.get(meetingId);
      if (!meeting) {
        await this.deps.pending.done(meetingId);
        continue;
      }
      if (meeting.status !== 'ended') continue; // the end was never recorded; it may still be
      await this.finish(meetingId);
      finished++;
    }
    return finished;
  }

  private async meeting(meetingId: string): Promise<StoredMeeting> {
    const meeting = await this.deps.meetings.get(meetingId);
    if (!meeting) throw new RequestError('not_found', 'Meeting not found');
    return meeting;
  }
}
