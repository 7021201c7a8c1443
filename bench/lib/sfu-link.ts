import { io, type Socket } from 'socket.io-client';
import type { SfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';

/** The bench's own connection to the SFU's internal API (for plain transports and counters). */
export class SfuLink {
  private constructor(private readonly socket: Socket) {}

  static connect(url: string, secret: string): Promise<SfuLink> {
    const socket = io(url, { auth: { token: secret }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new SfuLink(socket)));
      socket.once('connect_error', reject);
    });
  }

  async request<K extends SfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    // Counters of a 120-endpoint room mean ~1,500 stats requests to a busy worker: allow time.
    const ack = (await this.socket.timeout(90_000).emitWithAck(name, payload)) as
      | { ok: true; data: SfuResponse<K> }
      | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  close(): void {
    this.socket.close();
  }
}
