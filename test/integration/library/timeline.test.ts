// The timeline, folder tree and facets through the real core: photos written with EXIF capture
// dates (and one without, dated by its file time), indexed by Kanjian into real SQLite, then the
// histogram, a jump to an older month, the three sort orders, folder tree counts and the
// camera/lens/year lists.
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { Store } from '../../../main/core/store/index.js';
import { MIGRATIONS } from '../../../main/core/store/migrations.js';

let tmp: string;
let lib: string;
let k: Kanjian;

interface Spec {
  rel: string;
  taken?: string; // EXIF 'YYYY:MM:DD HH:mm:ss'
  make?: string;
  model?: string;
  lens?: string;
}

// Deliberately out of date order in their names and folders, so each sort has its own answer.
const SPECS: Spec[] = [
  { rel: '2023/summer/c-beach.jpg', taken: '2023:07:14 10:00:00', make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM' },
  { rel: '2023/summer/a-sea.jpg', taken: '2023:07:14 18:30:00', make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM' },
  { rel: '2023/summer/e-hill.jpg', taken: '2023:07:02 09:00:00', make: 'Canon', model: 'Canon EOS R5', lens: 'RF50mm F1.8 STM' },
  { rel: '2023/spring/b-park.jpg', taken: '2023:04:01 12:00:00', make: 'Apple', model: 'iPhone 13' },
  { rel: '2021/d-old.jpg', taken: '2021:12:25 08:00:00', make: 'NIKON CORPORATION', model: 'NIKON D750', lens: 'AF-S 50mm f/1.8G' },
  { rel: '2021/f-older.jpg', taken: '2021:01:03 08:00:00', make: 'NIKON CORPORATION', model: 'NIKON D750' },
  // No capture time: dated by its file (set below to 2022-03-10 local).
  { rel: 'scans/g-scan.jpg' },
];

async function write(spec: Spec, i: number): Promise<string> {
  const file = path.join(lib, spec.rel);
  mkdirSync(path.dirname(file), { recursive: true });
  const exif: Record<string, Record<string, string>> = {};
  if (spec.make) exif.IFD0 = { Make: spec.make, Model: spec.model ?? '' };
  if (spec.taken || spec.lens) exif.IFD2 = { ...(spec.taken && { DateTimeOriginal: spec.taken }), ...(spec.lens && { LensModel: spec.lens }) };
  let img = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (i * 37) % 256, g: 90, b: 160 } } });
  if (Object.keys(exif).length) img = img.withExif(exif);
  await img.jpeg().toFile(file);
  return file;
}

const byRel = (rel: string) => path.join(lib, rel);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-timeline-'));
  lib = path.join(tmp, 'library');
  for (const [i, s] of SPECS.entries()) await write(s, i);
  const scanDate = new Date(2022, 2, 10, 15, 0, 0); // local time, like the fallback
  utimesSync(byRel('scans/g-scan.jpg'), scanDate, scanDate);
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false, model: null });
  const summary = await k.indexFolder(lib);
  expect(summary.failed).toEqual([]);
}, 120_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const names = (ps: { name: string }[]) => ps.map((p) => p.name);

