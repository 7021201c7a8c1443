/** express-session records (connect-redis): this prefix and the session id. */
const SESSION_PREFIX = 'sess:';

/**
 * Every Redis key signaling uses, in one place, so the data layout can be read (and changed) at once.
 * Ids are validated by the protocol's `Id` schema (letters, digits, _ and -), so they cannot
 * contain the ':' separator and one id can never address another record's key.
 */
export const keys = {
  /** Hash: id, username, displayName, unitId, isAdmin, passwordHash. */
  user: (userId: string) => `user:${userId}`,
  /** Hash: lower-cased username -> user id. */
  usernameIndex: () => 'users:by-username',
  /** Set of meeting ids the user is a member of. */
  userMeetings: (userId: string) => `user:${userId}:meetings`,
  /** Hash: id, name, level, parentId. */
  unit: (unitId: string) => `unit:${unitId}`,
  /** Set of every unit id (the organisational tree is read whole). */
  unitIndex: () => 'units',
  /** String: the meeting record as JSON (summary fields + members with their roles). */
  meeting: (meetingId: string) => `meeting:${meetingId}`,
  /** Set of every meeting id, for the organisers' list. */
  meetingIndex: () => 'meetings',
  /**
   * Set of meeting ids whose ending has begun but not finished (floor closed, participants told,
   * media room closed, archived): added before the status changes, removed when all is done, so
   * a node that dies in between leaves the rest to the next attempt or the next start.
   */
  meetingsEnding: () => 'meetings:ending',
  /** Pub/sub channel: a meeting's domain events (status changes), heard by every signaling node. */
  meetingEventsChannel: () => 'meeting-events',
  /** Pub/sub: what every signaling node's SFU cascade must know (SFU_PEER_PLACEMENT=unit). */
  sfuCascadeChannel: () => 'sfu-cascade-events',
  /** Hash: version, state ({ nodeId }: the SFU node carrying its media); compare-and-set on version. */
  meetingSfuNode: (meetingId: string) => `meeting:${meetingId}:sfu-node`,
  /** Set: every SFU node that has had peers of the meeting (SFU_PEER_PLACEMENT=unit); room-wide requests go to each live one. */
  meetingSfuPeerNodes: (meetingId: string) => `meeting:${meetingId}:sfu-peer-nodes`,
  /** Hash: version, state (the Agenda as JSON); written only by compare-and-set on version. */
  meetingAgenda: (meetingId: string) => `meeting:${meetingId}:agenda`,
  /** Hash: userId -> AttendanceEntry JSON. */
  meetingAttendance: (meetingId: string) => `meeting:${meetingId}:attendance`,
  /** Counter: the last attendance version handed out (entries carry it, newest wins). */
  meetingAttendanceVersion: (meetingId: string) => `meeting:${meetingId}:attendance:version`,
  /** Sorted set: vote ids of the meeting, scored by when they opened. */
  meetingVotes: (meetingId: string) => `meeting:${meetingId}:votes`,
  /**
   * Hash: definition (JSON, never changes), status (open, counting: closed and its sealed ballots
   * not yet counted, closed), secret, deadline (epoch ms or ''), closedAt, keyCheck (secret votes:
   * a fingerprint of the vote's sealing key, votes/ballot-seal.ts).
   */
  vote: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}`,
  /** Set: user ids allowed to vote (fixed when the vote opens). */
  voteEligible: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}:eligible`,
  /** Set: user ids who voted (participation only: never next to a choice). */
  voteVoters: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}:voters`,
  /**
   * Hash: optionId -> count. A named vote counts as ballots come; a secret vote's counts are
   * written once, when its ballot box is opened after closing.
   */
  voteTally: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}:tally`,
  /**
   * Set: the SEALED ballots of an open secret vote (no voter id; each encrypted under a key only
   * the signaling servers can derive). Deleted once counted.
   */
  voteBallotBox: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}:box`,
  /** Hash: userId -> optionId, for NAMED votes only (never written for a secret vote). */
  voteBallots: (meetingId: string, voteId: string) => `meeting:${meetingId}:vote:${voteId}:ballots`,
  /** Hash: peerId -> { nodeId, peer: PeerInfo } JSON, the peers connected to the meeting's media now. */
  meetingPeers: (meetingId: string) => `meeting:${meetingId}:peers`,
  /** String: the meeting's floor and main screen as JSON (conference/floor-state.ts), with a version. */
  meetingConference: (meetingId: string) => `meeting:${meetingId}:conference`,
  /** List of JSON FloorLogEntry: every finished turn to speak, oldest first (for the minutes). */
  meetingFloorLog: (meetingId: string) => `meeting:${meetingId}:floor-log`,
  /** Hash: version, state (the Minutes as JSON); written only by compare-and-set on version. */
  meetingMinutes: (meetingId: string) => `meeting:${meetingId}:minutes`,
  /** List of JSON { info: MinutesVersionInfo, minutes }: the version history, newest first, bounded. */
  minutesVersions: (meetingId: string) => `meeting:${meetingId}:minutes:versions`,
  /** Hash: key (author and section of the open save window), start (epoch ms): autosaves within it share a version. */
  minutesSaveWindow: (meetingId: string) => `meeting:${meetingId}:minutes:save-window`,
  /**
   * String with a TTL: a retryable write's idempotency record (realtime/idempotent-requests.ts),
   * per user: { request } while the first attempt runs, then { request, ack }, its answer.
   */
  idempotency: (userId: string, key: string) => `user:${userId}:request:${key}`,
  /** String with a short TTL, refreshed while the signaling node runs (presence of crashed nodes is pruned). */
  nodeAlive: (nodeId: string) => `signaling-node:${nodeId}:alive`,
  /** String: a document's record as JSON (DocumentInfo + the SHA-256 of its PDF). */
  document: (documentId: string) => `document:${documentId}`,
  /** Sorted set: the meeting's document ids, scored by upload time. */
  meetingDocuments: (meetingId: string) => `meeting:${meetingId}:documents`,
  /** Hash: userId -> ISO time the user's viewer first loaded the document (read receipts). */
  documentReceipts: (documentId: string) => `document:${documentId}:receipts`,
  /** Set: the documents whose PDF is the file with this SHA-256 (the file goes when the set empties). */
  blobDocuments: (sha256: string) => `document-blob:${sha256}:documents`,
  /** Hash: text, textUpdatedAt: one person's free-text notes on one document (only they read it). */
  userDocumentNotes: (userId: string, documentId: string) => `user:${userId}:notes:${documentId}`,
  /** Hash: annotationId -> Annotation JSON: one person's highlights on one document. */
  userDocumentAnnotations: (userId: string, documentId: string) => `user:${userId}:notes:${documentId}:annotations`,
  /** Set: user ids who have notes on the document (their notes go when the document is deleted). */
  documentNoteAuthors: (documentId: string) => `document:${documentId}:note-authors`,
  /** String: the meeting's PresentationState as JSON (absent: nobody presents). */
  presentation: (meetingId: string) => `meeting:${meetingId}:presentation`,
  /** Counter: the last PresentationState version of the meeting. */
  presentationVersion: (meetingId: string) => `meeting:${meetingId}:presentation-version`,
  /** String: the user id the chair designated as presenter. */
  designatedPresenter: (meetingId: string) => `meeting:${meetingId}:designated-presenter`,
  /** Hash: meetingId -> ArchiveRecord JSON (archive/archive-repository.ts): every archived meeting's search data. */
  archiveRecords: () => 'archive:records',
  /** Hash: meetingId -> ArchiveTexts JSON (the minutes' and documents' text, for result snippets). */
  archiveTexts: () => 'archive:texts',
  /** Pub/sub channel: a meeting id whose archive record changed (every node updates its search index). */
  archiveChannel: () => 'archive:changed',
  /** Prefix of a rate limiter's counters (rate-limiter-flexible appends `:<key>`): socket requests per user, sign-in failures. */
  rateLimit: (name: string) => `rate:${name}`,
  /** Hash: peerId -> nodeId, the user's peers in any meeting's media now (capped per user; entries of dead nodes are pruned). */
  userPeers: (userId: string) => `user:${userId}:peers`,
  /** Prefix of express-session records (connect-redis appends the session id). */
  sessionPrefix: () => SESSION_PREFIX,
  /** String (connect-redis): one session's record. */
  session: (sessionId: string) => `${SESSION_PREFIX}${sessionId}`,
  /** Set: the ids of the user's sessions (ended all at once on a password reset). */
  userSessions: (userId: string) => `user:${userId}:sessions`,
  /** Prefix of the socket.io Redis adapter's pub/sub channels. */
  socketIoChannelPrefix: () => 'socket.io',
} as const;

/** socket.io room names: one per meeting (broadcasts) and one per peer (SFU notifications). */
export const rooms = {
  meeting: (meetingId: string) => `meeting:${meetingId}`,
  peer: (peerId: string) => `peer:${peerId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  /** Every socket of one account: to tell them about themselves, or close them when it is disabled. */
  user: (userId: string) => `user:${userId}`,
  /** The chair's and secretary's sockets that follow everyone's attendance in a meeting. */
  attendanceWatchers: (meetingId: string) => `meeting:${meetingId}:attendance-watchers`,
  /** The chair's and secretary's sockets in a meeting (they see the floor queue and network quality). */
  meetingManagers: (meetingId: string) => `meeting:${meetingId}:managers`,
  /** One user's sockets in a meeting, whatever device (their own place in the queue). */
  meetingUser: (meetingId: string, userId: string) => `meeting:${meetingId}:user:${userId}`,
  /** Sockets following a meeting's documents and presentation (with or without media). */
  documents: (meetingId: string) => `documents:${meetingId}`,
} as const;
