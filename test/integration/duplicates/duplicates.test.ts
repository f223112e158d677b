// Duplicates on real photos: variants of the vendored exif-samples camera JPEGs made with sharp,
// indexed by the real pipeline into a real SQLite library, grouped by the real core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { DuplicateGroup } from '../../../main/core/api.js';
import { Contents } from '../../../main/core/duplicates/contents.js';
import { NEAR_MAX_DISTANCE } from '../../../main/core/duplicates/index.js';
import { KanjianError } from '../../../main/core/errors.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { hammingDistance } from '../../../main/core/media/hash.js';
import { EXIF_SAMPLES } from '../../helpers/cli.js';
import { VARIANT_EXT, VARIANT_KINDS, writeGradientChain, writeVariant, type VariantKind } from './variants.js';

const JPG = path.join(EXIF_SAMPLES, 'jpg');
const ORIGINAL_A = path.join(JPG, 'exif-org/canon-ixus.jpg');
const ORIGINAL_B = path.join(JPG, 'exif-org/nikon-e950.jpg');
const DISTRACTORS = ['exif-org/kodak-dc240.jpg', 'exif-org/olympus-c960.jpg', 'gps/DSCN0010.jpg', 'Canon_PowerShot_S40.jpg', 'exif-org/sony-d700.jpg'];

let tmp: string;
let lib: string;
let trashDir: string;
let k: Kanjian;
const trashCalls: string[] = [];
const a = { original: '', copy: '', variants: {} as Record<VariantKind, string> };
const b = { original: '', png: '', resized: '' };
let distractors: string[] = [];
let chain: string[] = [];

/** The test's OS trash: moves the file into trashDir, or fails for names containing "fail-me". */
async function testTrash(file: string): Promise<void> {
  trashCalls.push(file);
  if (path.basename(file).includes('fail-me')) throw new Error('EPERM: operation not permitted (test)');
  renameSync(file, path.join(trashDir, path.basename(file)));
}

