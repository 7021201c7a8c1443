import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { RecorderCodec, SfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';
import type { ChapterMark } from './chapters.js';
import { FfmpegCapture } from './ffmpeg-capture.js';
import { finaliseRecording } from './finalise.js';
import { RecordingFiles, sha256Of, sizeOf, type RecordingRecord } from './recording-files.js';
import { RtpRelay } from './rtp-relay.js';
import { AudioFollower, SILENCE_FRAME_MS, StreamStitcher, VideoFollower } from '@ehop/rtp';
import { freePortPair } from './udp-ports.js';

/** The recorder's requests: each about one room (`recorder:*`, and `room:open` to reopen a lost one). */
export type RecorderSfuRequestName = Extract<SfuRequestName, `recorder:${string}` | 'room:open'>;

/** The recorder's door to the SFU's internal API (signaling's SfuCluster, or a test's own link). */
export interface SfuRequester {
  request<K extends RecorderSfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>>;
}

/** What to record: whose camera (null: keep the current one) and whose microphones, preferred first. */
export interface RecordingTarget {
  videoUserId: string | null;
  audioUserIds: string[];
}

export interface SessionLog {
  warn(details: object, message: string): void;
}

/** Re-sent this often: it picks up tracks published after the last change and asks again for a key frame while one is awaited. */
const REFRESH_MS = 1500;

/**
 * One recording of one meeting: the SFU's tap, the relay that follows the floor and the main
 * screen, and ffmpeg writing the part file. Lives in the recorder process until stopped.
 */
export class RecordingSession {
  private target: RecordingTarget = { videoUserId: null, audioUserIds: [] };
  private readonly marks: ChapterMark[] = [];
  private readonly startedAtMs = Date.now();
  private refreshTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private following: Promise<void> = Promise.resolve();
  private stopping: Promise<RecordingRecord> | null = null;
  /** Since when (epoch ms) the SFU has not answered for the tap, or null while all is well. */
  private failingSince: number | null = null;
  /** The SFU has no tap for us any more (the room was lost with its worker, or the SFU restarted). */
  private tapLost = false;

  private constructor(
    private record: RecordingRecord,
    private readonly files: RecordingFiles,
    private readonly sfu: SfuRequester,
    private readonly relay: RtpRelay,
    private readonly video: VideoFollower,
    private readonly audio: AudioFollower,
    private readonly ffmpeg: FfmpegCapture,
    private readonly destinations: RecorderDestinations,
    private readonly log: SessionLog,
  ) {}

  static async start(options: {
    record: RecordingRecord;
    files: RecordingFiles;
    sfu: SfuRequester;
    target: RecordingTarget;
    log: SessionLog;
    host?: string;
  }): Promise<RecordingSession> {
    const { record, files, sfu } = options;
    const host = options.host ?? '127.0.0.1';
    const scope = { roomId: record.meetingId, recordingId: record.id };
    const paths = files.paths(record.meetingId, record.id);
    const [relayVideo, relayAudio, ffmpegVideo, ffmpegAudio] = await Promise.all([0, 1, 2, 3].map(() => freePortPair(host)));
    const relay = new RtpRelay(host);
    const destinations: RecorderDestinations = {
      video: { ip: host, port: relayVideo!, rtcpPort: relayVideo! + 1 },
      audio: { ip: host, port: relayAudio!, rtcpPort: relayAudio! + 1 },
    };
    const video = new VideoFollower(new StreamStitcher(90_000, randomInt(1, 0xffffffff)));
    const audio = new AudioFollower(new StreamStitcher(48_000, randomInt(1, 0xffffffff)));
    let codecs: { video: RecorderCodec; audio: RecorderCodec } | undefined;
    let ffmpeg: FfmpegCapture | undefined;
    let sendAudio: ((packet: Uint8Array) => void) | undefined;
    try {
      await relay.add({ port: relayVideo!, targetPort: ffmpegVideo!, accept: (packet, now) => video.accept(packet, now) });
      sendAudio = await relay.add({ port: relayAudio!, targetPort: ffmpegAudio!, accept: (packet, now) => audio.accept(packet, now) });
      codecs = await sfu.request('recorder:open', { ...scope, ...destinations });
      await files.save(record);
      // ffmpeg binds its ports before the media flows: the first key frame is not lost.
      ffmpeg = await FfmpegCapture.start({ host, videoPort: ffmpegVideo!, audioPort: ffmpegAudio!, ...codecs, sdpPath: paths.sdp, outputPath: paths.part });
    } catch (error) {
      relay.close();
      await sfu.request('recorder:close', scope).catch(() => {});
      throw error;
    }
    const session = new RecordingSession({ ...record, ffmpegPid: ffmpeg.pid ?? null }, files, sfu, relay, video, audio, ffmpeg, destinations, options.log);
    await files.save(session.record);
    await session.follow(options.target);
    session.refreshTimer = setInterval(() => session.refresh(), REFRESH_MS);
    const opus = codecs.audio.payloadType;
    session.silenceTimer = setInterval(() => {
      const packet = audio.silence(opus, performance.now());
      if (packet) sendAudio!(packet);
    }, SILENCE_FRAME_MS);
    return session;
  }

  get id(): string {
    return this.record.id;
  }

  get meetingId(): string {
    return this.record.meetingId;
  }

  get current(): RecordingRecord {
    return this.record;
  }

  /** Switches the sources (the video at the new camera's next key frame). Calls run one after another. */
  follow(target: RecordingTarget): Promise<void> {
    this.target = { videoUserId: target.videoUserId ?? this.target.videoUserId, audioUserIds: [...target.audioUserIds] };
    this.following = this.following.then(() => this.applyTarget()).catch((error: unknown) => this.noteFailure(error));
    return this.following;
  }

  /**
   * The meeting's room is gone from the SFU (signaling heard `room:lost`): ffmpeg keeps writing
   * (silence, a still picture), and the refresh puts a new tap into the room on the replacement
   * worker; the stretch in between is recorded as a gap.
   */
  mediaLost(): void {
    this.failingSince ??= Date.now();
    this.tapLost = true;
  }

  /** An agenda item became current (null: none): a chapter starts now. */
  markChapter(title: string): void {
    this.marks.push({ atMs: Date.now() - this.startedAtMs, title });
    this.record = { ...this.record, chapters: [...this.marks] };
    this.files.save(this.record).catch((error: unknown) => this.log.warn({ err: error }, 'could not save chapters'));
  }

  /** Idempotent: stops ffmpeg (`q`), closes the tap and the relay, and finalises the file. */
  stop(onFinalising?: (record: RecordingRecord) => void): Promise<RecordingRecord> {
    this.stopping ??= this.finish(onFinalising);
    return this.stopping;
  }

  private async finish(onFinalising?: (record: RecordingRecord) => void): Promise<RecordingRecord> {
    clearInterval(this.refreshTimer);
    clearInterval(this.silenceTimer);
    const endedAt = new Date().toISOString();
    this.record = { ...this.record, status: 'finalising', endedAt };
    await this.files.save(this.record);
    onFinalising?.(this.record);
    const receivedMedia = this.relay.packetsForwarded > 0;
    // Without a single packet ffmpeg is still waiting to learn its streams and would not hear `q`.
    await this.ffmpeg.stop(receivedMedia ? 5000 : 0);
    this.relay.close();
    await this.sfu.request('recorder:close', { roomId: this.meetingId, recordingId: this.id }).catch(() => {});
    if (!receivedMedia) {
      this.log.warn({ recordingId: this.id }, 'nothing was recorded: no camera or microphone to follow');
      this.record = { ...this.record, status: 'failed', failure: 'no media reached the recorder', ffmpegPid: null, recorderPid: null };
      await this.files.save(this.record);
      const paths = this.files.paths(this.meetingId, this.id);
      await Promise.all([paths.part, paths.sdp].map((path) => rm(path, { force: true })));
      return this.record;
    }
    this.record = await finaliseRecord(this.files, this.record, this.log);
    return this.record;
  }

  private async applyTarget(): Promise<void> {
    const sources = await this.sfu.request('recorder:follow', { roomId: this.meetingId, recordingId: this.id, ...this.target });
    if (sources.video) this.video.follow(sources.video.ssrc);
    this.audio.follow(sources.audio.map((source) => source.ssrc));
  }

  private noteFailure(error: unknown): void {
    this.failingSince ??= Date.now();
    // The room or the tap is unknown to the SFU: it lost them (a worker died, the SFU restarted).
    if ((error as { code?: unknown }).code === 'not_found') this.tapLost = true;
    this.log.warn({ err: error, recordingId: this.id }, 'recorder could not follow');
  }

  /** A new tap in the (re-opened) room, sending to the same relay ports: ffmpeg never notices. */
  private async reattach(): Promise<void> {
    if (!this.tapLost) return;
    await this.sfu.request('room:open', { roomId: this.meetingId });
    await this.sfu.request('recorder:open', { roomId: this.meetingId, recordingId: this.id, ...this.destinations });
    const lostAt = this.failingSince ?? Date.now();
    const gap = { atMs: lostAt - this.startedAtMs, durationMs: Date.now() - lostAt };
    this.tapLost = false;
    this.record = { ...this.record, gaps: [...this.record.gaps, gap] };
    await this.files.save(this.record);
    this.log.warn({ recordingId: this.id, gap }, 'recording goes on after the SFU lost the room; the gap is marked');
  }

  /** Every REFRESH_MS: a lost tap is put back, the sources followed again, a key frame asked for while one is awaited. */
  private refresh(): void {
    this.following = this.following
      .then(async () => {
        await this.reattach();
        await this.applyTarget();
        this.failingSince = null;
        if (this.video.waitingForKeyFrame) await this.sfu.request('recorder:keyFrame', { roomId: this.meetingId, recordingId: this.id });
      })
      .catch((error: unknown) => this.noteFailure(error));
  }
}

type RecorderDestinations = Pick<SfuRequest<'recorder:open'>, 'video' | 'audio'>;

/** Turns a part file into the finished recording and its record (also what crash recovery uses). */
export async function finaliseRecord(files: RecordingFiles, record: RecordingRecord, log: SessionLog, recovered = false): Promise<RecordingRecord> {
  const paths = files.paths(record.meetingId, record.id);
  try {
    const { durationSec } = await finaliseRecording({ partPath: paths.part, finalPath: paths.final, chaptersPath: paths.chapters, title: record.title, marks: record.chapters });
    await rm(paths.sdp, { force: true });
    const finished: RecordingRecord = {
      ...record,
      status: 'finished',
      endedAt: record.endedAt ?? new Date().toISOString(),
      durationSec,
      sizeBytes: await sizeOf(paths.final),
      sha256: await sha256Of(paths.final),
      recovered,
      ffmpegPid: null,
      recorderPid: null,
    };
    await files.save(finished);
    return finished;
  } catch (error) {
    log.warn({ err: error, recordingId: record.id }, 'recording could not be finalised');
    const failed: RecordingRecord = { ...record, status: 'failed', failure: String((error as Error).message ?? error).slice(0, 500), endedAt: record.endedAt ?? new Date().toISOString() };
    await files.save(failed);
    return failed;
  }
}
