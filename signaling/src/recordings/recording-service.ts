import { randomBytes } from 'node:crypto';
import { RequestError, type Agenda, type RecordingState, type RecordingSummary, type User } from '@ehop/protocol';
import { RecordingFiles, RecordingSession, recoverInterrupted, type RecordingRecord, type RecordingTarget, type SfuRequester } from '@ehop/recordings';
import { locateEntry } from '../agenda/agenda-tree.js';
import type { Logger } from '../logger.js';
import { requireMembership, requireRole } from '../meetings/meeting-access.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import { mayAccessRecordings, RECORDING_CONTROLLERS } from './recording-access.js';
import { recordingId } from './recording-names.js';

export interface RecordingServiceDeps {
  meetings: MeetingRepository;
  sfu: SfuRequester;
  files: RecordingFiles;
  /** The address SFUs send the recording's media to (RECORDER_MEDIA_IP). */
  mediaHost: string;
  /** What the recording should show and play now (from the floor and the main screen). */
  target: (meetingId: string) => Promise<RecordingTarget>;
  /** Tells everyone in the meeting (the red indicator). */
  announce: (state: RecordingState) => void;
  logger: Logger;
}

/**
 * Recording runs inside this signaling node: the relay and ffmpeg are its children. A session
 * survives participants coming and going (it only needs the SFU's room); if the node dies, its
 * ffmpeg files stay on disk and are finalised when a node starts again (`recover`).
 */
export class RecordingService {
  private readonly sessions = new Map<string, RecordingSession>();
  private readonly starting = new Set<string>();
  private readonly currentItems = new Map<string, string | null>();

  constructor(private readonly deps: RecordingServiceDeps) {}

  async start(user: User, meetingId: string): Promise<RecordingState> {
    const { meeting, role } = await requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
    requireRole(role, RECORDING_CONTROLLERS, 'Only the chair or the secretary starts recording');
    if (meeting.status !== 'in_progress') throw new RequestError('conflict', 'The meeting is not in progress');
    if (this.sessions.has(meetingId) || this.starting.has(meetingId) || (await this.activeRecord(meetingId))) {
      throw new RequestError('conflict', 'This meeting is already being recorded');
    }
    this.starting.add(meetingId);
    try {
      const now = new Date();
      const record: RecordingRecord = {
        id: recordingId(now, randomBytes(3).toString('hex')),
        meetingId,
        status: 'recording',
        startedAt: now.toISOString(),
        endedAt: null,
        startedBy: user.id,
        recorderPid: process.pid,
        ffmpegPid: null,
        chapters: [],
        title: meeting.title,
        durationSec: null,
        sizeBytes: null,
        sha256: null,
        recovered: false,
        failure: null,
        gaps: [],
      };
      const session = await RecordingSession.start({
        record,
        files: this.deps.files,
        sfu: this.deps.sfu,
        target: await this.deps.target(meetingId),
        log: this.deps.logger,
        host: this.deps.mediaHost,
      });
      this.sessions.set(meetingId, session);
      const current = this.currentItems.get(meetingId);
      if (current) session.markChapter(current);
      const state = stateOf(session.current);
      this.deps.announce(state);
      // The meeting may have ended while the recorder started (its "ended" found no session).
      await this.stopEnded([meetingId]);
      return state;
    } catch (error) {
      if (error instanceof RequestError) throw error;
      this.deps.logger.error({ err: error, meetingId }, 'recording could not start');
      throw new RequestError('media_unavailable', 'Recording could not start');
    } finally {
      this.starting.delete(meetingId);
    }
  }

  async stop(user: User, meetingId: string): Promise<RecordingSummary> {
    const { role } = await requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
    requireRole(role, RECORDING_CONTROLLERS, 'Only the chair or the secretary stops recording');
    const record = await this.finish(meetingId);
    if (!record) throw new RequestError('conflict', 'This meeting is not being recorded');
    return summaryOf(record);
  }

  /** The meeting ended: its recording on this node is finalised (nobody has to press stop). */
  async meetingEnded(meetingId: string): Promise<void> {
    await this.finish(meetingId);
  }

