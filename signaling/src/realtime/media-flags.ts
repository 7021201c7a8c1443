import type { MediaKind, MediaSource } from '@ehop/protocol';
import type { ProducerState } from './socket-types.js';

export interface MediaFlags {
  micOn: boolean;
  camOn: boolean;
}

/** A microphone is on while at least one unpaused mic producer exists; the same for the camera. */
export function mediaFlags(producers: Iterable<ProducerState>): MediaFlags {
  const flags = { micOn: false, camOn: false };
  for (const producer of producers) {
    if (producer.paused) continue;
    if (producer.source === 'mic') flags.micOn = true;
    if (producer.source === 'camera') flags.camOn = true;
  }
  return flags;
}

/** A microphone sends audio and a camera video; anything else is a confused or lying client. */
export function kindOfSource(source: MediaSource): MediaKind {
  return source === 'mic' ? 'audio' : 'video';
}
