import { describe, expect, it } from 'vitest';
import { rotateHash } from '../../../main/core/media/near-hash.js';
import { hashEdges, nearEdges, nearInput, type NearEdge } from '../../../main/core/duplicates/near.js';

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

describe('near pairs against a brute-force scan', () => {
  it('finds the same edges (distance, turn, window) as comparing every hash with every other', async () => {
    const { hammingDistance } = await import('../../../main/core/media/hash.js');
    let s = 99;
    const r = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
    const randomHex = () => Array.from({ length: 16 }, () => Math.floor(r() * 16).toString(16)).join('');
    const flipBits = (hex: string, k: number) => {
      let h = hex;
      for (let i = 0; i < k; i++) h = flip(h, Math.floor(r() * 16));
      return h;
    };
    type Item = { full: string | null; windows: string[] | null; legacy: string | null };
    const items: Item[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = i < 20 ? 'random' : Math.floor(r() * 5);
      const base = items[Math.floor(r() * Math.max(1, items.length))];
      let full = randomHex();
      if (base?.full && kind === 0) full = flipBits(rotateHash(base.full, 1 + Math.floor(r() * 3)), Math.floor(r() * 4)); // turned copy
      if (base?.windows && kind === 1) full = flipBits(base.windows[Math.floor(r() * base.windows.length)], Math.floor(r() * 4)); // crop
      if (base?.full && kind === 2) full = flipBits(base.full, Math.floor(r() * 10)); // re-encode, maybe too far
      const windows = Array.from({ length: 12 }, () => flipBits(full, 2 + Math.floor(r() * 6)));
      const old = kind === 3;
      items.push({ full: old ? null : full, windows: old ? null : windows, legacy: old || r() < 0.3 ? flipBits(full, Math.floor(r() * 3)) : null });
    }
    const want = new Map<string, string>();
    const keep = (a: number, b: number, d: number, turns: number, cropped: boolean, w = -1) => {
      if (a === b) return;
      const [x, y] = a < b ? [a, b] : [b, a];
      const old = want.get(`${x}-${y}`);
      if (old && Number(old.split(':')[0]) <= d) return;
      want.set(`${x}-${y}`, `${d}:${turns}:${cropped}:${w >= 0 ? (a === x ? 'a' : 'b') + w : ''}`);
    };
    items.forEach((it, i) => {
      if (!it.full) return;
      for (let turns = 0; turns < 4; turns++) {
        const q = turns ? rotateHash(it.full, turns) : it.full;
        items.forEach((o, j) => o.full && hammingDistance(q, o.full) <= t.full && keep(i, j, hammingDistance(q, o.full), turns, false));
      }
      it.windows!.forEach((w, k) => items.forEach((o, j) => o.full && hammingDistance(w, o.full) <= t.window && keep(i, j, hammingDistance(w, o.full), 0, true, k)));
    });
    items.forEach((it, i) => {
      if (it.full || !it.legacy) return;
      items.forEach((o, j) => o.legacy && hammingDistance(it.legacy!, o.legacy) <= t.legacy && keep(i, j, hammingDistance(it.legacy!, o.legacy), 0, false));
    });
    const facts = (e: NearEdge) => `${e.distance}:${e.turns}:${e.cropped}:${e.window ? e.window.container + e.window.index : ''}`;
    const got = new Map(nearEdges(items, t).map((e) => [`${e.a}-${e.b}`, facts(e)]));
    expect(want.size).toBeGreaterThan(100);
    expect([...want.values()].some((v) => v.includes(':true:'))).toBe(true);
    expect([...want.values()].some((v) => /^\d+:[123]:/.test(v))).toBe(true);
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));

    // A few contents asking (added since the last review), both ways the windows are matched:
    // the pairs touching them, at the same distances, and no other.
    const input = nearInput(items);
    const asking = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i += 7) asking[i] = 1;
    const touching = Object.fromEntries(
      hashEdges(input, t)
        .filter((e) => asking[e.a] || asking[e.b])
        .map((e) => [`${e.a}-${e.b}`, facts(e)])
        .sort(),
    );
    expect(Object.keys(touching).length).toBeGreaterThan(20);
    // The three ways: each slice of windows a table, the askers' full hashes the table, and
    // each window compared with each asker bit by bit.
    for (const [fewAsking, scanAsking] of [[0, 0], [Infinity, 0], [Infinity, Infinity]]) {
      const found = hashEdges(input, t, asking, { fewAsking, scanAsking }).map((e) => [`${e.a}-${e.b}`, facts(e)] as const);
      expect(Object.fromEntries(found.sort()), `fewAsking ${fewAsking}, scanAsking ${scanAsking}`).toEqual(touching);
    }
  });
});
