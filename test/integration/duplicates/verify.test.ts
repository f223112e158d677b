// The near tier's second look on real photos: a burst frame (the camera moved 3 %, turned 0.8°,
// as in bench:duplicates) that the hashes alone pair with the original is refused; a crop stays.
// Rows without the verification grid (from before it) pair as before and the backfill fills them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { backfillNearHashes } from '../../../main/core/duplicates/backfill.js';
import { Duplicates } from '../../../main/core/duplicates/index.js';
import { buildGroups } from '../../../main/core/duplicates/find.js';
import { nearEdges } from '../../../main/core/duplicates/near.js';
import { forgetNearVerdicts } from '../../../main/core/duplicates/verify-edges.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { allNearHashes, missingNearHashes, nearDetails, nearFullWords, nearWindowRuns } from '../../../main/core/store/near-hashes.js';
import { EXIF_SAMPLES } from '../../helpers/cli.js';

const SOURCE = path.join(EXIF_SAMPLES, 'jpg', 'exif-org/canon-ixus.jpg');

let tmp: string;
let lib: string;
let k: Kanjian;
const files = { original: '', crop: '', burst: '' };

/** A window of the source (shares of its size), turned `deg` degrees and cut back to 97 %. */
async function frame(dest: string, x: number, y: number, size: number, deg: number, gain: number) {
  const { width, height } = await sharp(SOURCE).rotate().metadata();
  const W = width!;
  const H = height!;
  let buf = await sharp(SOURCE).rotate().extract({ left: Math.round(W * x), top: Math.round(H * y), width: Math.round(W * size), height: Math.round(H * size) }).png().toBuffer();
  if (deg) {
    const m = await sharp(buf).metadata();
    const turned = await sharp(buf).rotate(deg, { background: '#000' }).toBuffer();
    const tm = await sharp(turned).metadata();
    const cw = Math.round(m.width! * 0.97);
    const ch = Math.round(m.height! * 0.97);
    buf = await sharp(turned).extract({ left: Math.round((tm.width! - cw) / 2), top: Math.round((tm.height! - ch) / 2), width: cw, height: ch }).png().toBuffer();
  }
  await sharp(buf).linear(gain, 0).jpeg({ quality: 90 }).toFile(dest);
}

