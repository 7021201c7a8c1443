import type { RtpCapabilities } from '@ehop/protocol';
import { Device, type types as ms } from 'mediasoup-client';
import { connectSocket, request } from '../socket.js';

/**
 * The WebRTC device, loaded while the person looks at the pre-join screen. Loading it (a local
 * WebRTC probe) took 50–150 ms of every join on a busy tablet, after the server had already
 * answered (bench/join-latency.ts). The router's capabilities are the same before and after
 * joining; when they are not (the meeting moved to another media server meanwhile), the device is
 * loaded again at join.
 */
interface LoadedDevice {
  meetingId: string;
  capabilities: string;
  device: Device;
}

let preloading: { meetingId: string; loaded: Promise<LoadedDevice | null> } | null = null;

/** Starts loading the device for `meetingId` (once); failures are ignored: joining loads it then. */
export function preloadDevice(meetingId: string): void {
  if (preloading?.meetingId === meetingId) return;
  preloading = { meetingId, loaded: load(meetingId).catch(() => null) };
}

async function load(meetingId: string): Promise<LoadedDevice> {
  await connectSocket();
  const { routerRtpCapabilities } = await request('media:capabilities', { meetingId });
  const device = new Device();
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
  return { meetingId, capabilities: JSON.stringify(routerRtpCapabilities), device };
}

/** A device loaded with `routerRtpCapabilities`: the preloaded one when it matches, else a new one. */
export async function deviceFor(meetingId: string, routerRtpCapabilities: RtpCapabilities): Promise<Device> {
  const preloaded = preloading?.meetingId === meetingId ? await preloading.loaded : null;
  if (preloaded && preloaded.capabilities === JSON.stringify(routerRtpCapabilities)) return preloaded.device;
  const device = new Device();
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
  return device;
}
