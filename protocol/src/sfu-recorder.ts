import { z } from 'zod';
import { Id } from './domain.js';

/*
 * The SFU side of recording (spread into `sfuRequests`). The SFU itself creates the recorder's
 * plain RTP transports (on its own listen address, sending to the recorder's relay), so this is
 * allowed in production, unlike the bench-only `plain:createTransport`.
 */

const Port = z.number().int().min(1).max(65_535);
/** Strict like sfu-api.ts's scopes: an unknown key is refused with invalid_payload. */
const RecorderScope = z.strictObject({ roomId: Id, recordingId: Id });
const Destination = z.object({ ip: z.ipv4(), port: Port, rtcpPort: Port });

/** One track the recorder receives: the SSRC its packets carry and whose it is. */
export const RecorderSource = z.object({ ssrc: z.number().int(), userId: Id, peerId: Id, producerId: z.string() });
export type RecorderSource = z.infer<typeof RecorderSource>;

export const RecorderCodec = z.object({ mimeType: z.string(), payloadType: z.number().int(), clockRate: z.number().int(), channels: z.number().int().optional() });
export type RecorderCodec = z.infer<typeof RecorderCodec>;

export const sfuRecorderRequests = {
  /** Two plain transports (video, audio; rtcpMux off) sending to the recorder's relay. Idempotent. */
  'recorder:open': {
    request: RecorderScope.extend({ video: Destination, audio: Destination }),
    response: z.object({ video: RecorderCodec, audio: RecorderCodec }),
  },
  /**
   * What to record now: the camera of `videoUserId` and the microphones of `audioUserIds` (in
   * order of preference). Consumers are created as needed and asked for a key frame; the previous
   * video source keeps running until the relay has cut over. Returns the SSRCs to pick from.
   */
  'recorder:follow': {
    request: RecorderScope.extend({ videoUserId: Id.nullable(), audioUserIds: z.array(Id).max(64) }),
    response: z.object({ video: RecorderSource.nullable(), audio: z.array(RecorderSource) }),
  },
  /** Asks the current video source for a key frame (the relay waits for one to cut over). */
  'recorder:keyFrame': { request: RecorderScope, response: z.object({}) },
  'recorder:close': { request: RecorderScope, response: z.object({}) },
} as const;
