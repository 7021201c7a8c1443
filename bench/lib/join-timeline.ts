import { percentile, round } from './stats.js';

/*
 * One join's way to its first remote picture, step by step, in milliseconds after the click:
 * the browser's steps (window.ehopDebug.joinSteps) next to the SFU's (its SFU_MEDIA_TRACE log,
 * sfu-server/src/media/media-trace.ts). Both sides run on this machine, so their epoch
 * clocks agree: the page's times become epoch ms through `performance.timeOrigin`.
 */

/** What the page reports of one join (times in its `performance.now()`). */
export interface PageJoin {
  timeOrigin: number;
  joinedAt: number;
  steps: Record<string, number>;
  videoConsumers: { consumerId: string; feed: boolean }[];
}

interface TraceLine {
  step: string;
  at: number;
  consumerId?: string;
  producerId?: string;
  transportId?: string;
  feed?: boolean;
  availableBitrate?: number;
  desiredBitrate?: number;
}

/** The SFU's trace lines in a stretch of its log. */
export function parseTrace(log: string): TraceLine[] {
  const lines: TraceLine[] = [];
  for (const text of log.split('\n')) {
    if (!text.includes('"media trace"')) continue;
    try {
      lines.push(JSON.parse(text) as TraceLine);
    } catch {
      // A line cut in half at the end of the stretch: the next stretch has it whole.
    }
  }
  return lines;
}

/**
 * Steps of one join (ms after the click). The SFU's steps are named after the consumer they
 * concern: `sfu thumbnail: ...` for the publisher's camera at the low layer, `sfu feed: ...` for
 * the main-screen feed; `sfu camera: ...` are the publisher's camera producer's (key frame
 * requests out to its browser, key frames in) after the click.
 */
export function joinTimeline(page: PageJoin, trace: readonly TraceLine[]): Record<string, number> {
  const clickEpoch = page.timeOrigin + page.joinedAt;
  const timeline: Record<string, number> = {};
  const put = (name: string, epoch: number) => {
    const ms = epoch - clickEpoch;
    if (timeline[name] === undefined || ms < timeline[name]!) timeline[name] = round(ms);
  };
  for (const [step, at] of Object.entries(page.steps)) put(`page: ${step}`, page.timeOrigin + at);
  const cameras = new Set<string>();
  let thumbnailResumedAt = Number.POSITIVE_INFINITY;
  for (const { consumerId, feed } of page.videoConsumers) {
    const role = feed ? 'feed' : 'thumbnail';
    for (const line of trace) {
      if (line.consumerId !== consumerId) continue;
      put(`sfu ${role}: ${line.step}`, line.at);
      if (!feed && line.producerId) cameras.add(line.producerId);
      if (!feed && line.step === 'consumer resumed') thumbnailResumedAt = Math.min(thumbnailResumedAt, line.at);
    }
  }
  for (const line of trace) {
    if (line.consumerId || !line.producerId || !cameras.has(line.producerId) || line.at < clickEpoch) continue;
    put(`sfu camera: ${line.step}`, line.at);
    if (line.at >= thumbnailResumedAt) put(`sfu camera: ${line.step} (after thumbnail resumed)`, line.at);
  }
  return timeline;
}

/** The SFU's estimate of what it may send the joiner (kb/s), and what its consumers want, from the click on. */
export function joinBandwidth(page: PageJoin, trace: readonly TraceLine[]): { ms: number; availableKbps: number; desiredKbps: number }[] {
  const clickEpoch = page.timeOrigin + page.joinedAt;
  const consumers = new Set(page.videoConsumers.map(({ consumerId }) => consumerId));
  const transports = new Set(trace.filter((line) => line.consumerId && consumers.has(line.consumerId) && line.transportId).map((line) => line.transportId!));
  return trace
    .filter((line) => line.step === 'transport bwe' && line.transportId && transports.has(line.transportId))
    .map((line) => ({ ms: round(line.at - clickEpoch), availableKbps: round((line.availableBitrate ?? 0) / 1000), desiredKbps: round((line.desiredBitrate ?? 0) / 1000) }));
}

/** p50/p95 of each step over the joins, in the order of their medians. */
export function timelineTable(timelines: readonly Record<string, number>[]): { step: string; n: number; p50: number; p95: number; max: number }[] {
  const names = new Set(timelines.flatMap((timeline) => Object.keys(timeline)));
  return [...names]
    .map((step) => {
      const samples = timelines.map((timeline) => timeline[step]).filter((ms): ms is number => ms !== undefined);
      return { step, n: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), max: round(Math.max(...samples)) };
    })
    .sort((a, b) => a.p50 - b.p50);
}
