import { describe, it, expect } from 'vitest';
import { fuse, RRF_K } from '../../../main/core/search/fusion.js';
import type { ViewHit } from '../../../main/core/search/views/types.js';

const hit = (photoId: number, rank: number, weight = 1): ViewHit => ({ photoId, rank, score: 0, weight });

describe('reciprocal-rank fusion', () => {
  it('a photo several views agree on ranks above the top hit of a single view', () => {
    const fused = fuse({
      image: [hit(2, 1), hit(1, 2), hit(4, 3)],
      ocr: [hit(3, 1, 0.5), hit(1, 2, 0.5)],
    });
    expect(fused.map((f) => f.photoId)).toEqual([1, 2, 4, 3]);
    expect(fused[0].views).toEqual(['image', 'ocr']);
    expect(fused[1].views).toEqual(['image']);
  });
  it('scores the top hit of one view as 1', () => {
    expect(fuse({ metadata: [hit(9, 1)] })[0].score).toBe(1);
    expect(fuse({ image: [hit(9, 1)], ocr: [hit(9, 1)] })[0].score).toBe(2);
    expect(fuse({ image: [hit(9, 2)] })[0].score).toBeCloseTo((RRF_K + 1) / (RRF_K + 2));
  });
  it('weights lexical hits by the share of the query they explain', () => {
    const fused = fuse({ ocr: [hit(1, 1, 0.5), hit(2, 2, 1)] });
    expect(fused.map((f) => f.photoId)).toEqual([2, 1]);
  });
  it('returns only photos some view returned, in a stable order', () => {
    expect(fuse({})).toEqual([]);
    expect(fuse({ image: [hit(5, 1), hit(3, 1)] }).map((f) => f.photoId)).toEqual([3, 5]);
  });
});
