// KeyCursor (store/near-hashes.ts): where a page's keys stand in the caller's sorted keys, by a
// merge while pages come in order, and still right when one does not.
import { describe, expect, it } from 'vitest';
import { KeyCursor } from '../../../main/core/store/near-hashes.js';

const keys = ['b', 'd', 'f', 'h', 'j'];

describe('KeyCursor', () => {
  it('finds keys handed in order, and -1 for keys the caller does not hold', () => {
    const c = new KeyCursor(keys);
    expect(['a', 'b', 'c', 'd', 'h', 'i', 'j', 'k'].map((k) => c.position(k))).toEqual([-1, 0, -1, 1, 3, -1, 4, -1]);
  });

  it('finds keys handed out of order too', () => {
    const c = new KeyCursor(keys);
    expect(['j', 'b', 'h', 'd', 'e', 'f', 'b'].map((k) => c.position(k))).toEqual([4, 0, 3, 1, -1, 2, 0]);
  });
});
