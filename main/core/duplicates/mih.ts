// Near-duplicate candidates by multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in
// Hamming Space with Multi-Index Hashing", CVPR 2012): every 64-bit perceptual hash within
// `maxDistance` bits of a query, without comparing it with every other.
//
// Why it finds every pair (no false negatives): the 64 bits are cut into m disjoint bands (four
// of 16 bits, or three of 21–22 bits for big tables, see Layout), and band i is probed within s_i bits, the s_i chosen so that Σ (s_i + 1) > r. If two
// hashes differed by more than s_i bits in *every* band i, they would differ by at least
// Σ (s_i + 1) > r bits in total. So any pair within r bits agrees to within s_i bits in at least
// one band i, and probing, in that band's table, every key within s_i bits of the query's own
// band value reaches it. (Norouzi et al. use s = floor(r / m) in every band; spreading
// Σ (s_i + 1) = r + 1 as evenly as possible is just as exact with far fewer probes: for r = 8,
// (2, 1, 1, 1) probes 188 keys where (2, 2, 2, 2) probes 548.) Every candidate is then checked on
// the full 64 bits, so nothing beyond r is reported either. test/unit/duplicates/mih.test.ts
// checks this against a brute-force scan.

import { hamming64, parseHash, popcount32, type Hash64 } from '../media/hash.js';

export { hamming64, parseHash, popcount32, type Hash64 };

/**
 * How the 64 bits are cut. The paper's rule of thumb is m ≈ 64 / log2(n) bands: a band as wide
 * as the table is long leaves about one hash per key. Four 16-bit bands suit up to a few hundred
 * thousand hashes; past that, every key holds many hashes that are then checked for nothing
 * (the crop windows of 25,000 photos are two million hashes), and three bands of 21–22 bits
 * cut those checks by about six while probing more keys.
 */
interface Layout {
  /** Band widths in bits, from the most significant end of (hi, lo). */
  widths: readonly number[];
  /** Each band's first bit, counted from the most significant. */
  starts: readonly number[];
}

const FOUR: Layout = { widths: [16, 16, 16, 16], starts: [0, 16, 32, 48] };
const THREE: Layout = { widths: [21, 21, 22], starts: [0, 21, 42] };

/** Tables of more hashes than this use three bands. */
const FOUR_BANDS_UP_TO = 1 << 19;

/** Bits [start, start + width) of the 64-bit hash (hi, lo), most significant first. */
function bandBits(hi: number, lo: number, start: number, width: number): number {
  const end = start + width;
  if (end <= 32) return (hi >>> (32 - end)) & ((1 << width) - 1);
  if (start >= 32) return (lo >>> (64 - end)) & ((1 << width) - 1);
  const highBits = 32 - start;
  return ((hi & ((1 << highBits) - 1)) << (end - 32)) | (lo >>> (64 - end));
}

/** All `width`-bit masks with at most `radius` bits set (the probe offsets within one band). */
function probeMasks(width: number, radius: number): number[] {
  const masks = [0];
  let frontier = [0];
  for (let r = 1; r <= radius; r++) {
    const next: number[] = [];
    for (const m of frontier) {
      // Set bits above the highest one already set, so each mask is produced once.
      const start = m === 0 ? 0 : 32 - Math.clz32(m);
      for (let b = start; b < width; b++) next.push(m | (1 << b));
    }
    masks.push(...next);
    frontier = next;
  }
  return masks;
}

/**
 * How far each band is probed for radius r: s_i with Σ (s_i + 1) = r + 1 spread as evenly as the
 * bands allow (−1: that band is not probed at all, for r smaller than the bands).
 */
export function bandRadii(r: number, bands = 4): number[] {
  const q = Math.floor((r + 1) / bands);
  const extra = (r + 1) % bands;
  return Array.from({ length: bands }, (_, i) => (i < extra ? q : q - 1));
}

/**
 * The band tables of a set of hashes, queried with a hash (one of the set, a photo's crop
 * window, its quarter-turned hash): every indexed hash within `maxDistance` of the query is
 * reported, once, and only those. Each table keeps a copy of every hash beside its index, in
 * band order, so a probe reads one run of memory instead of jumping to each candidate's hash.
 * Cost grows with the candidates the band tables yield — about Σ C(w, ≤ s_i) · n / 2^w a query
 * for well-spread hashes — and with the keys probed, not with n.
 */
export class HashIndex {
  private layout: Layout;
  /** Per band: where each key's run starts (2^width + 1 entries) and the runs of (index, hi, lo). */
  private tables: { offsets: Uint32Array; entries: Uint32Array }[];

  /**
   * Set when every hash was filed under every key within its band's radius for this distance
   * (see `expandedFor` in the constructor): a query then probes its own keys only.
   */
  private expandedFor: number | null;

  /**
   * `bands`: the layout, else chosen by the number of hashes (tests pass it to try both on
   * small sets). `expandedFor`: file each hash under every key a query within that distance
   * would probe, so queries at that distance probe one key a band instead of Σ C(w, ≤ s_i):
   * for a small table asked by many queries (the few contents added since the last review,
   * asked by every crop window of the library), the probes move from the many to the few.
   */
  constructor(hi: Uint32Array, lo: Uint32Array, bands?: 3 | 4, expandedFor?: number) {
    const n = hi.length;
    this.layout = (bands ?? (n > FOUR_BANDS_UP_TO ? 3 : 4)) === 3 ? THREE : FOUR;
    this.expandedFor = expandedFor ?? null;
    const { widths, starts } = this.layout;
    const radii = expandedFor === undefined ? null : bandRadii(expandedFor, widths.length);
    this.tables = widths.map((width, i) => {
      const size = 2 ** width;
      const masks = radii ? (radii[i] < 0 ? new Int32Array(0) : maskCache(width, Math.min(radii[i], width))) : ZERO_MASK;
      const counts = new Uint32Array(size + 1);
      const keys = new Uint32Array(n);
      for (let j = 0; j < n; j++) {
        keys[j] = bandBits(hi[j], lo[j], starts[i], width);
        for (let m = 0; m < masks.length; m++) counts[(keys[j] ^ masks[m]) + 1]++;
      }
      for (let k = 1; k <= size; k++) counts[k] += counts[k - 1];
      const fill = counts.slice(0, size);
      const entries = new Uint32Array(3 * n * masks.length);
      for (let j = 0; j < n; j++) {
        for (let m = 0; m < masks.length; m++) {
          const at = 3 * fill[keys[j] ^ masks[m]]++;
          entries[at] = j;
          entries[at + 1] = hi[j];
          entries[at + 2] = lo[j];
        }
      }
      return { offsets: counts, entries };
    });
  }

