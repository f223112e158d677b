// The batched neighbour scan (similar shots over a whole library): on clustered vectors like a
// photo library's (topics, bursts, near copies; test/bench/scale/vectors.ts), it finds nearly
// every pair a plain all-pairs loop over the float vectors finds, reports no pair below the
// floor, and only the rows asked for.
import { describe, expect, it } from 'vitest';
import { allNeighbours, type CodesView } from '../../../main/core/knn/batch.js';
import { cosine, encodeInt8, normalizeInto } from '../../../main/core/knn/codes.js';
import { CodeArena } from '../../../main/core/knn/kernels.js';
import { embeddingWorld } from '../../bench/scale/vectors.js';

const DIM = 128;
const N = 4000;
const FLOOR = 0.88;

function library(): { view: CodesView; vectors: Float32Array[] } {
  const world = embeddingWorld(11, DIM, 40);
  const vectors = Array.from({ length: N }, () => world.nextImage());
  const arena = new CodeArena(N, DIM);
  const factors = new Float32Array(N);
  const unit = new Float32Array(DIM);
  for (const [i, v] of vectors.entries()) {
    normalizeInto(v, unit);
    factors[i] = encodeInt8(unit, arena.codes, i * arena.dimPad);
  }
  const eids = Int32Array.from({ length: N }, (_, i) => 1000 + i);
  const alive = new Uint8Array(N).fill(1);
  alive[7] = 0; // a deleted row is never reported nor returned
  return { view: { n: N, dim: DIM, arena, factors, eids, alive }, vectors };
}

describe('allNeighbours', () => {
  const { view, vectors } = library();
  // The oracle: every pair of live rows, exact float cosine, clearly above the floor (within
  // the int8 codes' error of it, a pair may fall either side).
  const truth = new Map<number, Map<number, number>>();
  for (let i = 0; i < N; i++) {
    if (!view.alive[i]) continue;
    for (let j = i + 1; j < N; j++) {
      if (!view.alive[j]) continue;
      const s = cosine(vectors[i], vectors[j]);
      if (s < FLOOR + 0.01) continue;
      (truth.get(i) ?? truth.set(i, new Map()).get(i)!).set(j, s);
      (truth.get(j) ?? truth.set(j, new Map()).get(j)!).set(i, s);
    }
  }

  it('finds at least 95 % of the pairs above the floor, each with its cosine', async () => {
    const got = new Map<number, { eid: number; score: number }[]>();
    const reported = await allNeighbours(view, 1000, FLOOR, (eid, hits) => got.set(eid - 1000, hits));
    expect(reported).toBe(N - 1);
    expect(got.has(7)).toBe(false);
    let wanted = 0;
    let found = 0;
    for (const [i, mates] of truth) {
      const hits = new Map(got.get(i)!.map((h) => [h.eid - 1000, h.score]));
      for (const j of mates.keys()) {
        wanted++;
        if (hits.has(j)) found++;
      }
    }
    // Bursts of up to 20 shots make thousands of pairs: the test is not vacuous.
    expect(wanted).toBeGreaterThan(5000);
    expect(found / wanted).toBeGreaterThanOrEqual(0.95);
    // Every reported hit: another live row, above the floor, at its cosine, best first.
    let hits = 0;
    const wrong: string[] = [];
    for (const [i, list] of got) {
      for (const [at, h] of list.entries()) {
        hits++;
        const j = h.eid - 1000;
        const s = cosine(vectors[i], vectors[j]);
        if (j === i || j === 7 || h.score < FLOOR || Math.abs(h.score - s) >= 0.01 || (at > 0 && list[at - 1].score < h.score)) {
          wrong.push(`${i}→${j} ${h.score} (cosine ${s})`);
        }
      }
    }
    expect(hits).toBeGreaterThanOrEqual(found);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('keeps the k best of each row and reports only the rows asked for', async () => {
    const asked = new Set([1000, 1001, 2500, 3999]);
    const got = new Map<number, { eid: number; score: number }[]>();
    await allNeighbours(view, 3, FLOOR, (eid, hits) => got.set(eid, hits), { only: (eid) => asked.has(eid) });
    expect([...got.keys()].sort()).toEqual([...asked].sort());
    for (const [eid, hits] of got) {
      const mates = [...(truth.get(eid - 1000)?.values() ?? [])].sort((a, b) => b - a);
      expect(hits.length).toBeLessThanOrEqual(3);
      // The best mate, when there is one, is found.
      if (mates.length) expect(hits[0].score).toBeCloseTo(mates[0], 2);
    }
  });
});
