import { describe, expect, it } from 'vitest';
import { hamming64, HashIndex, parseHash, popcount32, type Hash64 } from '../../../main/core/duplicates/mih.js';
import { hammingDistance } from '../../../main/core/media/hash.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

function flipBits(h: Hash64, bits: number, next: () => number): Hash64 {
  let { hi, lo } = h;
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 64);
  for (const b of chosen) {
    if (b < 32) hi = (hi ^ (1 << b)) >>> 0;
    else lo = (lo ^ (1 << (b - 32))) >>> 0;
  }
  return { hi, lo };
}

function bruteForce(hashes: Hash64[], r: number): Set<string> {
  const out = new Set<string>();
  for (let a = 0; a < hashes.length; a++) {
    for (let b = a + 1; b < hashes.length; b++) if (hamming64(hashes[a], hashes[b]) <= r) out.add(`${a}-${b}`);
  }
  return out;
}

/** Random hashes, planted near copies at every distance up to 16, and clumps sharing bands. */
function makeSet(seed: number, n: number): Hash64[] {
  const next = rng(seed);
  const hashes: Hash64[] = [];
  for (let i = 0; i < n; i++) hashes.push({ hi: next(), lo: next() });
  for (let i = 0; i < 400; i++) hashes.push(flipBits(hashes[i], i % 17, next));
  // Real pHashes are not uniform: many share whole bands. A clump with identical top bands.
  for (let i = 0; i < 200; i++) hashes.push({ hi: (0xabcd0000 | (next() & 0xffff)) >>> 0, lo: next() & 0xff00ff00 });
  return hashes;
}

describe('multi-index hashing', () => {
  it('counts bits like the store’s hammingDistance', () => {
    const next = rng(3);
    for (let i = 0; i < 200; i++) {
      const a = { hi: next(), lo: next() };
      const b = { hi: next(), lo: next() };
      const hex = (h: Hash64) => h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
      expect(hamming64(a, b)).toBe(hammingDistance(hex(a), hex(b)));
      expect(parseHash(hex(a))).toEqual(a);
    }
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0)).toBe(0);
  });

  // 6 and 8 are the app's radii (crop windows, full pictures); 0–2 leave bands unprobed.
  const RADII = [0, 1, 2, 3, 4, 6, 7, 8, 10, 12, 15];
  // Four 16-bit bands (small tables) and three of 21–22 bits (big ones), each on the same sets.
  it.each([...RADII.map((r) => [r, 4] as const), ...RADII.map((r) => [r, 3] as const)])('finds exactly the pairs a brute-force scan finds within %i bits (%i bands)', (r, bands) => {
    const hashes = makeSet(11 + r, 1500);
    const expected = bruteForce(hashes, r);
    // Every hash asks the index of all of them; each pair kept from its lower side.
    const index = HashIndex.of(hashes, bands);
    const out = new Int32Array(2 * hashes.length);
    const found: { a: number; b: number; distance: number }[] = [];
    hashes.forEach((h, a) => {
      const n = index.collect(h.hi, h.lo, r, out);
      for (let k = 0; k < n; k++) if (out[2 * k] > a) found.push({ a, b: out[2 * k], distance: out[2 * k + 1] });
    });
    const got = new Set(found.map((p) => `${p.a}-${p.b}`));
    // No pair twice, every pair within r with its true distance, and none missing.
    expect(got.size).toBe(found.length);
    for (const p of found) expect(p.distance).toBe(hamming64(hashes[p.a], hashes[p.b]));
    expect([...got].sort()).toEqual([...expected].sort());
    // The planted pairs make sure there is something to find at every radius.
    expect(expected.size).toBeGreaterThan(r <= 1 ? 20 : 50);
  });

  it.each([0, 2, 6, 8, 12].flatMap((r) => [[r, 4] as const, [r, 3] as const]))('join reports the pairs collect finds query by query, each once, within %i bits (%i bands)', (r, bands) => {
    const indexed = makeSet(31 + r, 1200);
    // Queries: other hashes, some planted near indexed ones (as crop windows are).
    const next = rng(77 + r);
    const queries: Hash64[] = [];
    for (let i = 0; i < 900; i++) queries.push(i % 3 ? { hi: next(), lo: next() } : flipBits(indexed[next() % indexed.length], i % 13, next));
    const index = HashIndex.of(indexed, bands);
    const out = new Int32Array(2 * indexed.length);
    const want: string[] = [];
    queries.forEach((q, k) => {
      const n = index.collect(q.hi, q.lo, r, out);
      for (let h = 0; h < n; h++) want.push(`${k}-${out[2 * h]}:${out[2 * h + 1]}`);
    });
    const got: string[] = [];
    index.join(Uint32Array.from(queries, (q) => q.hi), Uint32Array.from(queries, (q) => q.lo), r, (k, item, d) => got.push(`${k}-${item}:${d}`));
    expect(want.length).toBeGreaterThan(r === 0 ? 10 : 50);
    expect(got.sort()).toEqual(want.sort());
    // A table filed under every key within the radius answers the same, at that radius only.
    const expanded = new HashIndex(Uint32Array.from(indexed, (h) => h.hi), Uint32Array.from(indexed, (h) => h.lo), bands, r);
    const viaExpanded: string[] = [];
    expanded.join(Uint32Array.from(queries, (q) => q.hi), Uint32Array.from(queries, (q) => q.lo), r, (k, item, d) => viaExpanded.push(`${k}-${item}:${d}`));
    expect(viaExpanded.sort()).toEqual(want.sort());
    expect(() => expanded.collect(0, 0, r + 1, out)).toThrow(RangeError);
  });

  it('rejects a radius outside 0..64', () => {
    const index = HashIndex.of([]);
    const out = new Int32Array(0);
    expect(() => index.collect(0, 0, -1, out)).toThrow(RangeError);
    expect(() => index.collect(0, 0, 65, out)).toThrow(RangeError);
  });
});
