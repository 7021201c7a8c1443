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
  /** Hash: version, state (the Agenda as JSON); written only by compare-and-set on version. */
  meetingAgenda: (meetingId: string) => `meeting:${meetingId}:agenda`,
  /** Hash: userId -> AttendanceEntry JSON. */
  meetingAttendance: (meetingId: string) => `meeting:${meetingId}:attendance`,
  /** Counter: the last attendance version handed out (entries carry it, newest wins). */
  meetingAttendanceVersion: (meetingId: string) => `meeting:${meetingId}:attendance:version`,
  /** Hash: peerId -> { nodeId, peer: PeerInfo } JSON, the peers connected to the meeting's media now. */
  meetingPeers: (meetingId: string) => `meeting:${meetingId}:peers`,
  /** String: the meeting's floor and main screen as JSON (conference/floor-state.ts), with a version. */
  meetingConference: (meetingId: string) => `meeting:${meetingId}:conference`,
  /** List of JSON FloorLogEntry: every finished turn to speak, oldest first (for the minutes). */
  meetingFloorLog: (meetingId: string) => `meeting:${meetingId}:floor-log`,
  /** String with a short TTL, refreshed while the signaling node runs (presence of crashed nodes is pruned). */
  nodeAlive: (nodeId: string) => `signaling-node:${nodeId}:alive`,
  /** Prefix of express-session records (connect-redis appends the session id). */
  sessionPrefix: () => 'sess:',
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
} as const;