  static of(hashes: readonly Hash64[], bands?: 3 | 4): HashIndex {
    return new HashIndex(Uint32Array.from(hashes, (h) => h.hi), Uint32Array.from(hashes, (h) => h.lo), bands);
  }

  /**
   * The indexed hashes within maxDistance of the hash (qhi, qlo): writes index, distance pairs
   * into `out` (room for every indexed hash) and returns how many. No callback or object per
   * query: grouping asks millions of them.
   */
  collect(qhi: number, qlo: number, maxDistance: number, out: Int32Array): number {
    let found = 0;
    this.join(Uint32Array.of(qhi >>> 0), Uint32Array.of(qlo >>> 0), maxDistance, (_q, item, d) => {
      out[2 * found] = item;
      out[2 * found + 1] = d;
      found++;
    });
    return found;
  }

  /**
   * Every (query, indexed hash) pair within maxDistance, each reported once through `emit`:
   * the pairs collect() finds query by query, found band by band over the queries sorted by
   * their band value, so consecutive queries probe the same runs of the table while they are
   * in cache. Probing query by query, every probe was a cache miss: 3 µs a query at 100k hashes.
   */
  join(qhi: Uint32Array, qlo: Uint32Array, maxDistance: number, emit: (query: number, item: number, distance: number) => void): void {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 64) {
      throw new RangeError('maxDistance must be an integer from 0 to 64');
    }
    if (this.expandedFor !== null && this.expandedFor !== maxDistance) {
      throw new RangeError(`this table answers maxDistance ${this.expandedFor} only (expanded for it)`);
    }
    const { widths, starts } = this.layout;
    const radii = bandRadii(maxDistance, widths.length);
    const nq = qhi.length;
    const order = new Uint32Array(nq);
    const own = new Uint32Array(nq);
    for (let i = 0; i < widths.length; i++) {
      if (radii[i] < 0) continue;
      const width = widths[i];
      const masks = this.expandedFor === maxDistance ? ZERO_MASK : maskCache(width, Math.min(radii[i], width));
      const { offsets, entries } = this.tables[i];
      for (let q = 0; q < nq; q++) own[q] = bandBits(qhi[q], qlo[q], starts[i], width);
      // A table that fits in cache is probed in the queries' own order: sorting them would only
      // scatter the reads of the queries' words (the 8 million windows of a 100k library asking
      // the 1,000 contents added since: 2.9 s sorted, 1.1 s in order).
      if (entries.length <= IN_CACHE_WORDS) for (let q = 0; q < nq; q++) order[q] = q;
      else sortByKey(own, order, width);
      for (let o = 0; o < nq; o++) {
        const q = order[o];
        const h = qhi[q];
        const l = qlo[q];
        const key0 = own[q];
        for (let m = 0; m < masks.length; m++) {
          const key = key0 ^ masks[m];
          const end = 3 * offsets[key + 1];
          for (let p = 3 * offsets[key]; p < end; p += 3) {
            const xh = (h ^ entries[p + 1]) >>> 0;
            // Most candidates are far already in their first word.
            const dh = popcount32(xh);
            if (dh > maxDistance) continue;
            const xl = (l ^ entries[p + 2]) >>> 0;
            const d = dh + popcount32(xl);
            if (d > maxDistance) continue;
            // Reported once: by the first band whose probes reach it (an earlier one may have).
            if (i > 0 && reachedBefore(i, xh, xl, radii, this.layout)) continue;
            emit(q, entries[p], d);
          }
        }
      }
    }
  }
}

/** `order` ← the queries by key (a counting sort; a single query needs none). */
function sortByKey(keys: Uint32Array, order: Uint32Array, width: number): void {
  const n = keys.length;
  if (n < 2) {
    if (n) order[0] = 0;
    return;
  }
  const counts = new Uint32Array(2 ** width + 1);
  for (let q = 0; q < n; q++) counts[keys[q] + 1]++;
  for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
  for (let q = 0; q < n; q++) order[counts[keys[q]]++] = q;
}

/** Whether a band before `band` is within its radius of the query for this difference (xh, xl). */
function reachedBefore(band: number, xh: number, xl: number, radii: readonly number[], layout: Layout): boolean {
  for (let k = 0; k < band; k++) {
    if (popcount32(bandBits(xh, xl, layout.starts[k], layout.widths[k])) <= radii[k]) return true;
  }
  return false;
}

const ZERO_MASK = Int32Array.of(0);

/** A band table of up to this many words (3 an entry, ~0.5 MB) is read from cache, in any order. */
const IN_CACHE_WORDS = 3 << 17;
const MASKS = new Map<string, Int32Array>();
function maskCache(width: number, radius: number): Int32Array {
  const key = `${width}:${radius}`;
  let m = MASKS.get(key);
  if (!m) MASKS.set(key, (m = Int32Array.from(probeMasks(width, radius))));
  return m;
}