describe('timeline', () => {
  it('counts photos per month, newest first, with the file date standing in for a missing capture date', async () => {
    const tl = await k.timeline({ by: 'month' });
    expect(tl.by).toBe('month');
    expect(tl.buckets.map((b) => [b.key, b.count])).toEqual([
      ['2023-07', 3],
      ['2023-04', 1],
      ['2022-03', 1],
      ['2021-12', 1],
      ['2021-01', 1],
    ]);
    expect(tl.total).toBe(SPECS.length);
    expect(tl.buckets.map((b) => b.offset)).toEqual([0, 3, 4, 5, 6]);
  });

  it('counts per day too', async () => {
    const tl = await k.timeline({ by: 'day' });
    expect(tl.buckets.slice(0, 2).map((b) => [b.key, b.count])).toEqual([
      ['2023-07-14', 2],
      ['2023-07-02', 1],
    ]);
  });

  it('jumps to an older month: the page at its offset starts with its photos', async () => {
    const tl = await k.timeline({ by: 'month' });
    const dec = tl.buckets.find((b) => b.key === '2021-12')!;
    const page = await k.listPhotos({ sort: 'taken', offset: dec.offset, limit: 2 });
    expect(names(page.photos)).toEqual(['d-old.jpg', 'f-older.jpg']);
    expect(page.total).toBe(SPECS.length);
    // And the photo just before it belongs to the newer month (2022-03: the scan, by file date).
    const before = await k.listPhotos({ sort: 'taken', offset: dec.offset - 1, limit: 1 });
    expect(names(before.photos)).toEqual(['g-scan.jpg']);
    expect(before.photos[0].takenAt).toBeNull();
  });

  it('sorts by date taken (newest first), by name, and by date added', async () => {
    const taken = await k.listPhotos({ sort: 'taken', limit: 100 });
    expect(names(taken.photos)).toEqual(['a-sea.jpg', 'c-beach.jpg', 'e-hill.jpg', 'b-park.jpg', 'g-scan.jpg', 'd-old.jpg', 'f-older.jpg']);
    const byName = await k.listPhotos({ sort: 'name', limit: 100 });
    expect(names(byName.photos)).toEqual(['a-sea.jpg', 'b-park.jpg', 'c-beach.jpg', 'd-old.jpg', 'e-hill.jpg', 'f-older.jpg', 'g-scan.jpg']);
    // Added: newest row first; a photo added after the others comes first.
    const late = await write({ rel: '2019/z-late.jpg', taken: '2019:05:05 05:05:05' }, 99);
    await k.indexFolder(lib);
    const added = await k.listPhotos({ sort: 'added', limit: 100 });
    expect(added.photos[0].path).toBe(late);
    expect(added.total).toBe(SPECS.length + 1);
    // …and lands last by date, in its own month.
    const tl = await k.timeline({});
    expect(tl.buckets.at(-1)).toEqual({ key: '2019-05', count: 1, offset: SPECS.length });
    rmSync(late);
    await k.indexFolder(lib);
    expect((await k.timeline({})).total).toBe(SPECS.length);
  });

  it('groups under filters the same way: a folder, a year, a camera', async () => {
    const summer = await k.timeline({ filters: { folder: byRel('2023/summer') }, by: 'day' });
    expect(summer.buckets.map((b) => [b.key, b.count])).toEqual([
      ['2023-07-14', 2],
      ['2023-07-02', 1],
    ]);
    const y2021 = await k.timeline({ filters: { from: '2021-01-01', to: '2021-12-31' } });
    expect(y2021.buckets.map((b) => b.key)).toEqual(['2021-12', '2021-01']);
    const page = await k.listPhotos({ sort: 'taken', filters: { camera: 'NIKON D750' }, limit: 10 });
    expect(names(page.photos)).toEqual(['d-old.jpg', 'f-older.jpg']);
    const fileDated = await k.listPhotos({ filters: { from: '2022-03-10', to: '2022-03-10' }, limit: 10 });
    expect(names(fileDated.photos)).toEqual(['g-scan.jpg']);
  });
});

describe('folder tree', () => {
  it('lists every sub-folder holding photos, with counts that include sub-folders', async () => {
    const root = (await k.listFolders())[0];
    const tree = (await k.folderTree(root.id))!;
    expect(tree.path).toBe(lib);
    expect(tree.photoCount).toBe(SPECS.length);
    expect(tree.ownCount).toBe(0);
    const shape = (n: typeof tree): unknown => [n.name, n.photoCount, n.ownCount, n.children.map(shape)];
    expect(shape(tree)).toEqual([
      'library', 7, 0,
      [
        ['2021', 2, 2, []],
        ['2023', 4, 0, [['spring', 1, 1, []], ['summer', 3, 3, []]]],
        ['scans', 1, 1, []],
      ],
    ]);
    expect(await k.folderTree(9999)).toBeNull();
  });

  it('a sub-folder filters the grid and its photos have tags only with a model (none here)', async () => {
    const page = await k.listPhotos({ filters: { folder: byRel('2023') }, limit: 10 });
    expect(page.total).toBe(4);
    expect(await k.folderPathTags({ path: byRel('2023') })).toEqual([]);
  });
});

