import { describe, expect, it } from 'vitest';
import {
  planSubscriptions,
  type PublishedTrack,
  type Subscriber,
  type SubscriptionRule,
} from '../src/media/subscription-policy.js';

const alice = { peerId: 'alice', ready: true } satisfies Subscriber;
const bob = { peerId: 'bob', ready: true } satisfies Subscriber;
const carol = { peerId: 'carol', ready: false } satisfies Subscriber;

const aliceMic: PublishedTrack = { producerId: 'p-alice-mic', peerId: 'alice', kind: 'audio', source: 'mic' };
const aliceCam: PublishedTrack = { producerId: 'p-alice-cam', peerId: 'alice', kind: 'video', source: 'camera' };
const bobCam: PublishedTrack = { producerId: 'p-bob-cam', peerId: 'bob', kind: 'video', source: 'camera' };

describe('planSubscriptions with the default rule (everyone receives everyone else)', () => {
  it('gives a ready peer every track of the others and none of its own', () => {
    const plan = planSubscriptions([alice, bob], [aliceMic, aliceCam, bobCam], []);
    expect(plan.open).toEqual(
      expect.arrayContaining([
        { subscriberId: 'bob', producerId: 'p-alice-mic' },
        { subscriberId: 'bob', producerId: 'p-alice-cam' },
        { subscriberId: 'alice', producerId: 'p-bob-cam' },
      ]),
    );
    expect(plan.open).toHaveLength(3);
    expect(plan.close).toEqual([]);
  });

  it('gives nothing to a peer that is not ready yet', () => {
    const plan = planSubscriptions([carol], [aliceMic, bobCam], []);
    expect(plan.open).toEqual([]);
  });

  it('opens only what is missing', () => {
    const plan = planSubscriptions([alice, bob], [aliceMic, aliceCam], [{ subscriberId: 'bob', producerId: 'p-alice-mic' }]);
    expect(plan.open).toEqual([{ subscriberId: 'bob', producerId: 'p-alice-cam' }]);
    expect(plan.close).toEqual([]);
  });

  it('closes subscriptions to tracks that are gone', () => {
    const plan = planSubscriptions([bob], [aliceMic], [
      { subscriberId: 'bob', producerId: 'p-alice-mic' },
      { subscriberId: 'bob', producerId: 'p-alice-cam' },
    ]);
    expect(plan.close).toEqual([{ subscriberId: 'bob', producerId: 'p-alice-cam' }]);
    expect(plan.open).toEqual([]);
  });
});

describe('planSubscriptions with another rule', () => {
  it('applies the rule, so a floor-control policy can replace the default', () => {
    const audioOnly: SubscriptionRule = (subscriber, track) => track.peerId !== subscriber.peerId && track.kind === 'audio';
    const plan = planSubscriptions([bob], [aliceMic, aliceCam], [{ subscriberId: 'bob', producerId: 'p-alice-cam' }], audioOnly);
    expect(plan.open).toEqual([{ subscriberId: 'bob', producerId: 'p-alice-mic' }]);
    expect(plan.close).toEqual([{ subscriberId: 'bob', producerId: 'p-alice-cam' }]);
  });
});
