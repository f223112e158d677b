import { describe, expect, it } from 'vitest';
import { rotateHash } from '../../../main/core/media/near-hash.js';
import { nearEdges } from '../../../main/core/duplicates/near.js';

const A = 'f0e1d2c3b4a59687';
const flip = (hex: string, nibble: number) => hex.slice(0, nibble) + ((parseInt(hex[nibble], 16) ^ 1).toString(16)) + hex.slice(nibble + 1);
const t = { full: 8, window: 6, legacy: 10 };

describe('near pairs from the hashes', () => {
  it('pairs a quarter-turned copy, a crop (through a window) and an old row by its pHash', () => {
    const items = [
      { full: A, windows: ['0123456789abcdef'], legacy: null },
      { full: rotateHash(A, 1), windows: [], legacy: null }, // pixels turned
      { full: flip('0123456789abcdef', 3), windows: [], legacy: null }, // a crop of item 0
      { full: '5555aaaa5555aaaa', windows: [], legacy: null }, // unrelated
      { full: null, windows: null, legacy: A }, // indexed before the new hashes; its pHash
      { full: A, windows: [], legacy: flip(A, 0) }, // pHash close to item 4
    ];
    const edges = nearEdges(items, t).map((e) => `${e.a}-${e.b}:${e.turns}:${e.cropped}`).sort();
    expect(edges).toEqual(['0-1:1:false', '0-2:0:true', '0-5:0:false', '1-5:3:false', '4-5:0:false'].sort());
  });
});
