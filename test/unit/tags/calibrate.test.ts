import { describe, expect, it } from 'vitest';
import { assignTags, MAX_TAGS, type TagMatrix } from '../../../main/core/tags/calibrate.js';

function unit(v: number[]): Float32Array {
  const n = Math.hypot(...v);
  return Float32Array.from(v.map((x) => x / n));
}

function matrix(rows: number[][], background: number[] | null = null): TagMatrix {
  const dim = rows[0].length;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(unit(r), i * dim));
  return { data, count: rows.length, dim, background: background ? unit(background) : null };
}

const eye = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

describe('tag calibration (softmax over the vocabulary at the model’s logit scale)', () => {
  it('gives a clear match its tag and nothing else', () => {
    const got = assignTags(unit([1, 0, 0, 0, 0, 0]), matrix(eye(6)));
    expect(got).toHaveLength(1);
    expect(got[0].index).toBe(0);
    expect(got[0].probability).toBeGreaterThan(0.99);
  });

  it('gives both tags to a photo halfway between two, and none to one that matches all equally', () => {
    const orange = assignTags(unit([1, 0, 0, 1, 0, 0]), matrix(eye(6)));
    expect(orange.map((t) => t.index).sort()).toEqual([0, 3]);
    // A grey photo: the same cosine with every tag → uniform probabilities → below the floor.
    expect(assignTags(unit([1, 1, 1, 1, 1, 1]), matrix(eye(6)))).toEqual([]);
  });

  it('lets the background class take a photo that matches no tag better than a generic caption', () => {
    // The photo is closest to the background prompt; the nearest tag is still fairly close.
    const m = matrix([[1, 0, 0], [0, 1, 0]], [0.2, 0.1, 1]);
    expect(assignTags(unit([0.3, 0.1, 1]), m)).toEqual([]);
    // Without the background class the same photo would be forced onto tag 0.
    expect(assignTags(unit([0.3, 0.1, 1]), matrix([[1, 0, 0], [0, 1, 0]]))[0].index).toBe(0);
  });

  it('is not a fixed cosine cut: the same relative margins give the same tags at any cosine level', () => {
    // Model A scores 0.30 vs 0.20, model B 0.90 vs 0.80: same gap, same decision.
    const low = matrix([[0.3, Math.sqrt(1 - 0.09)], [0.2, Math.sqrt(1 - 0.04)]]);
    const high = matrix([[0.9, Math.sqrt(1 - 0.81)], [0.8, Math.sqrt(1 - 0.64)]]);
    const a = assignTags(unit([1, 0]), low);
    const b = assignTags(unit([1, 0]), high);
    expect(a.map((t) => t.index)).toEqual(b.map((t) => t.index));
    expect(a[0].index).toBe(0);
  });

  it(`keeps at most ${MAX_TAGS} tags, best first`, () => {
    const rows = eye(12).map((r, i) => (i < 8 ? r.map((x, j) => (j === 0 ? 1 : x * 0.01)) : r));
    const got = assignTags(unit([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), matrix(rows));
    expect(got.length).toBeLessThanOrEqual(MAX_TAGS);
    for (let i = 1; i < got.length; i++) expect(got[i - 1].probability).toBeGreaterThanOrEqual(got[i].probability);
  });
});
