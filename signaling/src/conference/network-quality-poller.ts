import type { Logger } from '../logger.js';
import type { SfuCluster } from '../media/sfu-cluster.js';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';
import { canSeeQueue } from './conference-roles.js';

const POLL_INTERVAL_MS = 5_000;

/**
 * Every few seconds, for each meeting whose chair or secretary is connected to this node, asks
 * the SFU how every endpoint's link is doing and tells them (a bad commune link shows before it speaks).
 */
export class NetworkQualityPoller {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly io: SignalingIo,
    private readonly sfu: SfuCluster,
    private readonly logger: Logger,
    private readonly intervalMs = POLL_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    // A slow SFU must not pile up readings.
    if (this.polling || !this.sfu.connected) return;
    this.polling = true;
    try {
      await Promise.all([...this.watchedMeetings()].map((meetingId) => this.report(meetingId)));
    } finally {
      this.polling = false;
    }
  }

  private watchedMeetings(): Set<string> {
    const meetings = new Set<string>();
    for (const socket of this.io.of('/').sockets.values()) {
      const joined = socket.data.joined;
      if (joined && canSeeQueue(joined.role)) meetings.add(joined.meetingId);
    }
    return meetings;
  }

  private async report(meetingId: string): Promise<void> {
    try {
      const { peers } = await this.sfu.request('room:networkQuality', { roomId: meetingId });
      this.io.local.to(rooms.meetingManagers(meetingId)).emit('conference:networkQuality', { peers });
    } catch (error) {
      this.logger.debug({ err: error, meetingId }, 'network quality not available');
    }
  }
}