const groups = async (kind?: 'exact' | 'near' | 'similar') => (await k.findDuplicates({ kind, limit: 1000 })).groups;
const groupWith = (gs: DuplicateGroup[], file: string) => gs.find((g) => g.photos.some((p) => p.path === file));
const idOf = async (file: string) => (await k.listPhotos({ limit: 1000 })).photos.find((p) => p.path === file)?.id;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-dupes-'));
  lib = path.join(tmp, 'library');
  trashDir = path.join(tmp, 'trash');
  mkdirSync(trashDir, { recursive: true });
  mkdirSync(path.join(lib, 'originals'), { recursive: true });
  mkdirSync(path.join(lib, 'copies'), { recursive: true });

  a.original = path.join(lib, 'originals', 'canon-ixus.jpg');
  copyFileSync(ORIGINAL_A, a.original);
  // The original is the older file; the byte-identical copy was made later.
  utimesSync(a.original, new Date('2020-01-01'), new Date('2020-01-01'));
  a.copy = path.join(lib, 'copies', 'canon-ixus copy.jpg');
  copyFileSync(ORIGINAL_A, a.copy);
  for (const kind of VARIANT_KINDS) {
    a.variants[kind] = await writeVariant(ORIGINAL_A, kind, path.join(lib, 'variants', `canon-ixus-${kind}${VARIANT_EXT[kind]}`));
  }

  b.original = path.join(lib, 'originals', 'nikon-e950.jpg');
  copyFileSync(ORIGINAL_B, b.original);
  b.png = await writeVariant(ORIGINAL_B, 'png', path.join(lib, 'b', 'nikon as png.png'));
  b.resized = await writeVariant(ORIGINAL_B, 'resize50', path.join(lib, 'b', 'nikon small.jpg'));

  distractors = DISTRACTORS.map((rel) => {
    const dest = path.join(lib, 'distractors', path.basename(rel));
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(path.join(JPG, rel), dest);
    return dest;
  });
  chain = await writeGradientChain(path.join(lib, 'chain'), 12);

  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false, trashFile: testTrash });
  const summary = await k.indexFolder(lib);
  expect(summary.failed).toEqual([]);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('duplicate kinds on real photos', () => {
  it('labels byte-identical copies exact and keeps the oldest copy', async () => {
    const g = groupWith(await groups('exact'), a.copy)!;
    expect(g.kind).toBe('exact');
    expect(g.photos.map((p) => p.path).sort()).toEqual([a.copy, a.original].sort());
    const keep = g.photos.filter((p) => p.keep);
    expect(keep).toHaveLength(1);
    expect(keep[0].path).toBe(a.original);
    expect(keep[0].reason.rule).toBe('mtime');
    expect(keep[0].rank).toBe(0);
  });

  it.each(VARIANT_KINDS)('finds the %s copy as a near-duplicate of its original', async (kind) => {
    const g = groupWith(await groups('near'), a.variants[kind]);
    expect(g, `${kind} not grouped`).toBeDefined();
    expect(g!.kind).toBe('near');
    // The original stands for both identical copies in near groups (the copy is in the exact group).
    expect(g!.photos.map((p) => p.path)).toContain(a.original);
    expect(g!.photos.map((p) => p.path)).not.toContain(a.copy);
    for (const p of g!.photos) if (!p.keep) expect(p.distance).toBeLessThanOrEqual(NEAR_MAX_DISTANCE);
  });

  it('reads the library\'s contents a page of photos at a time as in one go', () => {
    const whole = new Contents(k.store.db);
    const view = (c: Contents) => Array.from({ length: c.count }, (_, i) => `${c.sha(i)} ${c.copies(i)} ${c.rep(i)?.id}`);
    // A page of 1 ends on every content, so the two copies of one are always on two pages.
    for (const perPage of [1, 2, 3]) expect(view(new Contents(k.store.db, perPage))).toEqual(view(whole));
    // The byte-identical pair is one content with two copies; there are more photos than a page.
    const copies = Array.from({ length: whole.count }, (_, i) => whole.copies(i));
    expect(copies).toContain(2);
    expect(whole.count).toBeGreaterThan(4);
    // Indexes are ranks in sha256 order, and found again by hash.
    const shas = Array.from({ length: whole.count }, (_, i) => whole.sha(i));
    expect(shas).toEqual([...shas].sort());
    expect(shas.map((sha) => whole.indexOf(sha))).toEqual(shas.map((_, i) => i));
    expect(whole.indexOf('f'.repeat(64))).toBeUndefined();
    // A copy that failed (it keeps its hash) is not a copy.
    const pair = whole.photos(copies.indexOf(2));
    k.store.db.prepare(`UPDATE photos SET status = 'failed' WHERE id = ?`).run(pair[1].id);
    try {
      for (const perPage of [1, 65_536]) {
        const c = new Contents(k.store.db, perPage);
        expect(c.copies(c.indexOf(pair[0].sha256)!)).toBe(1);
        expect(c.count).toBe(whole.count);
      }
    } finally {
      k.store.db.prepare(`UPDATE photos SET status = 'indexed' WHERE id = ?`).run(pair[1].id);
    }
  });

  it('suggests keeping the original, with the rule that decided', async () => {
    const g = groupWith(await groups('near'), a.original)!;
    const keep = g.photos.filter((p) => p.keep);
    expect(keep.map((p) => p.path)).toEqual([a.original]);
    // Same-resolution JPEG re-encodes were told apart by EXIF: the original kept it.
    expect(keep[0].reason.rule).toBe('exif');
    const photo = (kind: VariantKind) => g.photos.find((p) => p.path === a.variants[kind])!;
    expect(photo('resize50').reason).toEqual({ rule: 'resolution', params: { width: 320, height: 240, keptWidth: 640, keptHeight: 480 } });
    expect(photo('resize50').differences).toContain('smaller');
    expect(photo('crop5').reason.rule).toBe('resolution');
    expect(photo('crop5').differences).toContain('smaller');
    expect(photo('png').reason).toEqual({ rule: 'format', params: { format: 'png', keptFormat: 'jpeg' } });
    expect(photo('png').differences).toContain('otherFormat');
    expect(photo('webp').reason.params.format).toBe('webp');
    expect(photo('jpeg40').reason.rule).toBe('exif');
    expect(photo('jpeg40').differences).toEqual(['reencoded', 'noExif']);
    expect(photo('exifRotated').reason.rule).toBe('exif');
    // Ranks are a keep order: 0 for the keeper, each once.
    expect(g.photos.map((p) => p.rank).sort((x, y) => x - y)).toEqual(g.photos.map((_, i) => i));
    expect(g.photos[0].keep).toBe(true);
    expect(g.reclaimableBytes).toBe(g.photos.filter((p) => !p.keep).reduce((s, p) => s + p.size, 0));
  });

  it('does not group different photos', async () => {
    const all = await groups();
    for (const d of distractors) expect(groupWith(all, d), path.basename(d)).toBeUndefined();
    // Nor the two originals with each other.
    expect(groupWith(all, a.original)?.photos.some((p) => p.path === b.original)).toBeFalsy();
  });

  it('does not chain a gradient of images into one group', async () => {
    const hash = (f: string) => k.store.photos.byPath(f)!.phash!;
    // The chain is what it should be: every step near the next, the ends far apart.
    for (let i = 0; i + 1 < chain.length; i++) expect(hammingDistance(hash(chain[i]), hash(chain[i + 1]))).toBeLessThanOrEqual(NEAR_MAX_DISTANCE);
    expect(hammingDistance(hash(chain[0]), hash(chain[chain.length - 1]))).toBeGreaterThan(2 * NEAR_MAX_DISTANCE);

    const chainGroups = (await groups('near')).filter((g) => g.photos.some((p) => chain.includes(p.path)));
    expect(chainGroups.length).toBeGreaterThan(1);
    for (const g of chainGroups) {
      const files = g.photos.map((p) => p.path);
      expect(files.includes(chain[0]) && files.includes(chain[chain.length - 1])).toBe(false);
      // Every member is within the threshold of the group's anchor, so any two are within twice it.
      for (const x of files) for (const y of files) expect(hammingDistance(hash(x), hash(y))).toBeLessThanOrEqual(2 * NEAR_MAX_DISTANCE);
    }
  });
});

