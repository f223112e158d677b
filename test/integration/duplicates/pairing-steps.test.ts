// A library's first review pairs near copies in steps (duplicates/cache.ts, near-pairs.ts): a
// real library file, the real grouping worker thread. The first answer comes after one step,
// says how far pairing is, and the steps go on by themselves until the groups are those of
// pairing everything at once. The step is lowered from 50,000 so a small library takes steps.
// And the cache while the library keeps changing: builds are not queued once per write.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCache } from '../../../main/core/duplicates/cache.js';
import { Duplicates } from '../../../main/core/duplicates/index.js';
import { buildGroups, type AllGroups } from '../../../main/core/duplicates/find.js';
import { Store } from '../../../main/core/store/index.js';
import { putNearHashes } from '../../../main/core/store/near-hashes.js';

const PICTURES = 200;
let tmp: string;
let store: Store;
let cache: GroupCache;

/** The content hash of copy `c` of picture `p`. */
const shaOf = (p: number, c: number) => createHash('sha256').update(`picture ${p} copy ${c}`).digest('hex');

/** An indexed JPEG without EXIF, square, as the indexer writes its row. */
function putPhoto(s: Store, folder: number, at: string, sha: string, size: number, mtimeMs: number, side: number): void {
  s.photos.upsert({
    folder_id: folder, path: at, size, mtime_ms: mtimeMs, sha256: sha, width: side, height: side,
    format: 'jpeg', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null,
    orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0,
  });
}

/** PICTURES pictures, each with one or two near copies (a few bits off), as photos with near hashes. */
function fill(s: Store): void {
  let seed = 17;
  const r = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822519) + 0x9e3779b9) >>> 0) / 2 ** 32);
  const hex = () => Array.from({ length: 16 }, () => Math.floor(r() * 16).toString(16)).join('');
  const flip = (h: string, bits: number) => {
    let out = h;
    for (let k = 0; k < bits; k++) {
      const at = Math.floor(r() * 16);
      out = out.slice(0, at) + (parseInt(out[at], 16) ^ (1 << Math.floor(r() * 4))).toString(16) + out.slice(at + 1);
    }
    return out;
  };
  const folder = s.folders.add('/lib').id;
  let n = 0;
  s.tx(() => {
    for (let p = 0; p < PICTURES; p++) {
      const base = hex();
      const copies = 1 + (p % 2);
      for (let c = 0; c <= copies; c++) {
        const full = c ? flip(base, 2) : base;
        const sha = shaOf(p, c);
        putPhoto(s, folder, `/lib/p${p}-c${c}.jpg`, sha, 1000 - c, Date.UTC(2020, 0, 1 + n++), 100 - c);
        putNearHashes(s.db, sha, { full, windows: Array.from({ length: 12 }, () => hex()), luma: 50 });
      }
    }
  });
}

const groupsOf = (a: AllGroups) => a.groups.map((g) => g.photos.map((p) => p.path).sort().join(' ')).sort();

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-pairing-steps-'));
  store = Store.open(path.join(tmp, 'library.db'));
  fill(store);
  cache = new GroupCache(store);
  cache.pairingSteps = { firstStep: 100, atOnceMax: 100 };
});
afterEach(async () => {
  await cache.close();
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a library's first review, paired in steps", () => {
  it('answers after the first step with the groups found so far and the progress, then completes by itself', async () => {
    const total = PICTURES * 2.5;
    const first = await cache.get({ kind: 'near' }, null);
    expect(first.pairing).toEqual({ done: 100, total });
    // Asked again while the next step runs: that answer at once, not a wait for the step.
    expect(await cache.get({ kind: 'near' }, null)).toBe(first);

    const seen: number[] = [];
    const whole = await cache.complete({ kind: 'near' }, null, (partial) => seen.push(partial.pairing!.done));
    // Steps double: 100, 100 (200 paired), 200 (400), the last 100.
    expect(seen).toEqual([200, 400]);
    expect(whole.pairing).toBeUndefined();
    // What pairing everything at once finds (a fresh library's review from the CLI).
    const atOnce = buildGroups(store, { kind: 'near' }, { model: null });
    expect(groupsOf(whole)).toEqual(groupsOf(atOnce));
    expect(whole.groups.length).toBe(PICTURES);
    // The first answer held some of those groups, and only true ones.
    expect(first.groups.length).toBeGreaterThan(0);
    expect(first.groups.length).toBeLessThan(whole.groups.length);
    const wholeGroups = groupsOf(whole).map((g) => new Set(g.split(' ')));
    for (const g of groupsOf(first)) expect(wholeGroups.some((w) => g.split(' ').every((p) => w.has(p))), g).toBe(true);
    // Done: the next ask is the whole answer, no step left.
    expect((await cache.get({ kind: 'near' }, null)).pairing).toBeUndefined();
  });
});

describe('the review cache while the library keeps changing', () => {
  let copies = 0;
  /** A copy of picture 0 arrives (a watcher's pass): a write that changes the exact groups. */
  const arrive = () => {
    copies++;
    putPhoto(store, store.folders.all()[0].id, `/lib/copy-${copies}.jpg`, shaOf(0, 0), 1000, Date.UTC(2021, 0, copies), 100);
  };
  beforeEach(() => {
    copies = 0;
  });

  it('asked again after writes while a build runs, builds once more for all those asks, and that answer holds every write', async () => {
    const copiesOf0 = (a: AllGroups) => a.groups.find((g) => g.photos.some((p) => p.path === '/lib/p0-c0.jpg'))?.photos.length ?? 1;

    expect(copiesOf0(await cache.get({ kind: 'exact' }, null))).toBe(1);
    expect(cache.builds).toBe(1);
    arrive();
    const running = cache.get({ kind: 'exact' }, null);
    expect(cache.builds).toBe(2);
    // Five more passes while that build runs in the worker, the review asked after each.
    const asks: Promise<AllGroups>[] = [];
    for (let k = 0; k < 5; k++) {
      arrive();
      asks.push(cache.get({ kind: 'exact' }, null));
    }
    expect(cache.builds).toBe(2);
    expect(copiesOf0(await running)).toBeGreaterThanOrEqual(2);
    const answers = await Promise.all(asks);
    expect(cache.builds).toBe(3);
    // Every ask got the build that started after the last write: picture 0 and its six copies.
    expect(answers).toHaveLength(5);
    for (const a of answers) expect(a).toBe(answers[0]);
    expect(copiesOf0(answers[0])).toBe(7);
    // Nothing written since: the same answer, no build.
    expect(await cache.get({ kind: 'exact' }, null)).toBe(answers[0]);
    expect(cache.builds).toBe(3);
  });

  it("after indexing, a big library's groups are built once the passes stop, not once a pass", async () => {
    const duplicates = new Duplicates(store, () => null);
    duplicates.warming = { from: 1, quietMs: 150 };
    try {
      // Three passes in quick succession, each indexing a photo and ending with warm().
      for (let k = 0; k < 3; k++) {
        arrive();
        duplicates.warm();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(duplicates.builds).toBe(0);
      await vi.waitFor(() => expect(duplicates.builds).toBe(1), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 400));
      expect(duplicates.builds).toBe(1);
      // The review opens on that build, which holds the three photos: no other build.
      const page = await duplicates.find({});
      expect(page.groups.find((g) => g.photos.some((p) => p.path === '/lib/copy-3.jpg'))?.photos.length).toBe(4);
      expect(duplicates.builds).toBe(1);
    } finally {
      await duplicates.close();
    }
  });
});
