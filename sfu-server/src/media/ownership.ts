import { RequestError } from '@ehop/protocol';

export type MediaObjectKind = 'transport' | 'producer' | 'consumer';

/**
 * Which peer owns each transport, producer and consumer of a room. Signaling names the peer a
 * request acts for; this index is what stops that peer from touching another peer's objects, and
 * lets us tell "someone else's" (forbidden) from "does not exist" (not_found).
 */
export class OwnershipIndex {
  private readonly owners = new Map<string, string>();

  claim(objectId: string, peerId: string): void {
    this.owners.set(objectId, peerId);
  }

  release(objectId: string): void {
    this.owners.delete(objectId);
  }

  /** The error for an object `peerId` asked for but does not own. */
  refusal(kind: MediaObjectKind, objectId: string, peerId: string): RequestError {
    const owner = this.owners.get(objectId);
    if (owner !== undefined && owner !== peerId) {
      return new RequestError('forbidden', `${kind} ${objectId} belongs to another peer`);
    }
    return new RequestError('not_found', `${kind} ${objectId} not found`);
  }
}