describe('"not duplicates" is remembered', () => {
  it('never re-suggests a dismissed group, also after a rename', async () => {
    const before = groupWith(await groups('near'), b.original)!;
    expect(before.photos.map((p) => p.path).sort()).toEqual([b.original, b.png, b.resized].sort());
    const { pairs } = await k.dismissDuplicates({ photoIds: before.photos.map((p) => p.id) });
    expect(pairs).toBe(3);
    expect(groupWith(await groups(), b.original)).toBeUndefined();

    // Rename on disk and re-index: same content, new path, still dismissed.
    const renamed = path.join(lib, 'b', 'renamed nikon.png');
    renameSync(b.png, renamed);
    b.png = renamed;
    await k.indexFolder(lib);
    expect(await idOf(renamed)).toBeDefined();
    const all = await groups();
    expect(groupWith(all, renamed)).toBeUndefined();
    expect(groupWith(all, b.original)).toBeUndefined();
  });

  it('can keep byte-identical copies on purpose', async () => {
    const g = groupWith(await groups('exact'), a.copy)!;
    await k.dismissDuplicates({ photoIds: g.photos.map((p) => p.id) });
    expect(groupWith(await groups('exact'), a.copy)).toBeUndefined();
    // The near group of the same picture is unaffected.
    expect(groupWith(await groups('near'), a.variants.png)).toBeDefined();
  });
});

