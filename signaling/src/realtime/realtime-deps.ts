import type { IceServer } from '../media/turn-credentials.js';
import type { DocumentServices } from '../documents/document-services.js';
import type { Logger } from '../logger.js';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import type { SfuCluster } from '../media/sfu-cluster.js';
import type { AgendaService } from '../agenda/agenda-service.js';
import type { AttendanceService } from '../attendance/attendance-service.js';
import type { ConferenceService } from '../conference/conference-service.js';
import type { MeetingHooks } from './meeting-hooks.js';
import type { VoteService } from '../votes/vote-service.js';
import type { RecordingService } from '../recordings/recording-service.js';
import type { MinutesService } from '../minutes/minutes-service.js';
import type { PresenceRepository } from './presence-repository.js';
import type { RequestLimiter } from './request-limiter.js';
import type { UserPeers } from './user-peers.js';
import type { SignalingIo } from './socket-types.js';
import type { IdempotencyStore } from '../redis/idempotency-store.js';

/** Everything the socket handlers of this node share. */
export interface RealtimeDeps {
  io: SignalingIo;
  sfu: SfuCluster;
  users: UserRepository;
  units: UnitRepository;
  meetings: MeetingRepository;
  presence: PresenceRepository;
  /** Each user's peers on every node, capped (MAX_PEERS_PER_USER). */
  userPeers: UserPeers;
  /** Socket requests per connection and per user (SOCKET_REQUESTS_*). */
  requestLimiter: RequestLimiter;
  agenda: AgendaService;
  attendance: AttendanceService;
  documents: DocumentServices;
  votes: VoteService;
  recordings: RecordingService;
  minutes: MinutesService;
  /** Answers of retryable writes, so a retry with the same key is not applied twice. */
  idempotency: IdempotencyStore;
  nodeId: string;
  /** TURN/STUN servers for this user's browser, with fresh time-limited credentials. */
  iceServers(userId: string): IceServer[];
  /** Floor control and the main screen (conference/). */
  conference: ConferenceService;
  /** Features that act when a socket enters or leaves a meeting. */
  meetingHooks: MeetingHooks[];
  logger: Logger;
  /** True once shutdown began: new joins are refused while the node drains. */
  isShuttingDown(): boolean;
}
