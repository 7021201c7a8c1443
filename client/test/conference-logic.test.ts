import { describe, expect, it } from 'vitest';
import type { ConferenceState, PeerInfo, Unit, UnitGroup } from '@ehop/protocol';
import { clockOffset, formatClock, remainingSeconds } from '../src/lib/conference/countdown.js';
import { mainScreenPicture, maySpeak, shownMainUserId, type MainScreenInput } from '../src/lib/conference/main-screen.js';
import { byWorstLink, formatBitrate, networkGrade } from '../src/lib/conference/network-grade.js';
import { ALL_GROUPS, groupIdOf, MAX_PAGE_SIZE, pageSizeFor, thumbnailPage } from '../src/lib/conference/thumbnail-pages.js';

const province: Unit = { id: 'tinh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null };
const lacSon: Unit = { id: 'lac-son', name: 'Huyện Lạc Sơn', level: 'district', parentId: 'tinh' };
const kimBoi: Unit = { id: 'kim-boi', name: 'Huyện Kim Bôi', level: 'district', parentId: 'tinh' };
const anNghia: Unit = { id: 'an-nghia', name: 'Xã Ân Nghĩa', level: 'commune', parentId: 'lac-son' };
const groups: UnitGroup[] = [
  { id: 'tinh', name: province.name, level: 'province' },
  { id: 'kim-boi', name: kimBoi.name, level: 'district' },
  { id: 'lac-son', name: lacSon.name, level: 'district' },
];

function peer(peerId: string, unit: Unit, role: PeerInfo['role'] = 'endpoint'): { info: PeerInfo; video: { paused: boolean } | null } {
  return { info: { peerId, userId: `u-${peerId}`, displayName: `Điểm cầu ${peerId}`, role, unit, micOn: false, camOn: true }, video: { paused: false } };
}

describe('thumbnails grouped by district, filtered and paginated', () => {
  const peers = [peer('c1', anNghia), peer('d1', lacSon), peer('k1', kimBoi), peer('p1', province), peer('chair', province, 'chair')];

  it('puts a commune in its district and orders groups province first, then as the server listed them', () => {
    expect(groupIdOf(anNghia)).toBe('lac-son');
    expect(groupIdOf(province)).toBe('tinh');
    const page = thumbnailPage(peers, groups, ALL_GROUPS, 0, 10);
    expect(page.visible.map((item) => item.info.peerId)).toEqual(['chair', 'p1', 'k1', 'd1', 'c1']);
    expect(page.groups.map((group) => [group.group?.id, group.items.length])).toEqual([
      ['tinh', 2],
      ['kim-boi', 1],
      ['lac-son', 2],
    ]);
  });

  it('filters to one district, its communes included', () => {
    const page = thumbnailPage(peers, groups, 'lac-son', 0, 10);
    expect(page.visible.map((item) => item.info.peerId)).toEqual(['d1', 'c1']);
  });

  it('cuts pages and keeps the page number in range when the list shrinks', () => {
    const many = Array.from({ length: 19 }, (_, index) => peer(`e${String(index).padStart(2, '0')}`, lacSon));
    const last = thumbnailPage(many, groups, ALL_GROUPS, 2, 8);
    expect([last.page, last.pageCount, last.visible.length, last.total]).toEqual([2, 3, 3, 19]);
    expect(thumbnailPage(many.slice(0, 5), groups, ALL_GROUPS, 2, 8).page).toBe(0);
    expect(thumbnailPage([], groups, ALL_GROUPS, 0, 8)).toMatchObject({ pageCount: 1, visible: [] });
  });

  it('puts on a page as many tiles as fit on one row beside our own, at least one and at most eight', () => {
    // 168 px tiles, 8 px apart: 840 px hold 4 tiles (4 × 168 + 3 × 8 = 696; a fifth needs 872).
    expect(pageSizeFor(840, 168, 8)).toBe(3);
    expect(pageSizeFor(871, 168, 8)).toBe(3);
    expect(pageSizeFor(872, 168, 8)).toBe(4);
    expect(pageSizeFor(100, 168, 8)).toBe(1);
    expect(pageSizeFor(0, 168, 8)).toBe(1);
    expect(pageSizeFor(3840, 168, 8)).toBe(MAX_PAGE_SIZE);
  });
});

describe('network quality grade', () => {
  const link = (loss: number | null, rtt: number | null) => ({
    uplinkLossPercent: loss,
    downlinkLossPercent: null,
    roundTripMs: rtt,
    uplinkBitrate: 500_000,
    downlinkBitrate: 800_000,
  });

  it('gives bars and a colour from loss and round trip, the worse of the two deciding', () => {
    expect(networkGrade(link(0, 30))).toMatchObject({ bars: 4, tone: 'good' });
    expect(networkGrade(link(2, 30))).toMatchObject({ bars: 3, tone: 'fair' });
    expect(networkGrade(link(0.2, 450))).toMatchObject({ bars: 2, tone: 'poor' });
    expect(networkGrade(link(12, 30))).toMatchObject({ bars: 1, tone: 'bad' });
    expect(networkGrade({ ...link(null, null), uplinkBitrate: 0, downlinkBitrate: 0 })).toMatchObject({ bars: 0, tone: 'unknown' });
    expect(networkGrade(undefined).tone).toBe('unknown');
  });

  it('sorts the worst links first, unknown last', () => {
    const grades = [networkGrade(link(0, 10)), networkGrade(undefined), networkGrade(link(15, 10)), networkGrade(link(5, 10))];
    expect(grades.sort(byWorstLink).map((grade) => grade.tone)).toEqual(['bad', 'poor', 'good', 'unknown']);
  });

  it('formats bitrates in the reader\'s locale', () => {
    expect(formatBitrate(1_250_000, 'vi-VN')).toBe('1,3 Mb/s');
    expect(formatBitrate(350_400, 'en-GB')).toBe('350 kb/s');
  });
});

describe('speaking-time countdown', () => {
  it('counts down by the server\'s clock, into overtime', () => {
    const offset = clockOffset('2026-01-05T01:00:10.000Z', Date.parse('2026-01-05T01:00:00.000Z'));
    expect(offset).toBe(10_000);
    expect(remainingSeconds('2026-01-05T01:02:10.000Z', Date.parse('2026-01-05T01:00:00.000Z'), offset)).toBe(120);
    expect(formatClock(125)).toBe('02:05');
    expect(formatClock(-12)).toBe('-00:12');
    expect(formatClock(3725)).toBe('1:02:05');
  });
});

describe('the main screen', () => {
  const state = (changes: Partial<ConferenceState>): ConferenceState => ({
    version: 1,
    mode: 'floor',
    holder: null,
    mainScreen: { mode: 'floor' },
    mainUserId: 'u-chair',
    speakerUserIds: ['u-chair'],
    queueLength: 0,
    serverTime: '2026-01-05T01:00:00.000Z',
    ...changes,
  });

  it('follows the active speaker only in that mode, falling back to the server\'s choice', () => {
    expect(shownMainUserId(state({}), 'u-x')).toBe('u-chair');
    expect(shownMainUserId(state({ mainScreen: { mode: 'active_speaker' } }), 'u-x')).toBe('u-x');
    expect(shownMainUserId(state({ mainScreen: { mode: 'active_speaker' } }), null)).toBe('u-chair');
    expect(shownMainUserId(null, 'u-x')).toBeNull();
  });

  describe('what it shows', () => {
    const chair = peer('chair-laptop', province, 'chair').info;
    const a = peer('a', lacSon).info;
    const b = peer('b', kimBoi).info;
    const me = { userId: 'u-me', displayName: 'Tôi', unit: anNghia };
    const input = (changes: Partial<MainScreenInput<string>>): MainScreenInput<string> => ({
      selection: { mode: 'floor' },
      mainUserId: a.userId,
      self: { ...me, track: 'my-camera' },
      feed: { track: 'feed', source: { peerId: 'a', userId: a.userId, since: 1_000 } },
      peers: [chair, a, b],
      holder: null,
      ...changes,
    });
    const named = (info: PeerInfo) => ({ userId: info.userId, displayName: info.displayName, unit: info.unit });

    it('shows the presented document whatever the feed carries', () => {
      expect(mainScreenPicture(input({ selection: { mode: 'document', documentId: 'doc-1' }, mainUserId: null }))).toEqual({
        kind: 'document',
        documentId: 'doc-1',
      });
    });

    it('shows the feed named after the person it carries', () => {
      expect(mainScreenPicture(input({}))).toEqual({
        kind: 'feed',
        track: 'feed',
        peerId: 'a',
        userId: a.userId,
        since: 1_000,
        person: named(a),
      });
    });

    it('keeps the previous person, picture and caption, until the feed cuts over to the chair\'s new choice', () => {
      const clicked = input({ mainUserId: b.userId });
      expect(mainScreenPicture(clicked)).toMatchObject({ kind: 'feed', peerId: 'a', since: 1_000, person: named(a) });
      const cutOver = input({ mainUserId: b.userId, feed: { track: 'feed', source: { peerId: 'b', userId: b.userId, since: 1_400 } } });
      expect(mainScreenPicture(cutOver)).toMatchObject({ kind: 'feed', peerId: 'b', userId: b.userId, since: 1_400, person: named(b) });
    });

    it('shows our own camera when we are the main user, not the feed', () => {
      expect(mainScreenPicture(input({ mainUserId: me.userId }))).toEqual({ kind: 'self', track: 'my-camera', person: me });
      expect(mainScreenPicture(input({ mainUserId: me.userId, self: { ...me, track: null } }))).toEqual({
        kind: 'placeholder',
        peerId: 'self',
        person: me,
        cameraOff: true,
      });
    });

    it('keeps our own camera while the feed (paused for us) still carries us after the chair chose someone else', () => {
      const feed = { track: null, source: { peerId: 'my-peer', userId: me.userId, since: 900 } };
      expect(mainScreenPicture(input({ mainUserId: b.userId, feed }))).toEqual({ kind: 'self', track: 'my-camera', person: me });
    });

    it('names the floor holder whose device is not listed yet', () => {
      const holder = { userId: 'u-new', displayName: 'Người mới', unit: lacSon };
      const feed = { track: 'feed', source: { peerId: 'new', userId: 'u-new', since: 2_000 } };
      expect(mainScreenPicture(input({ mainUserId: 'u-new', feed, holder }))).toMatchObject({ kind: 'feed', peerId: 'new', person: holder });
      expect(mainScreenPicture(input({ mainUserId: 'u-new', feed }))).toMatchObject({ kind: 'feed', peerId: 'new', person: null });
    });

    it('waits for video, or says the camera is off, when the feed has no picture of anyone', () => {
      const nobody = { track: 'feed', source: { peerId: null, userId: null, since: 3_000 } };
      expect(mainScreenPicture(input({ feed: nobody }))).toEqual({ kind: 'placeholder', peerId: 'a', person: named(a), cameraOff: false });
      const cameraOff = { ...a, camOn: false };
      expect(mainScreenPicture(input({ feed: nobody, peers: [chair, cameraOff, b] }))).toEqual({
        kind: 'placeholder',
        peerId: 'a',
        person: named(a),
        cameraOff: true,
      });
      // The source is known before its consumer exists, or the consumer is paused: no picture yet.
      expect(mainScreenPicture(input({ feed: { track: null, source: { peerId: 'a', userId: a.userId, since: 1_000 } } }))).toMatchObject({
        kind: 'placeholder',
        peerId: 'a',
        cameraOff: false,
      });
      expect(mainScreenPicture(input({ feed: { track: 'feed', source: null } }))).toMatchObject({ kind: 'placeholder', peerId: 'a' });
    });

    it('of a user on several devices, names the one whose camera runs', () => {
      const phone = { ...a, peerId: 'a-phone', camOn: false };
      const laptop = { ...a, peerId: 'a-laptop' };
      const noFeed = { track: null, source: null };
      expect(mainScreenPicture(input({ feed: noFeed, peers: [phone, laptop] }))).toMatchObject({ peerId: 'a-laptop', cameraOff: false });
      expect(mainScreenPicture(input({ feed: noFeed, peers: [phone] }))).toMatchObject({ peerId: 'a-phone', cameraOff: true });
    });

    it('says nobody is on the main screen when nobody is chosen and the feed has no picture', () => {
      expect(mainScreenPicture(input({ mainUserId: null, feed: { track: null, source: null } }))).toEqual({
        kind: 'placeholder',
        peerId: null,
        person: null,
        cameraOff: false,
      });
    });
  });

  it('lets the chair and the floor holder unmute in floor mode, everyone in open discussion', () => {
    expect(maySpeak(state({ speakerUserIds: ['u-chair', 'u-a'] }), 'u-a')).toBe(true);
    expect(maySpeak(state({}), 'u-a')).toBe(false);
    expect(maySpeak(state({ mode: 'open', speakerUserIds: null }), 'u-a')).toBe(true);
    expect(maySpeak(null, 'u-a')).toBe(false);
  });
});
