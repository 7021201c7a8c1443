import { ClientOfflineError, SocketClosedUnexpectedlyError } from 'redis';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runNowOrWhenStored } from '../src/redis/retry-while-down.js';
import { asRequestError, isStorageFailure } from '../src/redis/storage-failure.js';

const logger = pino({ level: 'silent' });

describe('storage failures', () => {
  it('are the errors of an unreachable Redis, not those of a wrong command', () => {
    expect(isStorageFailure(new ClientOfflineError())).toBe(true);
    expect(isStorageFailure(new SocketClosedUnexpectedlyError())).toBe(true);
    expect(isStorageFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStorageFailure(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(asRequestError(new ClientOfflineError())).toMatchObject({ code: 'storage_unavailable' });
    const other = new Error('bug');
    expect(asRequestError(other)).toBe(other);
  });
});

describe('background writes while Redis is down', () => {
  afterEach(() => vi.useRealTimers());

  it('go through once Redis is back, without holding up their caller', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const task = vi.fn(async () => {
      calls++;
      if (calls < 3) throw new ClientOfflineError();
    });
    await runNowOrWhenStored(task, logger, 'test write');
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).toHaveBeenCalledTimes(3);
  });

  it('fail as usual for anything but an outage', async () => {
    await expect(runNowOrWhenStored(async () => Promise.reject(new Error('bug')), logger, 'test write')).rejects.toThrow('bug');
  });
});
