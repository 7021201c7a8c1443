import { describe, expect, it } from 'vitest';
import { sequenceOf, ssrcOf, startsVp8KeyFrame, timestampOf } from '../src/rtp-packet.js';
import { AudioFollower, OPUS_SILENCE_FRAME, StreamStitcher, VideoFollower } from '../src/stream-stitcher.js';

/** An RTP packet with a VP8 payload descriptor (S bit, partition 0) and a frame header byte. */
function vp8(ssrc: number, sequence: number, timestamp: number, keyFrame: boolean, start = true): Uint8Array {
  const packet = new Uint8Array(16);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80;
  packet[1] = 96;
  view.setUint16(2, sequence);
  view.setUint32(4, timestamp);
  view.setUint32(8, ssrc);
  packet[12] = start ? 0x10 : 0x00;
  packet[13] = keyFrame ? 0x00 : 0x01;
  return packet;
}

const OUT = 0xabcdef;

describe('VP8 key frame detection', () => {
  it('reads the P bit of the first packet of a frame only', () => {
    expect(startsVp8KeyFrame(vp8(1, 1, 1, true))).toBe(true);
    expect(startsVp8KeyFrame(vp8(1, 1, 1, false))).toBe(false);
    expect(startsVp8KeyFrame(vp8(1, 1, 1, true, false))).toBe(false);
  });
});

describe('VideoFollower', () => {
  it('keeps recording the old source until the new one sends a key frame, then continues sequence and timestamps', () => {
    const follower = new VideoFollower(new StreamStitcher(90_000, OUT));
    follower.follow(1);
    expect(follower.accept(vp8(1, 100, 1000, false), 0)).toBeNull(); // no key frame yet: nothing to record
    const first = follower.accept(vp8(1, 101, 1000, true), 0)!;
    expect([ssrcOf(first), sequenceOf(first), timestampOf(first)]).toEqual([OUT, 101, 1000]);
    follower.accept(vp8(1, 102, 4000, false), 33);

    follower.follow(2);
    expect(follower.waitingForKeyFrame).toBe(true);
    expect(follower.accept(vp8(2, 5000, 777_000, false), 40)).toBeNull(); // new source, not a key frame
    const old = follower.accept(vp8(1, 103, 7000, false), 66)!; // the old source is still recorded
    expect(sequenceOf(old)).toBe(103);

    const cut = follower.accept(vp8(2, 5001, 780_000, true), 100)!;
    expect(follower.waitingForKeyFrame).toBe(false);
    expect(ssrcOf(cut)).toBe(OUT);
    expect(sequenceOf(cut)).toBe(104);
    // 34 ms after the last recorded frame (at 66 ms): 34 * 90 ticks later.
    expect(timestampOf(cut)).toBe(7000 + 34 * 90);
    const next = follower.accept(vp8(2, 5002, 783_000, false), 133)!;
    expect([sequenceOf(next), timestampOf(next)]).toEqual([105, 7000 + 34 * 90 + 3000]);
    expect(follower.accept(vp8(1, 104, 10_000, false), 134)).toBeNull(); // the old source is dropped now
  });

  it('wraps sequence numbers and timestamps around', () => {
    const follower = new VideoFollower(new StreamStitcher(90_000, OUT));
    follower.follow(1);
    follower.accept(vp8(1, 0xffff, 0xffffff00, true), 0);
    follower.follow(2);
    const cut = follower.accept(vp8(2, 10, 10, true), 10)!;
    expect(sequenceOf(cut)).toBe(0);
    expect(timestampOf(cut)).toBe((0xffffff00 + 900) >>> 0);
  });
});

describe('AudioFollower', () => {
  const opus = (ssrc: number, sequence: number, timestamp: number) => vp8(ssrc, sequence, timestamp, false);

  it('prefers the first source, falls back to the next one after silence, without a jump', () => {
    const follower = new AudioFollower(new StreamStitcher(48_000, OUT));
    follower.follow([1, 2]);
    expect(sequenceOf(follower.accept(opus(1, 10, 960), 0)!)).toBe(10);
    expect(follower.accept(opus(2, 500, 50_000), 10)).toBeNull(); // the preferred one speaks
    follower.accept(opus(1, 11, 1920), 20);
    const handed = follower.accept(opus(2, 501, 50_960), 520)!; // 500 ms of silence from source 1
    expect([ssrcOf(handed), sequenceOf(handed), timestampOf(handed)]).toEqual([OUT, 12, 1920 + 500 * 48]);
    const back = follower.accept(opus(1, 12, 2880), 540)!; // the preferred one is back: immediately
    expect(sequenceOf(back)).toBe(13);
    expect(timestampOf(back)).toBe(1920 + 500 * 48 + 20 * 48);
  });

  it('fills the time nobody speaks with Opus silence, and the speaker continues after it without a jump', () => {
    const follower = new AudioFollower(new StreamStitcher(48_000, OUT));
    follower.follow([1]);
    // Nobody has spoken yet: silence at once, so the file has its audio track from the start.
    const first = follower.silence(111, 0)!;
    expect([ssrcOf(first), first[1]! & 0x7f, [...first.subarray(12)]]).toEqual([OUT, 111, [...OPUS_SILENCE_FRAME]]);
    const second = follower.silence(111, 20)!;
    expect([sequenceOf(second) - sequenceOf(first), timestampOf(second) - timestampOf(first)]).toEqual([1, 20 * 48]);
    // The microphone opens: it continues the stream; while it is heard, no silence is added.
    const spoken = follower.accept(opus(1, 700, 90_000), 40)!;
    expect([sequenceOf(spoken), timestampOf(spoken)]).toEqual([sequenceOf(second) + 1, timestampOf(second) + 20 * 48]);
    expect(follower.silence(111, 60)).toBeNull();
    // It goes quiet (muted): silence again, continuing from its last packet.
    const after = follower.silence(111, 140)!;
    expect([sequenceOf(after), timestampOf(after)]).toEqual([sequenceOf(spoken) + 1, timestampOf(spoken) + 100 * 48]);
  });

  it('drops sources it does not follow', () => {
    const follower = new AudioFollower(new StreamStitcher(48_000, OUT));
    follower.follow([1]);
    expect(follower.accept(opus(9, 1, 1), 0)).toBeNull();
  });
});
