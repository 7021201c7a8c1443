import { rooms } from '../redis/keys.js';
import type { SignalingIo } from './socket-types.js';

/** Who is connected right now, across every signaling node, and closing one account's sockets. */
export interface ConnectionDirectory {
  onlineUserIds(): Promise<string[]>;
  /** Closes every socket of the account, on every node (its session no longer authenticates). */
  disconnectUser(userId: string): void;
}

const USER_ROOM_PREFIX = rooms.user('');

type RoomListing = { allRooms?: () => Promise<Set<string>>; rooms: Map<string, Set<string>> };

/**
 * Each socket sits in its user's room (`user:{id}`), so the online accounts are the user rooms
 * that exist. With the Redis adapter `allRooms()` asks every node; alone, the local rooms suffice.
 */
export function connectionDirectory(getIo: () => SignalingIo | undefined): ConnectionDirectory {
  return {
    async onlineUserIds() {
      const io = getIo();
      if (!io) return [];
      const adapter = io.of('/').adapter as unknown as RoomListing;
      const allRooms = adapter.allRooms ? await adapter.allRooms() : new Set(adapter.rooms.keys());
      return [...allRooms]
        .filter((room) => room.startsWith(USER_ROOM_PREFIX) && !room.slice(USER_ROOM_PREFIX.length).includes(':'))
        .map((room) => room.slice(USER_ROOM_PREFIX.length));
    },
    disconnectUser(userId) {
      getIo()?.in(rooms.user(userId)).disconnectSockets(true);
    },
  };
}
