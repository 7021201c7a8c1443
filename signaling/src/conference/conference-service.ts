import { RequestError, type ClientResponse, type MicrophoneTarget, type SfuRequest, type SfuRequestName } from '@ehop/protocol';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { Logger } from '../logger.js';
import type { RoomSfuRequestName, SfuCluster } from '../media/sfu-cluster.js';
import { requireNotEnded } from '../meetings/meeting-access.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';
import type { ConferenceRepository } from './conference-repository.js';
import { myRequest, type ConferenceRecord, type Person, type Transition } from './floor-state.js';
import { mediaPolicyOf, publicStateOf, unitGroupsOf } from './media-policy.js';

export interface ConferenceServiceDeps {
  io: SignalingIo;
  sfu: SfuCluster;
  meetings: MeetingRepository;
  users: UserRepository;
  units: UnitRepository;
  conferences: ConferenceRepository;
  logger: Logger;
}

export type ConferenceSnapshot = ClientResponse<'conference:get'>;

/**
 * Applies floor and main-screen changes: the record in Redis first (the truth, shared by every
 * node), then the SFU (which enforces it on the media), then the participants (who display it).
 */
export class ConferenceService {
  /** The dominant speaker of each meeting as this node last heard it from the SFU. */
  private readonly activeSpeakers = new Map<string, { userId: string | null; peerId: string | null }>();
  /** Told after the floor, the main screen or the dominant speaker changed (the recorder follows). */
  onMediaChange: (meetingId: string) => void = () => {};

  constructor(private readonly deps: ConferenceServiceDeps) {}

  async snapshot(meetingId: string, userId: string, seesQueue: boolean): Promise<ConferenceSnapshot> {
    const meeting = await this.meeting(meetingId);
    const record = await this.deps.conferences.get(meetingId);
    return {
      state: publicStateOf(record, chairsOf(meeting), new Date()),
      queue: seesQueue ? record.queue : null,
      myRequest: myRequest(record, userId),
      activeSpeakerUserId: this.activeSpeakers.get(meetingId)?.userId ?? null,
      unitGroups: await this.unitGroups(meeting),
    };
  }

  /** Changes the record, then tells the SFU and everyone; returns the new record. An ended meeting's floor is closed for good. */
  async apply(meetingId: string, change: (record: ConferenceRecord) => Transition): Promise<ConferenceRecord> {
    const meeting = await this.meeting(meetingId);
    requireNotEnded(meeting);
    let before: ConferenceRecord | undefined;
    const { record } = await this.deps.conferences.update(meetingId, (current) => {
      before = current;
      return change(current);
    });
    const enforcing = this.enforce(meetingId, record, chairsOf(meeting)).then(async () => {
      if (before && before.holder?.userId !== record.holder?.userId && record.holder) {
        await this.sfu('room:setMicrophones', { roomId: meetingId, muted: false, who: { target: 'users', userIds: [record.holder.userId] } });
      }
    });
    // Everyone learns of the change while the SFU applies it: what the SFU enforces (who is heard,
    // whose picture the main screen carries) does not wait for the news, nor the news for it.
    this.broadcast(meetingId, before, record, chairsOf(meeting));
    await enforcing;
    return record;
  }

  /** Pushes the current rules to the SFU: on every join, so a recreated media room never runs without them. */
  async enforceCurrent(meetingId: string): Promise<void> {
    const meeting = await this.meeting(meetingId);
    await this.enforce(meetingId, await this.deps.conferences.get(meetingId), chairsOf(meeting));
  }

  /**
   * The chairs may have changed (an administrator edited the members): the SFU gets the rules that
   * follow (a former chair's microphone is paused) and everyone the state (who may speak).
   */
  async membersChanged(meetingId: string): Promise<void> {
    const chairs = chairsOf(await this.meeting(meetingId));
    const record = await this.deps.conferences.get(meetingId);
    await this.enforce(meetingId, record, chairs);
    this.broadcast(meetingId, record, record, chairs);
  }

  /** Server-side mute of one user or of everyone but the chairs. */
  async mute(meetingId: string, target: { userId: string } | 'all'): Promise<void> {
    const meeting = await this.meeting(meetingId);
    const who: MicrophoneTarget = target === 'all' ? { target: 'allExcept', userIds: chairsOf(meeting) } : { target: 'users', userIds: [target.userId] };
    await this.sfu('room:setMicrophones', { roomId: meetingId, muted: true, who });
  }