  /** Finalises this node's recordings of meetings that have ended (an "ended" missed or heard too early). */
  async stopEnded(meetingIds: readonly string[] = [...this.sessions.keys()]): Promise<void> {
    for (const meetingId of meetingIds) {
      if ((await this.deps.meetings.get(meetingId))?.status === 'ended') await this.finish(meetingId);
    }
  }

  async state(user: User, meetingId: string): Promise<RecordingState> {
    await requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
    const session = this.sessions.get(meetingId);
    if (session) return stateOf(session.current);
    const active = await this.activeRecord(meetingId);
    return active ? stateOf(active) : { meetingId, status: 'off', recordingId: null, startedAt: null };
  }

  async list(user: User, meetingId: string): Promise<RecordingSummary[]> {
    await this.requireViewer(user, meetingId);
    return (await this.deps.files.list(meetingId)).map(summaryOf);
  }

  /** The finished file of one of this meeting's recordings (another meeting's id finds nothing). */
  async file(user: User, meetingId: string, recordingId: string): Promise<{ path: string; record: RecordingRecord }> {
    await this.requireViewer(user, meetingId);
    const record = await this.deps.files.get(meetingId, recordingId);
    if (!record || record.meetingId !== meetingId) throw new RequestError('not_found', 'Recording not found');
    if (record.status !== 'finished') throw new RequestError('conflict', 'The recording is not finished yet');
    return { path: this.deps.files.paths(meetingId, recordingId).final, record };
  }

  /** The floor or the main screen changed: the recording follows. */
  async follow(meetingId: string): Promise<void> {
    const session = this.sessions.get(meetingId);
    if (session) await session.follow(await this.deps.target(meetingId));
  }

  /**
   * The SFU lost the meeting's room (its worker died): the recording goes on, with the gap
   * marked, once its tap is back in the room on the replacement worker.
   */
  roomLost(meetingId: string): void {
    this.sessions.get(meetingId)?.mediaLost();
  }

  /** A chapter starts when the current agenda item changes. */
  agendaChanged(agenda: Agenda): void {
    const itemId = agenda.current?.itemId ?? null;
    const title = itemId ? (locateEntry(agenda.items, itemId)?.entry.title ?? null) : null;
    if (this.currentItems.get(agenda.meetingId) === title) return;
    this.currentItems.set(agenda.meetingId, title);
    if (title) this.sessions.get(agenda.meetingId)?.markChapter(title);
  }

  /** At start-up: finalise what a crashed recorder left behind. */
  async recover(): Promise<number> {
    const recovered = await recoverInterrupted(this.deps.files, this.deps.logger, (record) => this.sessions.get(record.meetingId)?.id === record.id);
    if (recovered.length > 0) this.deps.logger.warn({ recordings: recovered.map((record) => record.id) }, 'recordings recovered after a crash');
    return recovered.length;
  }

  /** Graceful shutdown of the node: every recording is finalised. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((meetingId) => this.finish(meetingId)));
  }

  private async finish(meetingId: string): Promise<RecordingRecord | null> {
    const session = this.sessions.get(meetingId);
    if (!session) return null;
    const record = await session.stop((finalising) => this.deps.announce(stateOf(finalising)));
    this.sessions.delete(meetingId);
    this.deps.announce({ meetingId, status: 'off', recordingId: null, startedAt: null });
    return record;
  }

  private async requireViewer(user: User, meetingId: string): Promise<void> {
    const { role } = await requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
    if (!mayAccessRecordings(role)) throw new RequestError('forbidden', 'Your role in this meeting does not give access to its recordings');
  }

  private async activeRecord(meetingId: string): Promise<RecordingRecord | undefined> {
    return (await this.deps.files.list(meetingId)).find((record) => record.status === 'recording' || record.status === 'finalising');
  }
}

function stateOf(record: RecordingRecord): RecordingState {
  const status = record.status === 'recording' || record.status === 'finalising' ? record.status : 'off';
  return { meetingId: record.meetingId, status, recordingId: status === 'off' ? null : record.id, startedAt: status === 'off' ? null : record.startedAt };
}

function summaryOf(record: RecordingRecord): RecordingSummary {
  const { id, meetingId, status, startedAt, endedAt, durationSec, sizeBytes, sha256, chapters, recovered, failure, gaps } = record;
  return { id, meetingId, status, startedAt, endedAt, durationSec, sizeBytes, sha256, chapters, recovered, failure, gaps };
}
