// Near pairs kept between reviews (main/core/duplicates/near-pairs.ts), on a real library file:
// pairing contents as they arrive finds the same pairs at the same distances as searching the
// whole library at once, a content whose hashes change is paired again, and pairs of other
// thresholds are not reused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nearPairs } from '../../../main/core/duplicates/near-pairs.js';
import { hashEdges, nearInput } from '../../../main/core/duplicates/near.js';
import { KEPT_THRESHOLDS } from '../../../main/core/duplicates/near-pairs.js';
import { rotateHash } from '../../../main/core/media/near-hash.js';
import { openReader } from '../../../main/core/store/db.js';
import { Store } from '../../../main/core/store/index.js';
import { NEAR_HASH_VERSION, nearFullWords, putNearHashes } from '../../../main/core/store/near-hashes.js';
import { hashedContents } from '../../../main/core/store/near-pairs.js';

interface Content {
  sha: string;
  full: string;
  windows: string[];
}

/** Contents with turned copies, crops (a copy's full ≈ a window of another) and re-encodes. */
function library(count: number, seed: number): Content[] {
  let s = seed;
  const r = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const flip = (hex: string, nibble: number) => hex.slice(0, nibble) + (parseInt(hex[nibble], 16) ^ (1 << Math.floor(r() * 4))).toString(16) + hex.slice(nibble + 1);
  const flipBits = (hex: string, k: number) => {
    let h = hex;
    for (let i = 0; i < k; i++) h = flip(h, Math.floor(r() * 16));
    return h;
  };
  const randomHex = () => Array.from({ length: 16 }, () => Math.floor(r() * 16).toString(16)).join('');
  const out: Content[] = [];
  for (let i = 0; i < count; i++) {
    const base = out.length ? out[Math.floor(r() * out.length)] : null;
    const kind = Math.floor(r() * 4);
    let full = randomHex();
    if (base && kind === 0) full = flipBits(rotateHash(base.full, 1 + Math.floor(r() * 3)), Math.floor(r() * 4));
    if (base && kind === 1) full = flipBits(base.windows[Math.floor(r() * base.windows.length)], Math.floor(r() * 4));
    if (base && kind === 2) full = flipBits(base.full, Math.floor(r() * 10));
    // Windows close to their own full hash, as real ones are: never a pair with itself.
    const windows = Array.from({ length: 12 }, () => flipBits(full, 1 + Math.floor(r() * 6)));
    out.push({ sha: createHash('sha256').update(`content ${seed} ${i}`).digest('hex'), full, windows });
  }
  return out;
}

const put = (store: Store, cs: readonly Content[]) => {
  for (const c of cs) putNearHashes(store.db, c.sha, { full: c.full, windows: c.windows, luma: 50 });
};

/** Pair → distance, by searching all of `cs` at once. */
function wholeLibrary(cs: readonly Content[]): Map<string, number> {
  const sorted = [...cs].sort((x, y) => (x.sha < y.sha ? -1 : 1));
  const edges = hashEdges(nearInput(sorted.map((c) => ({ full: c.full, windows: c.windows, legacy: null }))), KEPT_THRESHOLDS);
  return new Map(edges.map((e) => [`${sorted[e.a].sha}-${sorted[e.b].sha}`, e.distance]));
}

const kept = (run: ReturnType<typeof nearPairs>) => new Map(run.pairs.map((p) => [`${p.shaA}-${p.shaB}`, p.distance]));
const sortedEntries = (m: Map<string, number>) => Object.fromEntries([...m].sort());

