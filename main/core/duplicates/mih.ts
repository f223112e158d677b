// Near-duplicate candidates by multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in
// Hamming Space with Multi-Index Hashing", CVPR 2012): every 64-bit perceptual hash within
// `maxDistance` bits of a query, without comparing it with every other.
//
// Why it finds every pair (no false negatives): the 64 bits are cut into m disjoint 16-bit
// bands. If two hashes differed by more than s = floor(r / m) bits in *every* band, they would
// differ by at least m·(s + 1) > r bits in total. So any pair within r bits agrees to within s
// bits in at least one band, and probing, in each band's table, every key within s bits of the
// photo's own band value reaches it. Every candidate is then checked on the full 64 bits, so
// nothing beyond r is reported either. test/unit/duplicates/mih.test.ts checks this against a
// brute-force scan.

import { hamming64, parseHash, popcount32, type Hash64 } from '../media/hash.js';

export { hamming64, parseHash, popcount32, type Hash64 };

const BANDS = 4;
const BAND_BITS = 16;


function band(h: Hash64, i: number): number {
  switch (i) {
    case 0:
      return h.hi >>> 16;
    case 1:
      return h.hi & 0xffff;
    case 2:
      return h.lo >>> 16;
    default:
      return h.lo & 0xffff;
  }
}

/** All 16-bit masks with at most `radius` bits set (the probe offsets within one band). */
function probeMasks(radius: number): number[] {
  const masks = [0];
  let frontier = [0];
  for (let r = 1; r <= radius; r++) {
    const next: number[] = [];
    for (const m of frontier) {
      // Set bits above the highest one already set, so each mask is produced once.
      const start = m === 0 ? 0 : 32 - Math.clz32(m);
      for (let b = start; b < BAND_BITS; b++) next.push(m | (1 << b));
    }
    masks.push(...next);
    frontier = next;
  }
  return masks;
}

/**
 * The band tables of a set of hashes, queried with a hash (one of the set, a photo's crop
 * window, its quarter-turned hash): every indexed hash within `maxDistance` of the query is
 * reported, and only those. Cost grows with the candidates the band tables yield — about
 * 4 · C(16, ≤s) · n / 65536 a query for well-spread hashes — not with n.
 */
export class HashIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private tables: { offsets: Uint32Array; items: Uint32Array }[];
  private seen: Int32Array;
  private stamp = 0;

  constructor(hi: Uint32Array, lo: Uint32Array) {
    this.hi = hi;
    this.lo = lo;
    const n = hi.length;
    this.seen = new Int32Array(n).fill(-1);
    this.tables = Array.from({ length: BANDS }, (_, i) => {
      const counts = new Uint32Array(65537);
      const keys = new Uint16Array(n);
      for (let j = 0; j < n; j++) {
        keys[j] = band({ hi: hi[j], lo: lo[j] }, i);
        counts[keys[j] + 1]++;
      }
      for (let k = 1; k <= 65536; k++) counts[k] += counts[k - 1];
      const fill = counts.slice(0, 65536);
      const items = new Uint32Array(n);
      for (let j = 0; j < n; j++) items[fill[keys[j]]++] = j;
      return { offsets: counts, items };
    });
  }

  static of(hashes: readonly Hash64[]): HashIndex {
    return new HashIndex(Uint32Array.from(hashes, (h) => h.hi), Uint32Array.from(hashes, (h) => h.lo));
  }

  /**
   * The indexed hashes within maxDistance of the hash (qhi, qlo): writes index, distance pairs
   * into `out` (room for every indexed hash) and returns how many. No callback or object per
   * query: grouping asks millions of them.
   */
  collect(qhi: number, qlo: number, maxDistance: number, out: Int32Array): number {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 64) {
      throw new RangeError('maxDistance must be an integer from 0 to 64');
    }
    const masks = maskCache(Math.floor(maxDistance / BANDS));
    const stamp = this.stamp++;
    const seen = this.seen;
    const his = this.hi;
    const los = this.lo;
    let found = 0;
    for (let i = 0; i < BANDS; i++) {
      const { offsets, items } = this.tables[i];
      const own = i === 0 ? qhi >>> 16 : i === 1 ? qhi & 0xffff : i === 2 ? qlo >>> 16 : qlo & 0xffff;
      for (let m = 0; m < masks.length; m++) {
        const key = own ^ masks[m];
        const end = offsets[key + 1];
        for (let p = offsets[key]; p < end; p++) {
          const j = items[p];
          if (seen[j] === stamp) continue;
          seen[j] = stamp;
          const d = popcount32((qhi ^ his[j]) >>> 0) + popcount32((qlo ^ los[j]) >>> 0);
          if (d <= maxDistance) {
            out[2 * found] = j;
            out[2 * found + 1] = d;
            found++;
          }
        }
      }
    }
    return found;
  }
}

const MASKS = new Map<number, Int32Array>();
function maskCache(radius: number): Int32Array {
  let m = MASKS.get(radius);
  if (!m) MASKS.set(radius, (m = Int32Array.from(probeMasks(radius))));
  return m;
}