  /** A member the chair can give the floor to or put on the main screen (observers cannot publish). */
  async participant(meetingId: string, userId: string): Promise<Person> {
    const meeting = await this.meeting(meetingId);
    const member = meeting.members.find((candidate) => candidate.userId === userId);
    if (!member || member.role === 'observer') throw new RequestError('not_found', 'No such participant in this meeting');
    const user = await this.deps.users.get(userId);
    const unit = user ? await this.deps.units.get(user.unitId) : null;
    if (!user || !unit) throw new RequestError('not_found', 'No such participant in this meeting');
    return { userId, displayName: user.displayName, unit };
  }

  log(meetingId: string) {
    return this.deps.conferences.log(meetingId);
  }

  rememberActiveSpeaker(meetingId: string, speaker: { userId: string | null; peerId: string | null }): void {
    this.activeSpeakers.set(meetingId, speaker);
    this.onMediaChange(meetingId);
  }

  /**
   * What a recording shows and plays: the main screen's camera (the last one while a document is
   * shown), and one microphone, the floor holder's, else the chair's (or in open discussion the
   * dominant speaker's): the recorder copies Opus without mixing.
   */
  async recordingTarget(meetingId: string): Promise<{ videoUserId: string | null; audioUserIds: string[] }> {
    const meeting = await this.meeting(meetingId);
    const record = await this.deps.conferences.get(meetingId);
    const chairs = chairsOf(meeting);
    const policy = mediaPolicyOf(record, chairs);
    const activeSpeaker = this.activeSpeakers.get(meetingId)?.userId ?? null;
    const videoUserId = policy.main.followActiveSpeaker ? (activeSpeaker ?? policy.main.userId) : policy.main.userId;
    const first = record.holder?.userId ?? (policy.speakers.mode === 'everyone' ? activeSpeaker : null);
    return { videoUserId, audioUserIds: [...new Set([...(first ? [first] : []), ...chairs])] };
  }

  private async enforce(meetingId: string, record: ConferenceRecord, chairs: string[]): Promise<void> {
    await this.sfu('room:setPolicy', { roomId: meetingId, policy: mediaPolicyOf(record, chairs) });
    this.onMediaChange(meetingId);
  }

  /**
   * The record is already saved: if the SFU cannot take the change now (its room is not open
   * because nobody joined yet, or it is restarting) the next join pushes the rules again.
   */
  private async sfu<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>): Promise<void> {
    try {
      await this.deps.sfu.request(name, payload);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'not_found') this.deps.logger.warn({ err: error, request: name }, 'could not update the media server');
    }
  }

  private broadcast(meetingId: string, before: ConferenceRecord | undefined, after: ConferenceRecord, chairs: string[]): void {
    const { io } = this.deps;
    io.to(rooms.meeting(meetingId)).emit('conference:state', publicStateOf(after, chairs, new Date()));
    const queueChanged = JSON.stringify(before?.queue) !== JSON.stringify(after.queue);
    if (!queueChanged) return;
    io.to(rooms.meetingManagers(meetingId)).emit('conference:queue', { version: after.version, queue: after.queue });
    const concerned = new Set([...(before?.queue ?? []), ...after.queue].map((request) => request.userId));
    for (const userId of concerned) {
      io.to(rooms.meetingUser(meetingId, userId)).emit('conference:myRequest', { version: after.version, request: myRequest(after, userId) });
    }
  }

  private async meeting(meetingId: string): Promise<StoredMeeting> {
    const meeting = await this.deps.meetings.get(meetingId);
    if (!meeting) throw new RequestError('not_found', 'Meeting not found');
    return meeting;
  }

  private async unitGroups(meeting: StoredMeeting) {
    const users = await this.deps.users.getMany(meeting.members.map((member) => member.userId));
    const memberUnits = await this.deps.units.getMany([...users.values()].map((user) => user.unitId));
    const parents = await this.deps.units.getMany(
      [...memberUnits.values()].flatMap((unit) => (unit.level === 'commune' && unit.parentId ? [unit.parentId] : [])),
    );
    return unitGroupsOf([...memberUnits.values()], new Map([...memberUnits, ...parents]));
  }
}

/** The chairs of a meeting may always speak; the first one is "the chair's camera" on the main screen. */
export function chairsOf(meeting: StoredMeeting): string[] {
  return meeting.members.filter((member) => member.role === 'chair').map((member) => member.userId);
}