let tmp: string;
let store: Store;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-near-pairs-'));
  store = Store.open(path.join(tmp, 'library.db'));
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('near pairs kept between reviews', () => {
  it('pairing contents as they arrive finds what searching the whole library finds', () => {
    const cs = library(600, 7);
    const want = wholeLibrary(cs);
    expect(want.size).toBeGreaterThan(100);
    put(store, cs.slice(0, 250));
    expect(nearPairs(store.db, store.db).paired).toBe(250);
    put(store, cs.slice(250, 590));
    expect(nearPairs(store.db, store.db).paired).toBe(340);
    put(store, cs.slice(590));
    const last = nearPairs(store.db, store.db);
    expect(last.paired).toBe(10);
    expect(sortedEntries(kept(last))).toEqual(sortedEntries(want));
    // Nothing new: nothing is searched, the kept pairs are read back.
    const again = nearPairs(store.db, store.db);
    expect(again.paired).toBe(0);
    expect(sortedEntries(kept(again))).toEqual(sortedEntries(want));
  });

  it('pairing in steps keeps what each step found and ends with what searching the whole library finds', () => {
    const cs = library(600, 7);
    const want = wholeLibrary(cs);
    put(store, cs);
    const first = nearPairs(store.db, store.db, { firstStep: 200, atOnceMax: 100 });
    expect([first.paired, first.unpaired]).toEqual([200, 400]);
    // A step's pairs are pairs of the whole library, at the same distances.
    const partial = kept(first);
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(want.size);
    expect([...partial].filter(([k, d]) => want.get(k) !== d)).toEqual([]);
    // Each step pairs as many new contents as are paired already (the rest at the end).
    const steps = [first.paired];
    let run = first;
    while (run.unpaired) {
      run = nearPairs(store.db, store.db, { firstStep: 200, atOnceMax: 100 });
      steps.push(run.paired);
    }
    expect(steps).toEqual([200, 200, 200]);
    expect(sortedEntries(kept(run))).toEqual(sortedEntries(want));
    expect(nearPairs(store.db, store.db, { firstStep: 200, atOnceMax: 100 }).paired).toBe(0);
  });

  it('pairs in one go when few wait, steps asked for or not', () => {
    const cs = library(300, 21);
    put(store, cs);
    const run = nearPairs(store.db, store.db, { firstStep: 50, atOnceMax: 300 });
    expect([run.paired, run.unpaired]).toEqual([300, 0]);
    expect(sortedEntries(kept(run))).toEqual(sortedEntries(wholeLibrary(cs)));
  });

  it('a connection that cannot keep pairs pairs everything at once, steps or not', () => {
    const cs = library(300, 9);
    put(store, cs);
    const reader = openReader(path.join(tmp, 'library.db'));
    try {
      const run = nearPairs(reader, null, { firstStep: 50, atOnceMax: 10 });
      expect([run.paired, run.unpaired]).toEqual([300, 0]);
      expect(sortedEntries(kept(run))).toEqual(sortedEntries(wholeLibrary(cs)));
    } finally {
      reader.close();
    }
  });

  it('pairs a content again when its hashes change, and drops its old pairs', () => {
    const cs = library(300, 11);
    put(store, cs);
    nearPairs(store.db, store.db);
    // The content with the most pairs is re-hashed (an edit, a new recipe): far from everything.
    const counts = new Map<string, number>();
    for (const k of wholeLibrary(cs).keys()) for (const sha of k.split('-')) counts.set(sha, (counts.get(sha) ?? 0) + 1);
    const [sha] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const changed = cs.map((c) => (c.sha === sha ? { ...c, full: 'ffffffffffffffff', windows: c.windows.map(() => 'ffffffffffffffff') } : c));
    put(store, changed.filter((c) => c.sha === sha));
    const run = nearPairs(store.db, store.db);
    expect(run.paired).toBe(1);
    expect(sortedEntries(kept(run))).toEqual(sortedEntries(wholeLibrary(changed)));
    expect([...kept(run).keys()].some((k) => k.includes(sha))).toBe(false);
  });

  it('a read-only connection finds the new pairs without keeping them', () => {
    const cs = library(200, 3);
    put(store, cs);
    const reader = openReader(path.join(tmp, 'library.db'));
    try {
      const first = nearPairs(reader, null);
      expect(first.paired).toBe(200);
      expect(sortedEntries(kept(first))).toEqual(sortedEntries(wholeLibrary(cs)));
      expect(nearPairs(reader, null).paired).toBe(200);
    } finally {
      reader.close();
    }
  });

  it('pairs found with other thresholds or hashes are not reused', () => {
    const cs = library(200, 5);
    put(store, cs);
    nearPairs(store.db, store.db);
    store.db.prepare("UPDATE library_meta SET value = 'hashes v1; full 12; window 9' WHERE key = 'near_pairs:thresholds'").run();
    const run = nearPairs(store.db, store.db);
    expect(run.paired).toBe(200);
    expect(sortedEntries(kept(run))).toEqual(sortedEntries(wholeLibrary(cs)));
  });

  it('a read-only connection does not trust marks of other thresholds it cannot clear', () => {
    const cs = library(200, 6);
    put(store, cs);
    nearPairs(store.db, store.db);
    store.db.prepare("UPDATE library_meta SET value = 'hashes v1; full 12; window 9' WHERE key = 'near_pairs:thresholds'").run();
    const reader = openReader(path.join(tmp, 'library.db'));
    try {
      const run = nearPairs(reader, null);
      expect(run.paired).toBe(200);
      expect(sortedEntries(kept(run))).toEqual(sortedEntries(wholeLibrary(cs)));
    } finally {
      reader.close();
    }
  });
});

describe('the hashes and marks are read a page at a time', () => {
  it('pages of a few contents give what one query a content gives', () => {
    const cs = library(300, 11);
    put(store, cs.slice(0, 200));
    nearPairs(store.db, store.db);
    put(store, cs.slice(200));
    const truth = store.db
      .prepare(`SELECT n.sha256, EXISTS (SELECT 1 FROM near_paired p WHERE p.sha256 = n.sha256) FROM near_hashes n WHERE n.version = ? ORDER BY n.sha256`)
      .raw()
      .all(NEAR_HASH_VERSION) as [string, number][];
    expect(truth.filter(([, marked]) => marked)).toHaveLength(200);
    for (const perPage of [7, 300, 65_536]) {
      const read = hashedContents(store.db, NEAR_HASH_VERSION, perPage);
      expect(read.shas).toEqual(truth.map(([sha]) => sha));
      expect(Array.from(read.paired)).toEqual(truth.map(([, marked]) => marked));
      expect(read.pairedCount).toBe(200);
    }
  });

  it('full hashes read by pages; a row that is not a hash is left out, its page read row by row', () => {
    const cs = library(50, 12);
    put(store, cs);
    const keys = cs.map((c) => c.sha).sort();
    const bad = keys[20];
    store.db.prepare("UPDATE near_hashes SET full = 'not a hash here!' WHERE sha256 = ?").run(bad);
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    const want = keys.map((sha) => (sha === bad ? null : cs.find((c) => c.sha === sha)!.full));
    // Every other key asked, so the cursor also skips rows the caller does not list.
    const asked = keys.filter((_, i) => i % 2 === 0);
    for (const perPage of [3, 16, 65_536]) {
      const { full, hasFull } = nearFullWords(store.db, asked, perPage);
      const got = asked.map((_, i) => (hasFull[i] ? hex(full[2 * i], full[2 * i + 1]) : null));
      expect(got).toEqual(want.filter((_, i) => i % 2 === 0));
    }
    expect(asked).toContain(bad);
  });
});
