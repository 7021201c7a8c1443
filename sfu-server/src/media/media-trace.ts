import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';
import { isPipeTransport } from './pipe-transports.js';

/*
 * Benchmarks only (SFU_MEDIA_TRACE=1): when each step that stands between a new consumer and a
 * picture happens in the worker, so a bench can lay them next to the browser's own steps. Logged
 * at `warn` so the bench's quiet log level keeps them; every line is `msg: 'media trace'` with
 * `at` in epoch milliseconds.
 *
 * Per consumer: created, resumed, its first RTP packet out, key frames out, key frame requests
 * (PLI/FIR) in from its browser. Per video producer: key frame requests out to its browser and
 * key frames in. The per-packet 'rtp' trace is switched off after the first packet: it would cost
 * the worker a channel message per packet.
 */

type TraceLine = Record<string, unknown> & { step: string; at?: number };

export function traceMediaSteps(log: Logger): void {
  const write = (line: TraceLine) => log.warn({ at: Date.now(), ...line }, 'media trace');
  mediasoup.observer.on('newworker', (worker: types.Worker) => {
    worker.observer.on('newrouter', (router: types.Router) => {
      router.observer.on('newtransport', (transport: types.Transport) => {
        // A room spread over workers: the pipes' copies and consumers are not a browser's steps.
        if (isPipeTransport(transport)) return;
        traceBandwidth(transport, write);
        transport.observer.on('newproducer', (producer: types.Producer) => traceProducer(producer, write));
        transport.observer.on('newconsumer', (consumer: types.Consumer) => traceConsumer(consumer, transport, write));
      });
    });
  });
}

/** The send-side estimate of a WebRTC transport (what mediasoup shares out among its consumers), about once a second. */
function traceBandwidth(transport: types.Transport, write: (line: TraceLine) => void): void {
  if (transport.constructor.name !== 'WebRtcTransport') return;
  void transport.enableTraceEvent(['bwe']).catch(() => undefined);
  transport.on('trace', (trace) => {
    if (trace.type !== 'bwe') return;
    const info = trace.info as { availableBitrate?: number; desiredBitrate?: number };
    write({ transportId: transport.id, step: 'transport bwe', availableBitrate: info.availableBitrate, desiredBitrate: info.desiredBitrate });
  });
}

function traceProducer(producer: types.Producer, write: (line: TraceLine) => void): void {
  if (producer.kind !== 'video') return;
  const base = { producerId: producer.id, feed: producer.appData['feed'] === 'main' };
  write({ ...base, step: 'producer created' });
  // Which simulcast layer (rid) an SSRC is: the browser's SSRCs are learnt from its packets.
  const rids = new Map<number, string>();
  const learnRids = async () => {
    for (const stat of (await producer.getStats().catch(() => [])) as { ssrc?: number; rid?: string }[]) {
      if (stat.ssrc !== undefined && stat.rid) rids.set(stat.ssrc, stat.rid);
    }
  };
  void producer.enableTraceEvent(['keyframe', 'pli', 'fir']).catch(() => undefined);
  producer.on('trace', (trace) => {
    const at = Date.now();
    const info = trace.info as { ssrc?: number; mediaSsrc?: number; rtpPacket?: { ssrc?: number } } | undefined;
    const ssrc = info?.ssrc ?? info?.mediaSsrc ?? info?.rtpPacket?.ssrc;
    const line = (rid: string | undefined) => ({ ...base, step: `producer ${trace.type} ${trace.direction}${rid ? ` ${rid}` : ''}`, ssrc, at });
    if (ssrc === undefined || rids.has(ssrc) || base.feed) return write(line(ssrc === undefined ? undefined : rids.get(ssrc)));
    void learnRids().then(() => write(line(rids.get(ssrc))));
  });
}

function traceConsumer(consumer: types.Consumer, transport: types.Transport, write: (line: TraceLine) => void): void {
  if (consumer.kind !== 'video') return;
  const base = { consumerId: consumer.id, producerId: consumer.producerId, transportId: transport.id, direct: transport.constructor.name === 'DirectTransport' };
  write({ ...base, step: 'consumer created', paused: consumer.paused, preferred: consumer.preferredLayers?.spatialLayer });
  consumer.observer.on('resume', () => write({ ...base, step: 'consumer resumed' }));
  consumer.observer.on('pause', () => write({ ...base, step: 'consumer paused' }));
  void consumer.enableTraceEvent(['rtp', 'keyframe', 'pli', 'fir']).catch(() => undefined);
  let sawRtp = false;
  consumer.on('trace', (trace) => {
    if (trace.type === 'rtp') {
      if (sawRtp) return;
      sawRtp = true;
      write({ ...base, step: 'consumer first rtp out' });
      void consumer.enableTraceEvent(['keyframe', 'pli', 'fir']).catch(() => undefined);
      return;
    }
    write({ ...base, step: `consumer ${trace.type} ${trace.direction}` });
  });
  consumer.on('layerschange', (layers) => write({ ...base, step: 'consumer layers', spatial: layers?.spatialLayer ?? null }));
}
