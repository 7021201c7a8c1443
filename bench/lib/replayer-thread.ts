/*
 * The worker thread behind `ThreadedReplayer`: one RtpReplayer for every synthetic sender, driven
 * by messages from the bench's main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RtpReplayer, type CapturedClip } from './rtp-replayer.js';
import type { ReplayerCommand, ReplayerEvent } from './threaded-replayer.js';

const port = parentPort!;
const replayer = new RtpReplayer(asBuffers(workerData as CapturedClip));
const stops = new Map<number, () => void>();
const post = (event: ReplayerEvent) => port.postMessage(event);

replayer.onKeyFrameRequest = (layerSsrc, atEpochMs) => post({ type: 'keyFrameRequest', layerSsrc, atEpochMs, counts: { ...replayer.keyFrameRequests } });

port.on('message', (command: ReplayerCommand) => {
  if (command.type === 'add') {
    stops.set(command.id, replayer.add(command.videoPort, command.videoSsrcs, command.audioPort, command.audioSsrc));
  } else if (command.type === 'mute') {
    replayer.setMuted(command.audioSsrc, command.muted);
  } else if (command.type === 'sendLayers') {
    replayer.setMaxSpatialLayer(command.cameraSsrc, command.maxSpatialLayer);
  } else if (command.type === 'remove') {
    stops.get(command.id)?.();
    stops.delete(command.id);
  } else {
    replayer.close();
    port.close();
  }
});

/** Structured cloning turned the packets' Buffers into plain Uint8Arrays. */
function asBuffers(clip: CapturedClip): CapturedClip {
  const stream = (s: CapturedClip['video']) => ({
    ...s,
    packets: s.packets.map((packet) => ({ ...packet, bytes: Buffer.from(packet.bytes.buffer, packet.bytes.byteOffset, packet.bytes.byteLength) })),
  });
  return { ...clip, video: stream(clip.video), ...(clip.lowVideo ? { lowVideo: stream(clip.lowVideo) } : {}), audio: stream(clip.audio) };
}