describe('removal goes to the trash only, after a plan', () => {
  it('plans count and bytes without touching anything', async () => {
    const file = a.variants.jpeg40;
    const id = (await idOf(file))!;
    const plan = await k.planTrash({ photoIds: [id, 999_999] });
    expect(plan.count).toBe(1);
    expect(plan.bytes).toBe(statSync(file).size);
    expect(plan.photos).toEqual([{ id, path: file, size: statSync(file).size }]);
    expect(plan.missing).toEqual([999_999]);
    expect(plan.confirmToken).toMatch(/^[0-9a-f]{32}$/);
    expect(existsSync(file)).toBe(true);
    expect(trashCalls).toEqual([]);
  });

  it('refuses without the plan’s token, or for other photos than planned', async () => {
    const id = (await idOf(a.variants.jpeg40))!;
    const other = (await idOf(a.variants.webp))!;
    await expect(k.trashPhotos({ photoIds: [id], confirmToken: 'deadbeef'.repeat(4) })).rejects.toThrow(/not confirmed/);
    const plan = await k.planTrash({ photoIds: [id] });
    await expect(k.trashPhotos({ photoIds: [id, other], confirmToken: plan.confirmToken })).rejects.toThrow(/differ from the ones confirmed/);
    expect(trashCalls).toEqual([]);
    expect(existsSync(a.variants.jpeg40)).toBe(true);
  });

  it('moves the file with the injected trash function and drops it from the library', async () => {
    const file = a.variants.jpeg40;
    const size = statSync(file).size;
    const id = (await idOf(file))!;
    const plan = await k.planTrash({ photoIds: [id] });
    const outcome = await k.trashPhotos({ photoIds: [id], confirmToken: plan.confirmToken });
    expect(outcome).toEqual({ trashed: [{ id, path: file, size }], failed: [], bytesFreed: size });
    expect(trashCalls).toEqual([file]);
    // In the (test) trash, not unlinked.
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(trashDir)).toContain(path.basename(file));
    expect(await k.getPhoto(id)).toBeNull();
    expect(groupWith(await groups('near'), file)).toBeUndefined();
    // A token works once.
    await expect(k.trashPhotos({ photoIds: [id], confirmToken: plan.confirmToken })).rejects.toThrow(/not confirmed/);
  });

  it('does not trash a file that was replaced after the user confirmed', async () => {
    const file = path.join(lib, 'variants', 'replaced-later.webp');
    copyFileSync(a.variants.webp, file);
    await k.indexFolder(lib);
    const id = (await idOf(file))!;
    const plan = await k.planTrash({ photoIds: [id] });
    // Another program writes new content at the same path before the trash step.
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('new content')]));
    const outcome = await k.trashPhotos({ photoIds: [id], confirmToken: plan.confirmToken });
    expect(outcome.trashed).toEqual([]);
    expect(outcome.failed[0]).toMatchObject({ id, path: file });
    expect(outcome.failed[0].code).toBe('trash.fileChanged');
    expect(existsSync(file)).toBe(true);
    expect(trashCalls).not.toContain(file);
  });

  it('keeps a photo whose file could not be trashed, and says why', async () => {
    const file = path.join(lib, 'variants', 'fail-me.webp');
    copyFileSync(a.variants.webp, file);
    await k.indexFolder(lib);
    const id = (await idOf(file))!;
    const ok = (await idOf(a.variants.bright10))!;
    const plan = await k.planTrash({ photoIds: [id, ok] });
    expect(plan.count).toBe(2);
    const outcome = await k.trashPhotos({ photoIds: [id, ok], confirmToken: plan.confirmToken });
    expect(outcome.failed).toEqual([
      { id, path: file, code: 'trash.failed', params: { detail: 'EPERM: operation not permitted (test)' }, error: 'EPERM: operation not permitted (test)' },
    ]);
    expect(outcome.trashed.map((t) => t.id)).toEqual([ok]);
    expect(existsSync(file)).toBe(true);
    expect(await k.getPhoto(id)).not.toBeNull();
  });

  it('counts a trash function that leaves the file in place as a failure', async () => {
    const file = a.variants.crop5;
    const id = (await idOf(file))!;
    const lazy = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false, trashFile: async () => undefined });
    try {
      const plan = await lazy.planTrash({ photoIds: [id] });
      const outcome = await lazy.trashPhotos({ photoIds: [id], confirmToken: plan.confirmToken });
      expect(outcome.trashed).toEqual([]);
      expect(outcome.failed[0].error).toMatch(/still there/);
      expect(await lazy.getPhoto(id)).not.toBeNull();
    } finally {
      await lazy.close();
    }
  });
});

