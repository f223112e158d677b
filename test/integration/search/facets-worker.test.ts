// A big library's filter facets load on a worker thread (knn/facets-worker.ts) instead of
// the thread that serves search: real library file, a real worker thread, real SQL. The library
// here is small; the registry's threshold is lowered so it takes the worker path.
import { existsSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SearchFilters } from '../../../main/core/api.js';
import { PhotoFacets } from '../../../main/core/knn/facets.js';
import { facetsKey, restoreFacets } from '../../../main/core/knn/facets-file.js';
import { keepIndexesForNextStart, libraryIndexes, type LibraryIndexes } from '../../../main/core/knn/registry.js';
import { filterSql } from '../../../main/core/search/filters.js';
import { searchPhotos } from '../../../main/core/search/search.js';
import { Store } from '../../../main/core/store/index.js';
import { DIM, syntheticModel } from '../../bench/scale/library.js';
import { embeddingWorld } from '../../bench/scale/vectors.js';
import { until } from '../../helpers/until.js';

const N = 400;
let dir: string;
let file: string;
let store: Store;
let modelId: number;
const world = embeddingWorld(7, DIM);

function addPhoto(s: Store, i: number, over: Partial<{ camera_make: string; camera_model: string; lat: number; lon: number }> = {}): void {
  const folder = s.folders.all()[i % 2].id;
  const year = 2000 + (i % 20);
  const sha = `sha-${i}`;
  s.tx(() => {
    s.photos.upsert({
      folder_id: folder, path: `/lib/${'ab'[i % 2]}/${year}/IMG_${i}.jpg`, size: 1, mtime_ms: Date.UTC(year, 5, 1), sha256: sha, width: 10, height: 10,
      format: i % 5 === 0 ? 'png' : 'jpeg', taken_at: `${year}-03-0${1 + (i % 9)}T10:00:00`, camera_make: i % 3 ? 'Canon' : 'Apple',
      camera_model: i % 3 ? 'Canon EOS 40D' : 'iPhone 13', lat: i % 4 === 0 ? 31 : null, lon: i % 4 === 0 ? 121 : null,
      orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0, ...over,
    });
    s.vectors.put(s.vectors.ensureModel('synthetic-clustered-512', DIM), sha, world.nextImage()); // syntheticModel's key
  });
}

