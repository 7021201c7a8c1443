import type { SfuRequestName } from '@ehop/protocol';

/** Requests about one room (all but those asked of one node, `node:*`): routed by meeting or peer. */
export type RoomSfuRequestName = Exclude<SfuRequestName, `node:${string}`>;