describe('the last copy of a picture is never trashed by accident', () => {
  it('refuses a plan that takes every member of a group, naming the photos', async () => {
    const g = groupWith(await groups('near'), a.original)!;
    const ids = g.photos.map((p) => p.id);
    const before = trashCalls.length;
    const err = await k.planTrash({ photoIds: ids }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KanjianError);
    const ke = err as KanjianError;
    expect(ke.code).toBe('duplicates.lastCopy');
    expect(ke.params.photos).toBe(ids.length);
    expect(String(ke.params.ids).split(',').map(Number).sort()).toEqual([...ids].sort());
    expect(String(ke.params.names)).toContain(g.photos[0].name);
    // All but one is fine: the group keeps a member on disk.
    const plan = await k.planTrash({ photoIds: ids.slice(1) });
    expect(plan.count).toBe(ids.length - 1);
    expect(plan.lastCopies).toEqual([]);
    expect(trashCalls.length).toBe(before);
  });

  it('refuses a photo that has no copy at all', async () => {
    const id = (await idOf(distractors[0]))!;
    await expect(k.planTrash({ photoIds: [id] })).rejects.toMatchObject({ code: 'duplicates.lastCopy' });
  });

  it('counts a member whose file is gone from disk as no copy', async () => {
    // An exact pair of a picture found nowhere else; one vanishes behind the library's back.
    const x = path.join(lib, 'lastcopy', 'x.png');
    const y = path.join(lib, 'lastcopy', 'y.png');
    mkdirSync(path.dirname(x), { recursive: true });
    const noise = Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7919) % 251));
    await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } }).png().toFile(x);
    copyFileSync(x, y);
    await k.indexFolder(lib);
    const [ix, iy] = [(await idOf(x))!, (await idOf(y))!];
    expect(groupWith(await groups('exact'), x)?.photos.map((p) => p.id).sort()).toEqual([ix, iy].sort());
    renameSync(y, path.join(tmp, 'y-moved-away.png'));
    await expect(k.planTrash({ photoIds: [ix] })).rejects.toMatchObject({ code: 'duplicates.lastCopy' });
    renameSync(path.join(tmp, 'y-moved-away.png'), y);
  });

  it('trashes the last copies only when the request says so, and re-checks at trash time', async () => {
    const x = path.join(lib, 'lastcopy', 'x.png');
    const y = path.join(lib, 'lastcopy', 'y.png');
    const [ix, iy] = [(await idOf(x))!, (await idOf(y))!];
    // Planned with one copy left: fine. Then that copy goes before the user confirms.
    const plan = await k.planTrash({ photoIds: [ix] });
    renameSync(y, path.join(tmp, 'y-moved-away.png'));
    await expect(k.trashPhotos({ photoIds: [ix], confirmToken: plan.confirmToken })).rejects.toMatchObject({ code: 'duplicates.lastCopy' });
    expect(existsSync(x)).toBe(true);
    renameSync(path.join(tmp, 'y-moved-away.png'), y);

    const both = await k.planTrash({ photoIds: [ix, iy], allowLastCopy: true });
    expect(both.count).toBe(2);
    expect(both.lastCopies).toHaveLength(1);
    expect(both.lastCopies[0].photoIds.sort()).toEqual([ix, iy].sort());
    const outcome = await k.trashPhotos({ photoIds: [ix, iy], confirmToken: both.confirmToken });
    expect(outcome.trashed.map((t) => t.path).sort()).toEqual([x, y].sort());
    expect(readdirSync(trashDir)).toEqual(expect.arrayContaining(['x.png', 'y.png']));
  });
});
