import { describe, expect, it } from 'vitest';
import { OwnershipIndex } from '../src/media/ownership.js';

describe('OwnershipIndex.refusal', () => {
  it('says forbidden when another peer owns the object', () => {
    const index = new OwnershipIndex();
    index.claim('consumer-1', 'bob');
    expect(index.refusal('consumer', 'consumer-1', 'alice')).toMatchObject({ code: 'forbidden' });
  });

  it('says not_found for an unknown or released object', () => {
    const index = new OwnershipIndex();
    index.claim('consumer-1', 'bob');
    index.release('consumer-1');
    expect(index.refusal('consumer', 'consumer-1', 'alice')).toMatchObject({ code: 'not_found' });
    expect(index.refusal('transport', 'nope', 'alice')).toMatchObject({ code: 'not_found' });
  });
});