describe('facets', () => {
  it('lists cameras, lenses and years with counts, most photos first', async () => {
    const f = await k.facets({});
    expect(f.cameras).toEqual([
      { camera: 'Canon EOS R5', count: 3 },
      { camera: 'NIKON D750', count: 2 },
      { camera: 'Apple iPhone 13', count: 1 },
    ]);
    expect(f.lenses).toEqual([
      { lens: 'RF24-70mm F2.8 L IS USM', count: 2 },
      { lens: 'AF-S 50mm f/1.8G', count: 1 },
      { lens: 'RF50mm F1.8 STM', count: 1 },
    ]);
    expect(f.years).toEqual([
      { year: 2023, count: 4 },
      { year: 2022, count: 1 },
      { year: 2021, count: 2 },
    ]);
  });

  it('counts each list under the other filters, not its own', async () => {
    const f = await k.facets({ filters: { camera: 'Canon EOS R5', from: '2023-07-01', to: '2023-07-31' } });
    // Cameras: under the date filter only (July 2023 holds only the R5).
    expect(f.cameras).toEqual([{ camera: 'Canon EOS R5', count: 3 }]);
    // Years: under the camera filter only.
    expect(f.years).toEqual([{ year: 2023, count: 3 }]);
    expect(f.lenses.map((l) => l.count)).toEqual([2, 1]);
  });

  it('each camera and lens offered filters to exactly its photos', async () => {
    const f = await k.facets({});
    expect(f.cameras.length).toBeGreaterThan(0);
    for (const c of f.cameras) {
      expect((await k.listPhotos({ filters: { camera: c.camera }, limit: 100 })).total, c.camera).toBe(c.count);
    }
    expect(f.lenses.length).toBeGreaterThan(0);
    for (const l of f.lenses) {
      expect((await k.listPhotos({ filters: { lens: l.lens }, limit: 100 })).total, l.lens).toBe(l.count);
    }
  });
});

describe('the timeline migration', () => {
  it('dates the photos of a library written before it (run again, it changes nothing)', () => {
    const file = path.join(tmp, 'old.db');
    let store = Store.open(file);
    const folder = store.folders.add('/old');
    const base = { folder_id: folder.id, size: 1, sha256: null, width: 1, height: 1, format: 'jpeg', camera_make: null, camera_model: null, lat: null, lon: null, orientation: 1, phash: null, has_thumb: 0, status: 'indexed' as const, error: null, indexed_at: 0 };
    store.photos.upsert({ ...base, path: '/old/a.jpg', mtime_ms: 0, taken_at: '2001-02-03T04:05:06' });
    store.photos.upsert({ ...base, path: '/old/b.jpg', mtime_ms: new Date(2005, 6, 1, 12).getTime(), taken_at: null });
    // As a library from before the migration: no column values, no triggers, no index.
    store.db.exec(`UPDATE photos SET date_key = NULL; DROP TRIGGER photos_date_ai; DROP TRIGGER photos_date_au; DROP INDEX photos_timeline;`);
    // …whose schema stops just before the timeline's migration (later ones are idempotent too).
    const timelineVersion = MIGRATIONS.findIndex((m) => m.toString().includes('photos_date_ai'));
    expect(timelineVersion).toBeGreaterThan(0);
    store.db.pragma(`user_version = ${timelineVersion}`);
    store.close();
    store = Store.open(file);
    try {
      expect(store.db.prepare('SELECT path, date_key FROM photos ORDER BY path').raw().all()).toEqual([
        ['/old/a.jpg', '2001-02-03T04:05:06'],
        ['/old/b.jpg', '2005-07-01T12:00:00'],
      ]);
      expect(store.db.prepare("SELECT name FROM sqlite_master WHERE name IN ('photos_timeline', 'photos_date_ai', 'photos_date_au') ORDER BY name").pluck().all()).toEqual(['photos_date_ai', 'photos_date_au', 'photos_timeline']);
      // A later change of the file keeps the date in step.
      store.photos.upsert({ ...base, path: '/old/a.jpg', mtime_ms: 0, taken_at: '2011-02-03T04:05:06' });
      expect(store.db.prepare("SELECT date_key FROM photos WHERE path = '/old/a.jpg'").pluck().get()).toBe('2011-02-03T04:05:06');
    } finally {
      store.close();
    }
  });
});