/** The vector ids the filter's SQL keeps (what the bitmap must allow). */
function sqlAllowed(f: SearchFilters): number[] {
  const sql = filterSql(f);
  return store.db
    .prepare(`SELECT DISTINCT e.id FROM photos p JOIN embeddings e ON e.sha256 = p.sha256 AND e.model_id = ? WHERE ${sql.sql} ORDER BY e.id`)
    .pluck()
    .all(modelId, ...sql.params) as number[];
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kanjian-facets-worker-'));
  file = path.join(dir, 'library.db');
  store = Store.open(file);
  store.folders.add('/lib/a');
  store.folders.add('/lib/b');
  modelId = syntheticModel(store, world).modelId;
  for (let i = 0; i < N; i++) addPhoto(store, i);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('facets of a big library, loaded on a worker thread', () => {
  it('allow exactly what the SQL keeps, a photo written while the worker ran included', async () => {
    const indexes = libraryIndexes(store.db);
    indexes.facetsWorkerFrom = 1;
    const index = indexes.vectorIndex(modelId, DIM);
    indexes.warmFacets(modelId);
    // Under way on the worker: a filtered read would have to wait, so it is not ready.
    expect(indexes.facetsReady(modelId)).toBe(false);
    // Written on this connection after the worker started (before or after its read).
    addPhoto(store, N, { camera_make: 'Leica', camera_model: 'M11' });
    await indexes.prepareFacets(modelId);
    expect(indexes.facetsReady(modelId)).toBe(true);

    const current = indexes.vectorIndex(modelId, DIM);
    expect(current).toBe(index);
    const filters: SearchFilters[] = [{ camera: 'leica' }, { folder: '/lib/a' }, { from: '2010', to: '2015' }, { hasGps: true }, { types: ['png'] }, { camera: 'iphone', folder: '/lib/b' }];
    const fresh = PhotoFacets.load(store.db, modelId);
    for (const f of filters) {
      const { bitmap, count } = indexes.allowed(current, f);
      const got: number[] = [];
      for (let at = 0; at < bitmap.length; at++) if (bitmap[at]) got.push(at);
      const expected = sqlAllowed(f);
      expect(expected.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(got, JSON.stringify(f)).toEqual(expected.map((eid) => current.positionOf(eid)).sort((x, y) => x - y));
      expect(count).toBe(expected.length);
      // The same bitmap as the facets loaded in this thread.
      expect(fresh.allowed(f, current.size, (eid) => current.positionOf(eid)).bitmap).toEqual(bitmap);
    }
    expect(indexes.allowed(current, { camera: 'leica' }).count).toBe(1);
  });

  it('a filtered search waits for the worker and answers with the filter applied', async () => {
    const model = syntheticModel(store, world);
    libraryIndexes(store.db).facetsWorkerFrom = 1;
    // The first search of the process loads the image index and starts the facets' worker.
    const plain = await searchPhotos(store, model, { query: 'anything', limit: 50, minScore: -1 });
    expect(plain.results.length).toBe(50);
    const gps = await searchPhotos(store, model, { query: 'anything', limit: 50, minScore: -1, filters: { hasGps: true } });
    expect(gps.results.length).toBe(50);
    const withGps = new Set(store.db.prepare('SELECT id FROM photos WHERE lat IS NOT NULL').pluck().all() as number[]);
    for (const r of gps.results) expect(withGps.has(r.photo.id)).toBe(true);
    expect(plain.results.some((r) => !withGps.has(r.photo.id))).toBe(true);
  });
});

describe('the facets file: the next start of a big library reads its facets back', () => {
  /** A start: this connection's first filtered search, with the facets loaded by the worker. */
  async function start(s: Store): Promise<LibraryIndexes> {
    const indexes = libraryIndexes(s.db);
    indexes.facetsWorkerFrom = 1;
    indexes.vectorIndex(modelId, DIM);
    indexes.warmFacets(modelId);
    await indexes.prepareFacets(modelId);
    return indexes;
  }
  function expectAsSql(indexes: LibraryIndexes): void {
    const index = indexes.vectorIndex(modelId, DIM);
    for (const f of [{ camera: 'leica' }, { folder: '/lib/a' }, { from: '2010', to: '2015' }, { hasGps: true }, { types: ['png'] }] as SearchFilters[]) {
      const { bitmap, count } = indexes.allowed(index, f);
      const got: number[] = [];
      for (let at = 0; at < bitmap.length; at++) if (bitmap[at]) got.push(at);
      const expected = sqlAllowed(f);
      expect(got, JSON.stringify(f)).toEqual(expected.map((eid) => index.positionOf(eid)).sort((x, y) => x - y));
      expect(count, JSON.stringify(f)).toBe(expected.length);
    }
  }
  /**
   * A start after a change the facets file does not hold: the first filtered search answers at
   * once from that earlier file while the worker loads the facets from the library; this waits
   * for that load.
   */
  async function afresh(indexes: LibraryIndexes): Promise<void> {
    expect(indexes.lastFacetsLoad).toBe('earlier file');
    await until('the worker loads the facets from the library', () => indexes.lastFacetsLoad === 'library');
  }
  const restart = () => {
    store.close();
    store = Store.open(file);
  };
  /**
   * The next start of the app: where its facets came from, and how many photos its Leica
   * filter allows, as well as every filter matching SQL.
   */
  async function nextStart(from: 'file' | 'library', leica: number): Promise<LibraryIndexes> {
    restart();
    const indexes = await start(store);
    if (from === 'library') await afresh(indexes);
    expect(indexes.lastFacetsLoad).toBe(from);
    expect(indexes.allowed(indexes.vectorIndex(modelId, DIM), { camera: 'leica' }).count).toBe(leica);
    expectAsSql(indexes);
    return indexes;
  }

  it('when nothing changed since it was written, and not after a change by another process', async () => {
    expect((await start(store)).lastFacetsLoad).toBe('library');
    const cache = `${file}.facets-${modelId}`;
    expect(existsSync(cache)).toBe(true);

    restart();
    const again = await start(store);
    expect(again.lastFacetsLoad).toBe('file');
    expectAsSql(again);

    // Another process renames a photo's camera: the file no longer stands for the library.
    const other = Store.open(file);
    try {
      other.db.prepare("UPDATE photos SET camera_make = 'Leica', camera_model = 'M11' WHERE id = (SELECT MIN(id) FROM photos)").run();
    } finally {
      other.close();
    }
    await nextStart('library', 1);

    // A photo added and one removed on the next start's own connection: written afresh at the start after.
    restart();
    expect((await start(store)).lastFacetsLoad).toBe('file');
    addPhoto(store, N + 5, { lat: 31, lon: 121 });
    store.db.prepare('DELETE FROM photos WHERE id = (SELECT MAX(id) - 1 FROM photos)').run();
    restart();
    const after = await start(store);
    await afresh(after);
    expectAsSql(after);
  });

  it('is written again when the app quits after its own changes, and not after another process wrote', async () => {
    const cache = `${file}.facets-${modelId}`;
    expect((await start(store)).lastFacetsLoad).toBe('library');
    // The app adds a photo and removes one while it runs; a filtered search takes one change in
    // before the quit, the other is taken in by the quit itself.
    addPhoto(store, N + 7, { camera_make: 'Leica', camera_model: 'M11' });
    const running = libraryIndexes(store.db);
    expect(running.allowed(running.vectorIndex(modelId, DIM), { camera: 'leica' }).count).toBe(1);
    store.db.prepare('DELETE FROM photos WHERE id = (SELECT MIN(id) FROM photos)').run();
    keepIndexesForNextStart(store.db);
    await nextStart('file', 1);

    // Nothing changed this time: the quit leaves the file as it was.
    const written = statSync(cache).mtimeMs;
    keepIndexesForNextStart(store.db);
    expect(statSync(cache).mtimeMs).toBe(written);

    // Another process changes a camera while the app runs (its facets cannot see that update):
    // the quit must not write a file that would hide it at the next start.
    const other = Store.open(file);
    try {
      other.db.prepare("UPDATE photos SET camera_make = 'Leica', camera_model = 'M11' WHERE id = (SELECT MAX(id) - 3 FROM photos)").run();
    } finally {
      other.close();
    }
    addPhoto(store, N + 8);
    keepIndexesForNextStart(store.db);
    await nextStart('library', 2);
  });

  it('after another process wrote while the app was closed: the first filtered search answers from the earlier file, with its new photos', async () => {
    await start(store);
    keepIndexesForNextStart(store.db);
    store.close();
    // A `cli index` while the app is closed: a new Leica photo, and a photo's camera re-read as Leica.
    const other = Store.open(file);
    try {
      addPhoto(other, N + 11, { camera_make: 'Leica', camera_model: 'M11' });
      other.db.prepare("UPDATE photos SET camera_make = 'Leica', camera_model = 'M11' WHERE id = (SELECT MIN(id) FROM photos)").run();
    } finally {
      other.close();
    }
    store = Store.open(file);
    const indexes = await start(store);
    expect(indexes.lastFacetsLoad).toBe('earlier file');
    // The new photo is caught up by id; the update waits for the worker's load (the SQL has the
    // last word on what is shown, so a moment-stale bitmap never shows a photo the filter excludes).
    const index = indexes.vectorIndex(modelId, DIM);
    const newEid = store.db.prepare("SELECT id FROM embeddings WHERE sha256 = ?").pluck().get(`sha-${N + 11}`) as number;
    const early = indexes.allowed(index, { camera: 'leica' });
    expect(early.count).toBe(1);
    expect(early.bitmap[index.positionOf(newEid)]).toBe(1);
    await afresh(indexes);
    expect(indexes.allowed(index, { camera: 'leica' }).count).toBe(2);
    expectAsSql(indexes);
  });

  it('a photo another process adds while the app runs is allowed by the next filtered search', async () => {
    const indexes = await start(store);
    const other = Store.open(file);
    try {
      addPhoto(other, N + 9, { camera_make: 'Leica', camera_model: 'M11' });
    } finally {
      other.close();
    }
    expect(indexes.allowed(indexes.vectorIndex(modelId, DIM), { camera: 'leica' }).count).toBe(1);
    expectAsSql(indexes);
  });

  it('is not read for another time zone, another model, or when torn', async () => {
    await start(store);
    const cache = `${file}.facets-${modelId}`;
    const key = facetsKey(store.db)!;
    expect(restoreFacets(cache, key, modelId)?.n).toBe(N);
    expect(restoreFacets(cache, { ...key, zone: 'Asia/Shanghai -480 -480 (another)' }, modelId)).toBeNull();
    expect(restoreFacets(cache, { ...key, epoch: key.epoch + 1 }, modelId)).toBeNull();
    expect(restoreFacets(cache, key, modelId + 1)).toBeNull();
    truncateSync(cache, 1000);
    expect(restoreFacets(cache, key, modelId)).toBeNull();
  });
});

describe('the change feed', () => {
  it('tells every consumer of a write by another connection, not only the first to look', () => {
    const feed = libraryIndexes(store.db).feed;
    feed.subscribe('a');
    feed.subscribe('b');
    const other = Store.open(file);
    try {
      addPhoto(other, N + 1);
    } finally {
      other.close();
    }
    expect(feed.take('a').foreign).toBe(true);
    expect(feed.take('b').foreign).toBe(true);
    expect(feed.take('a').foreign).toBe(false);
  });
});