const nearGroups = async () => (await k.findDuplicates({ kind: 'near', limit: 100 })).groups.map((g) => g.photos.map((p) => path.basename(p.path)).sort());
const groupOf = (gs: string[][], name: string) => gs.find((g) => g.includes(name)) ?? [name];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-dupes-verify-'));
  lib = path.join(tmp, 'library');
  mkdirSync(lib, { recursive: true });
  files.original = path.join(lib, 'original.jpg');
  files.crop = path.join(lib, 'crop.jpg');
  files.burst = path.join(lib, 'burst.jpg');
  await frame(files.original, 0.05, 0.05, 0.9, 0, 1);
  // 8 % off the left of the original, 3 % off its top (as a user's crop).
  const m = await sharp(files.original).metadata();
  await sharp(files.original)
    .extract({ left: Math.round(m.width! * 0.08), top: Math.round(m.height! * 0.03), width: Math.round(m.width! * 0.92), height: Math.round(m.height! * 0.97) })
    .jpeg({ quality: 90 })
    .toFile(files.crop);
  await frame(files.burst, 0.08, 0.065, 0.9, 0.8, 1.04);
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false, model: null });
  await k.indexFolder(lib);
}, 120_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('near copies are verified by aligning the pictures', () => {
  it('the hashes alone pair the burst frame with the original', () => {
    const stored = [...allNearHashes(k.store.db).values()];
    expect(stored).toHaveLength(3);
    const edges = nearEdges(stored.map((h) => ({ full: h.full, windows: h.windows, legacy: null })), { full: 8, window: 6, legacy: 10 });
    // Every pair is a candidate, so only the check can tell the burst apart.
    expect(edges.length).toBe(3);
  });

  it('grouping reads the same hashes as numbers, a page of windows at a time', () => {
    // The caller's contents by sha256, ascending; the last one (no indexed photo) not listed.
    const stored = [...allNearHashes(k.store.db).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
    const keys = stored.slice(0, 2).map((h) => h.sha256);
    const { full, hasFull } = nearFullWords(k.store.db, keys);
    const details = nearDetails(k.store.db, [stored[0].sha256, stored[1].sha256]);
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    for (const i of [0, 1]) {
      expect(hasFull[i]).toBe(1);
      expect(hex(full[2 * i], full[2 * i + 1])).toBe(stored[i].full);
      expect(details.luma(stored[i].sha256)).toBe(stored[i].luma);
      expect(details.detail(stored[i].sha256)?.length).toBeGreaterThan(0);
    }
    const runs = [...nearWindowRuns(k.store.db, keys, hasFull, 1)];
    // One content a page: the third content's page holds no owner.
    expect(runs.map((r) => r.owners.length).sort()).toEqual([0, 1, 1]);
    for (const run of runs.filter((r) => r.owners.length)) {
      const h = stored[run.owners[0]];
      const words = Array.from({ length: run.starts[1] }, (_, w) => hex(run.words[2 * w], run.words[2 * w + 1]));
      expect(words).toEqual(h.windows);
      expect(Array.from(run.slots)).toEqual(h.windows.map((_, w) => w));
    }
  });

  it('a page of several contents gives each its own windows, with one of them not asked for too', () => {
    const stored = [...allNearHashes(k.store.db).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    const windowsOf = (run: ReturnType<typeof nearWindowRuns> extends Generator<infer R> ? R : never, k: number) =>
      Array.from({ length: run.starts[k + 1] - run.starts[k] }, (_, w) => hex(run.words[2 * (run.starts[k] + w)], run.words[2 * (run.starts[k] + w) + 1]));
    // All three wanted (the page's bytes used as read), then the middle one left out (the
    // others' bytes copied around it).
    for (const leftOut of [null, stored[1].sha256]) {
      const keys = stored.filter((h) => h.sha256 !== leftOut).map((h) => h.sha256);
      const index = new Map(keys.map((sha, i) => [sha, i]));
      const { hasFull } = nearFullWords(k.store.db, keys);
      const runs = [...nearWindowRuns(k.store.db, keys, hasFull, 10)];
      expect(runs).toHaveLength(1);
      const run = runs[0];
      expect([...run.owners].sort()).toEqual([...index.values()].sort());
      for (const [sha, i] of index) {
        const at = run.owners.indexOf(i);
        expect(windowsOf(run, at)).toEqual(stored.find((h) => h.sha256 === sha)!.windows);
        expect(Array.from(run.slots.subarray(run.starts[at], run.starts[at + 1]))).toEqual(stored[0].windows.map((_, w) => w));
      }
    }
  });

  it('a stored blob that is not whole windows keeps its whole ones, and its neighbours theirs', () => {
    const stored = [...allNearHashes(k.store.db).values()].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
    const hex = (hi: number, lo: number) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    const first = stored[0].sha256;
    const original = k.store.db.prepare('SELECT windows FROM near_hashes WHERE sha256 = ?').pluck().get(first) as Buffer;
    // Four stray bytes after the first content's windows: the page's blob no longer lines up.
    k.store.db.prepare('UPDATE near_hashes SET windows = ? WHERE sha256 = ?').run(Buffer.concat([original, Buffer.from([1, 2, 3, 4])]), first);
    try {
      const keys = stored.map((h) => h.sha256);
      const { hasFull } = nearFullWords(k.store.db, keys);
      const runs = [...nearWindowRuns(k.store.db, keys, hasFull, 10)];
      expect(runs).toHaveLength(1);
      const run = runs[0];
      expect([...run.owners].sort()).toEqual([0, 1, 2]);
      for (const [i, h] of stored.entries()) {
        const at = run.owners.indexOf(i);
        const words = Array.from({ length: run.starts[at + 1] - run.starts[at] }, (_, w) =>
          hex(run.words[2 * (run.starts[at] + w)], run.words[2 * (run.starts[at] + w) + 1]),
        );
        expect(words).toEqual(h.windows);
      }
    } finally {
      k.store.db.prepare('UPDATE near_hashes SET windows = ? WHERE sha256 = ?').run(original, first);
    }
  });

  it('groups the crop with the original and leaves the burst frame out', async () => {
    const gs = await nearGroups();
    expect(groupOf(gs, 'original.jpg')).toEqual(['crop.jpg', 'original.jpg']);
    expect(gs.flat()).not.toContain('burst.jpg');
  });

  it('grids an older build stored beside the hashes are read there, then moved out in the background', async () => {
    const db = k.store.db;
    db.exec(`UPDATE near_hashes SET detail = (SELECT d.detail FROM near_details d WHERE d.sha256 = near_hashes.sha256); DELETE FROM near_details;`);
    const inline = () => db.prepare('SELECT count(*) FROM near_hashes WHERE detail IS NOT NULL').pluck().get();
    expect(inline()).toBe(3);
    // Grouping here, in this thread, with no verdicts remembered: the check needs the grids.
    const grouped = () => {
      forgetNearVerdicts();
      return buildGroups(k.store, { kind: 'near' }, { model: null }).groups.map((g) => g.photos.map((p) => path.basename(p.path)).sort());
    };
    expect(groupOf(grouped(), 'original.jpg')).toEqual(['crop.jpg', 'original.jpg']);
    // What the app does at start: the duplicates service moves them a step at a time.
    const service = new Duplicates(k.store, () => null);
    try {
      await expect.poll(inline, { timeout: 10_000 }).toBe(0);
    } finally {
      await service.close();
    }
    expect(db.prepare('SELECT count(*) FROM near_details').pluck().get()).toBe(3);
    expect(groupOf(grouped(), 'original.jpg')).toEqual(['crop.jpg', 'original.jpg']);
  });

  it('rows without the grid pair by hashes alone until the backfill gives them one', async () => {
    k.store.db.prepare('DELETE FROM near_details').run();
    // As a library from before the grid opens in a new process: no verdicts remembered.
    forgetNearVerdicts();
    expect(missingNearHashes(k.store.db, 10)).toHaveLength(3);
    // Grouping itself (the review backfills a small backlog before it groups: asked below).
    const old = buildGroups(k.store, { kind: 'near' }, { model: null }).groups.map((g) => g.photos.map((p) => path.basename(p.path)).sort());
    expect(groupOf(old, 'original.jpg')).toEqual(['burst.jpg', 'crop.jpg', 'original.jpg']);
    expect(await backfillNearHashes(k.store, { limit: 10 })).toBe(3);
    expect(missingNearHashes(k.store.db, 10)).toHaveLength(0);
    expect((await nearGroups()).flat()).not.toContain('burst.jpg');
  });

  it('re-hashes rows of an older recipe in the background instead of comparing unlike hashes', async () => {
    // Recipe 1 trimmed borders differently and stored no shape with the grid.
    k.store.db.prepare('UPDATE near_hashes SET version = 1').run();
    forgetNearVerdicts();
    expect(allNearHashes(k.store.db).size).toBe(0);
    expect(missingNearHashes(k.store.db, 10)).toHaveLength(3);
    expect(await backfillNearHashes(k.store, { limit: 10 })).toBe(3);
    expect(allNearHashes(k.store.db).size).toBe(3);
    const gs = await nearGroups();
    expect(groupOf(gs, 'original.jpg')).toEqual(['crop.jpg', 'original.jpg']);
    expect(gs.flat()).not.toContain('burst.jpg');
  });

  it('rows without the new hashes pair by their old pHash, beside the kept pairs of the others', () => {
    const byName = (n: string) => k.store.photos.byPath(files[n as keyof typeof files])!;
    // The burst frame as a row from before the new hashes, its pHash that of the original.
    k.store.db.prepare('DELETE FROM near_hashes WHERE sha256 = ?').run(byName('burst').sha256);
    k.store.db.prepare('UPDATE photos SET phash = ? WHERE id = ?').run(byName('original').phash, byName('burst').id);
    forgetNearVerdicts();
    const gs = buildGroups(k.store, { kind: 'near' }, { model: null }).groups.map((g) => g.photos.map((p) => path.basename(p.path)).sort());
    expect(groupOf(gs, 'original.jpg')).toEqual(['burst.jpg', 'crop.jpg', 'original.jpg']);
  });
});
