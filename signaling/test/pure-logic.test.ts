import { describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM, Id, type Unit, type User } from '@ehop/protocol';
import { httpStatusFor } from '../src/http/errors.js';
import { canPublishMedia } from '../src/meetings/meeting-access.js';
import type { StoredMeeting } from '../src/meetings/meeting-repository.js';
import { roleOf } from '../src/meetings/meeting-repository.js';
import { byStartTime, toDetail, toSummary } from '../src/meetings/meeting-views.js';
import { normalizeUsername } from '../src/accounts/user-repository.js';
import { keys, rooms } from '../src/redis/keys.js';
import { kindOfSource, mediaFlags } from '../src/realtime/media-flags.js';
import { SerialQueue } from '../src/realtime/serial-queue.js';

describe('Redis keys and socket.io rooms', () => {
  it('names every record under its own prefix', () => {
    expect(keys.user('u-1')).toBe('user:u-1');
    expect(keys.userMeetings('u-1')).toBe('user:u-1:meetings');
    expect(keys.unit('tinh-hoa-binh')).toBe('unit:tinh-hoa-binh');
    expect(keys.meeting('m-1')).toBe('meeting:m-1');
    expect(keys.meetingPeers('m-1')).toBe('meeting:m-1:peers');
    expect(keys.usernameIndex()).toBe('users:by-username');
    expect(keys.nodeAlive('n1')).toBe('signaling-node:n1:alive');
    expect(rooms.meeting('m-1')).toBe('meeting:m-1');
    expect(rooms.peer('p-1')).toBe('peer:p-1');
  });

  it('cannot be steered into another record: ids the protocol accepts contain no separator', () => {
    expect(Id.safeParse('m-1:peers').success).toBe(false);
    expect(Id.safeParse('../x').success).toBe(false);
    expect(Id.safeParse('Abc_09-z').success).toBe(true);
  });
});

describe('media flags', () => {
  it('turns the mic on only for an unpaused mic producer, the camera likewise', () => {
    expect(mediaFlags([])).toEqual({ micOn: false, camOn: false });
    expect(mediaFlags([{ source: 'mic', paused: false }])).toEqual({ micOn: true, camOn: false });
    expect(mediaFlags([{ source: 'mic', paused: true }])).toEqual({ micOn: false, camOn: false });
    expect(mediaFlags([{ source: 'camera', paused: false }, { source: 'mic', paused: true }])).toEqual({ micOn: false, camOn: true });
    expect(mediaFlags([{ source: 'mic', paused: true }, { source: 'mic', paused: false }])).toEqual({ micOn: true, camOn: false });
  });

  it('maps sources to the only kind they may carry', () => {
    expect(kindOfSource('mic')).toBe('audio');
    expect(kindOfSource('camera')).toBe('video');
  });
});

describe('meeting roles', () => {
  it('lets everyone but observers publish', () => {
    expect(['chair', 'secretary', 'delegate', 'endpoint'].every((role) => canPublishMedia(role as never))).toBe(true);
    expect(canPublishMedia('observer')).toBe(false);
  });
});

const province: Unit = { id: 'tinh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null };
const meeting: StoredMeeting = {
  id: 'm-1',
  title: 'Họp UBND',
  startsAt: '2026-11-27T01:00:00.000Z',
  location: 'Phòng họp',
  status: 'published',
  endedAt: null,
  members: [
    { userId: 'u-1', role: 'chair' },
    { userId: 'u-gone', role: 'delegate' },
  ],
  organizerId: null,
  invitedUnitIds: [],
  quorum: DEFAULT_QUORUM,
};

describe('meeting views', () => {
  it('gives each member their own role and hides the member list from the summary', () => {
    expect(roleOf(meeting, 'u-1')).toBe('chair');
    expect(roleOf(meeting, 'u-stranger')).toBeNull();
    const summary = toSummary(meeting, 'chair');
    expect(summary).toEqual({ id: 'm-1', title: 'Họp UBND', startsAt: meeting.startsAt, location: 'Phòng họp', status: 'published', endedAt: null, myRole: 'chair' });
  });

  it('leaves out members whose account no longer exists', () => {
    const users = new Map<string, User>([['u-1', { id: 'u-1', username: 'a', displayName: 'A', unitId: 'tinh', isAdmin: false, kind: 'person' }]]);
    const detail = toDetail(meeting, 'chair', users, new Map([['tinh', province]]));
    expect(detail.members).toEqual([{ userId: 'u-1', displayName: 'A', role: 'chair', unit: province }]);
  });

  it('sorts meetings by start time, then title', () => {
    const at = (startsAt: string, title: string) => ({ ...toSummary({ ...meeting, startsAt, title }, 'chair') });
    const sorted = [at('2026-11-28T01:00:00.000Z', 'B'), at('2026-11-27T01:00:00.000Z', 'Z'), at('2026-11-28T01:00:00.000Z', 'A')].sort(byStartTime);
    expect(sorted.map((m) => m.title)).toEqual(['Z', 'A', 'B']);
  });
});

describe('small helpers', () => {
  it('maps error codes to HTTP statuses', () => {
    expect(httpStatusFor('invalid_payload')).toBe(400);
    expect(httpStatusFor('unauthenticated')).toBe(401);
    expect(httpStatusFor('forbidden')).toBe(403);
    expect(httpStatusFor('not_found')).toBe(404);
    expect(httpStatusFor('media_unavailable')).toBe(503);
    expect(httpStatusFor('internal')).toBe(500);
  });

  it('normalises usernames for the login index', () => {
    expect(normalizeUsername('  ChuTri ')).toBe('chutri');
  });

  it('runs queued tasks one at a time, in order, even when one fails', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const results = await Promise.allSettled([queue.run(task('a', 30)), queue.run(task('b', 5, true)), queue.run(task('c', 1))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
