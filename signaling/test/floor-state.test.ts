import { describe, expect, it } from 'vitest';
import type { Unit } from '@ehop/protocol';
import {
  closeFloor,
  grantFloor,
  isFloorClosed,
  initialRecord,
  mainUserId,
  myRequest,
  releaseFloor,
  requestFloor,
  setMainScreen,
  setMode,
  speakerUserIds,
  withdrawRequest,
  type ConferenceRecord,
  type Person,
} from '../src/conference/floor-state.js';

const district: Unit = { id: 'huyen-a', name: 'Huyện A', level: 'district', parentId: 'tinh' };
const person = (userId: string): Person => ({ userId, displayName: `Người ${userId}`, unit: district });
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 5, 1, 0, seconds));

function queueOf(record: ConferenceRecord): string[] {
  return record.queue.map((request) => request.userId);
}

describe('the floor queue', () => {
  it('keeps requests in the order they came, and tells each requester their place', () => {
    let record = initialRecord();
    record = requestFloor(record, person('a'), 'speak', null, at(1)).record;
    record = requestFloor(record, person('b'), 'speak', 'item-2', at(2)).record;
    record = requestFloor(record, person('c'), 'speak', null, at(3)).record;
    expect(queueOf(record)).toEqual(['a', 'b', 'c']);
    expect(myRequest(record, 'b')).toEqual({ position: 2, kind: 'speak', agendaItemId: 'item-2', requestedAt: at(2).toISOString() });
    expect(myRequest(record, 'z')).toBeNull();
    expect(record.version).toBe(3);
  });

  it('puts a point of order before every request to speak, after earlier points of order', () => {
    let record = initialRecord();
    record = requestFloor(record, person('a'), 'speak', null, at(1)).record;
    record = requestFloor(record, person('b'), 'point_of_order', null, at(2)).record;
    record = requestFloor(record, person('c'), 'speak', null, at(3)).record;
    record = requestFloor(record, person('d'), 'point_of_order', null, at(4)).record;
    expect(queueOf(record)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('lets a requester turn their request into a point of order without losing their time of asking', () => {
    let record = initialRecord();
    record = requestFloor(record, person('a'), 'speak', null, at(1)).record;
    record = requestFloor(record, person('b'), 'speak', null, at(2)).record;
    record = requestFloor(record, person('b'), 'point_of_order', null, at(9)).record;
    expect(queueOf(record)).toEqual(['b', 'a']);
    expect(record.queue[0]!.requestedAt).toBe(at(2).toISOString());
  });

  it('withdraws a request, and refuses to withdraw one that does not exist', () => {
    let record = requestFloor(initialRecord(), person('a'), 'speak', null, at(1)).record;
    record = withdrawRequest(record, 'a').record;
    expect(record.queue).toEqual([]);
    expect(() => withdrawRequest(record, 'a')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('granting and taking back the floor', () => {
  it('gives the floor to the head of the queue with its agenda item, and switches the main screen to them', () => {
    let record = setMainScreen(initialRecord(), { mode: 'chair' }).record;
    record = requestFloor(record, person('a'), 'speak', 'item-1', at(1)).record;
    record = requestFloor(record, person('b'), 'speak', null, at(2)).record;
    record = grantFloor(record, person('a'), 120, at(10)).record;
    expect(record.holder).toMatchObject({ userId: 'a', agendaItemId: 'item-1', speakingTimeSec: 120, endsAt: at(130).toISOString() });
    expect(queueOf(record)).toEqual(['b']);
    expect(record.mainScreen).toEqual({ mode: 'floor' });
    expect(mainUserId(record, ['chair'])).toBe('a');
    expect(myRequest(record, 'b')?.position).toBe(1);
  });

  it('takes the floor back: logs who spoke on what and for how long, and restores the main screen', () => {
    let record = setMainScreen(initialRecord(), { mode: 'chair' }).record;
    record = requestFloor(record, person('a'), 'point_of_order', 'item-3', at(1)).record;
    record = grantFloor(record, person('a'), null, at(10)).record;
    const { record: released, log } = releaseFloor(record, at(75), 'chair');
    expect(released.holder).toBeNull();
    expect(released.mainScreen).toEqual({ mode: 'chair' });
    expect(mainUserId(released, ['chair'])).toBe('chair');
    expect(log).toEqual({
      userId: 'a',
      displayName: 'Người a',
      unitName: 'Huyện A',
      kind: 'point_of_order',
      agendaItemId: 'item-3',
      grantedAt: at(10).toISOString(),
      releasedAt: at(75).toISOString(),
      durationSec: 65,
      endedBy: 'chair',
    });
  });

  it('logs the previous speaker when the floor goes straight to the next one', () => {
    let record = grantFloor(initialRecord(), person('a'), null, at(0)).record;
    const { record: after, log } = grantFloor(record, person('b'), null, at(30));
    expect(after.holder?.userId).toBe('b');
    expect(log).toMatchObject({ userId: 'a', durationSec: 30, endedBy: 'next_speaker' });
    record = after;
  });

  it('keeps the chair\'s own main-screen choice made during a turn', () => {
    let record = grantFloor(setMainScreen(initialRecord(), { mode: 'chair' }).record, person('a'), null, at(0)).record;
    record = setMainScreen(record, { mode: 'document', documentId: 'doc-1' }).record;
    record = releaseFloor(record, at(5), 'chair').record;
    expect(record.mainScreen).toEqual({ mode: 'document', documentId: 'doc-1' });
    expect(mainUserId(record, ['chair'])).toBeNull();
  });

  it('refuses to release a floor nobody holds, and a holder asking to speak again', () => {
    expect(() => releaseFloor(initialRecord(), at(0), 'chair')).toThrow(expect.objectContaining({ code: 'conflict' }));
    const record = grantFloor(initialRecord(), person('a'), null, at(0)).record;
    expect(() => requestFloor(record, person('a'), 'speak', null, at(1))).toThrow(expect.objectContaining({ code: 'conflict' }));
  });
});

describe('the end of the meeting', () => {
  it('ends the running turn (logged as ended by the meeting), empties the queue and restores the main screen', () => {
    let record = setMainScreen(initialRecord(), { mode: 'chair' }).record;
    record = requestFloor(record, person('a'), 'speak', 'item-1', at(0)).record;
    record = requestFloor(record, person('b'), 'speak', null, at(1)).record;
    record = grantFloor(record, person('a'), 120, at(10)).record;
    expect(isFloorClosed(record)).toBe(false);

    const closed = closeFloor(record, at(50));
    expect(closed.record).toMatchObject({ holder: null, queue: [], mainScreen: { mode: 'chair' }, mainScreenBeforeGrant: null });
    expect(closed.log).toMatchObject({ userId: 'a', agendaItemId: 'item-1', durationSec: 40, endedBy: 'meeting_ended' });
    expect(isFloorClosed(closed.record)).toBe(true);
  });

  it('logs nothing when nobody held the floor', () => {
    const record = requestFloor(initialRecord(), person('b'), 'speak', null, at(1)).record;
    const closed = closeFloor(record, at(5));
    expect(closed.log).toBeUndefined();
    expect(closed.record.queue).toEqual([]);
  });
});

describe('who may speak', () => {
  it('is the chair and the floor holder in floor mode, everyone in open discussion', () => {
    let record = initialRecord();
    expect(speakerUserIds(record, ['chair'])).toEqual(['chair']);
    record = grantFloor(record, person('a'), null, at(0)).record;
    expect(speakerUserIds(record, ['chair'])).toEqual(['chair', 'a']);
    record = setMode(record, 'open').record;
    expect(speakerUserIds(record, ['chair'])).toBeNull();
  });
});
