// The in-memory image index against the oracle it replaces: an exact float scan over the same
// vectors (chosen by the test, clustered like real embeddings), filters against the SQL of
// filters.ts, and the index following writes made after it was loaded.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchFilters } from '../../../main/core/api.js';
import { filterSql } from '../../../main/core/search/filters.js';
import { keepIndexesForNextStart, libraryIndexes } from '../../../main/core/knn/registry.js';
import { VectorIndex } from '../../../main/core/knn/vector-index.js';
import { Store } from '../../../main/core/store/index.js';
import { embeddingWorld, rng } from '../../bench/scale/vectors.js';

const N = 6000;
const world = embeddingWorld(11);
const vectors: Float32Array[] = [];
let store: Store;
let modelId: number;

function exactTop(q: Float32Array, k: number, keep: (i: number) => boolean = () => true): number[] {
  const scored: [number, number][] = [];
  vectors.forEach((v, i) => {
    if (!keep(i)) return;
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j] * q[j];
    scored.push([s, i]);
  });
  return scored.sort((a, b) => b[0] - a[0]).slice(0, k).map(([, i]) => i);
}

beforeAll(() => {
  store = Store.open(':memory:');
  const r = rng(5);
  const folders = ['/lib/a', '/lib/b'].map((p) => store.folders.add(p).id);
  modelId = store.vectors.ensureModel('test-512', 512);
  const cameras: [string | null, string | null][] = [['Canon', 'Canon EOS 40D'], ['Apple', 'iPhone 13'], [null, null]];
  store.tx(() => {
    for (let i = 0; i < N; i++) {
      const v = world.nextImage();
      vectors.push(v);
      const sha = `sha-${i}`;
      const f = i % 2;
      const [make, model] = cameras[i % 3];
      const year = 2000 + (i % 25);
      store.photos.upsert({
        folder_id: folders[f], path: `/lib/${'ab'[f]}/${year}/IMG_${i}.jpg`, size: 1, mtime_ms: Date.UTC(year, 6, 1, 12, 30),
        sha256: sha, width: 10, height: 10, format: i % 5 === 0 ? 'png' : 'jpeg',
        taken_at: i % 4 === 0 ? null : `${year}-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:00:00`,
        camera_make: make, camera_model: model, lat: i % 6 === 0 ? 10 + r() * 40 : null, lon: i % 6 === 0 ? -20 + r() * 60 : null,
        orientation: 1, phash: null, has_thumb: 0, status: i % 50 === 7 ? 'failed' : 'indexed', error: null, indexed_at: 0,
        lens: i % 7 === 0 ? 'EF 50mm f/1.8' : i % 7 === 1 ? 'ef 50mm f/1.8' : null,
      });
      store.vectors.put(modelId, sha, v);
    }
    // Copies of contents elsewhere (a content passes a filter when any of its photos does), and
    // photos whose content has no vector (no row of theirs may be allowed).
    for (let i = 0; i < N; i += 37) {
      const year = 2000 + ((i * 7) % 25);
      store.photos.upsert({
        folder_id: folders[1 - (i % 2)], path: `/lib/${'ba'[i % 2]}/${year}/copy_${i}.png`, size: 1, mtime_ms: Date.UTC(year, 1, 1),
        sha256: `sha-${i}`, width: 10, height: 10, format: 'png', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null,
        orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0, lens: null,
      });
      store.photos.upsert({
        folder_id: folders[i % 2], path: `/lib/${'ab'[i % 2]}/${year}/novector_${i}.jpg`, size: 1, mtime_ms: Date.UTC(year, 1, 1),
        sha256: `sha-none-${i}`, width: 10, height: 10, format: 'jpeg', taken_at: null, camera_make: 'Canon', camera_model: 'Canon EOS 40D', lat: 30, lon: 10,
        orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0, lens: null,
      });
    }
    // Places of the photos with GPS, as Places.sync writes them (the geocoder is tested on its own).
    store.db.exec(`INSERT INTO photo_places (photo_id, city_id, country, admin1, lat, lon)
      SELECT id, CASE WHEN (id - 1) % 12 = 0 THEN 2988507 WHEN (id - 1) % 24 = 6 THEN 1816670 ELSE 1796556 END,
             CASE WHEN (id - 1) % 12 = 0 THEN 'FR' ELSE 'CN' END, '', lat, lon FROM photos WHERE lat IS NOT NULL`);
  });
});
afterAll(() => store.close());

describe('VectorIndex', () => {
  it('finds the exact top 10 for at least 95% of queries\' neighbours (recall@10 vs a float scan)', () => {
    const index = VectorIndex.load(store.db, modelId, 512);
    expect(index.size).toBe(N);
    let found = 0;
    const queries = Array.from({ length: 25 }, () => world.query());
    for (const q of queries) {
      const truth = new Set(exactTop(q, 10).map((i) => i + 1)); // embeddings.id = insertion order
      const got = index.search(q, 100).slice(0, 10);
      expect(got).toHaveLength(10);
      found += got.filter((h) => truth.has(h.eid)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('scores are cosines within 0.01 of the exact ones, best first', () => {
    const index = VectorIndex.load(store.db, modelId, 512);
    const q = world.query();
    const hits = index.search(q, 20);
    expect(hits).toHaveLength(20);
    for (const h of hits) {
      const v = vectors[h.eid - 1];
      let s = 0;
      for (let j = 0; j < 512; j++) s += v[j] * q[j];
      expect(Math.abs(h.score - s)).toBeLessThan(0.01);
    }
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });
});

describe('filters inside the KNN', () => {
  const cases: SearchFilters[] = [
    { folder: '/lib/a' }, { folder: '/lib/b/2010' }, { from: '2010', to: '2012-06' }, { to: '2003-07-01T12:30' },
    { camera: 'canon' }, { camera: 'IPHONE' }, { hasGps: true }, { hasGps: false }, { types: ['PNG' as 'png'] },
    { bbox: [0, 20, 30, 45] }, { bbox: [30, 0, -10, 90] }, { folder: '/lib/a', from: '2020', types: ['jpg' as 'jpeg'] },
    { lens: 'EF 50mm f/1.8' }, { lens: 'ef 50mm f/1.8', folder: '/lib/b' },
    { place: { country: 'CN' } }, { place: { country: 'CN', cityId: 1816670 } }, { place: { country: 'FR' }, from: '2010' },
  ];
  for (const f of cases) {
    it(`allows exactly the contents the SQL keeps: ${JSON.stringify(f)}`, () => {
      const indexes = libraryIndexes(store.db);
      const index = indexes.vectorIndex(modelId, 512);
      const { bitmap, count } = indexes.allowed(index, f);
      const sql = filterSql(f);
      const expected = store.db
        .prepare(`SELECT DISTINCT e.id FROM photos p JOIN embeddings e ON e.sha256 = p.sha256 WHERE ${sql.sql} ORDER BY e.id`)
        .pluck()
        .all(...sql.params) as number[];
      expect(expected.length).toBeGreaterThan(0);
      const got: number[] = [];
      for (let i = 0; i < bitmap.length; i++) if (bitmap[i]) got.push(i + 1);
      expect(got).toEqual(expected);
      expect(count).toBe(expected.length);

      // And the filtered KNN returns the exact filtered neighbours, not the global ones cut down.
      const allowedIds = new Set(expected);
      let overlap = 0;
      let wanted = 0;
      for (let t = 0; t < 4; t++) {
        const q = world.query();
        const truth = exactTop(q, 10, (i) => allowedIds.has(i + 1));
        const hits = index.search(q, 50, { allowed: bitmap }).slice(0, 10);
        expect(hits.length).toBe(Math.min(10, expected.length));
        for (const h of hits) expect(allowedIds.has(h.eid)).toBe(true);
        overlap += hits.filter((h) => truth.includes(h.eid - 1)).length;
        wanted += truth.length;
      }
      expect(overlap / wanted).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe('the index follows the library', () => {
  it('a vector committed after the index loaded is found by the next search; a removed photo\'s is not', () => {
    const indexes = libraryIndexes(store.db);
    const before = indexes.vectorIndex(modelId, 512);
    const q = world.query();
    const fresh = new Float32Array(q); // the query itself: the new photo must come first
    const folder = store.folders.all()[0].id;
    store.tx(() => {
      store.photos.upsert({
        folder_id: folder, path: '/lib/a/new.jpg', size: 1, mtime_ms: Date.UTC(2030, 0, 1), sha256: 'sha-new', width: 1, height: 1,
        format: 'jpeg', taken_at: '2030-01-01T00:00:00', camera_make: 'Leica', camera_model: 'M11', lat: null, lon: null,
        orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0,
      });
      store.vectors.put(modelId, 'sha-new', fresh);
    });
    const index = indexes.vectorIndex(modelId, 512);
    expect(index).toBe(before);
    const eid = store.db.prepare("SELECT id FROM embeddings WHERE sha256 = 'sha-new'").pluck().get() as number;
    expect(index.search(q, 5)[0].eid).toBe(eid);
    // The facets saw the new photo too: a filter only it passes allows only its vector.
    const only = indexes.allowed(index, { camera: 'leica' });
    expect(only.count).toBe(1);
    expect(only.bitmap[index.positionOf(eid)]).toBe(1);

    store.photos.removePaths(['/lib/a/new.jpg']);
    store.vectors.markOrphans();
    expect(indexes.vectorIndex(modelId, 512).search(q, 5).map((h) => h.eid)).not.toContain(eid);
    expect(indexes.allowed(index, { camera: 'leica' }).count).toBe(0);
  });
});

/** `fn` with a library file's path in a fresh temp folder, removed after. */
function withLibraryFile(fn: (file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'knn-file-'));
  try {
    fn(path.join(dir, 'library.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the codes file beside the library', () => {
  it('a restart reads the codes back (same answers), catches up rows added since, and checks them row by row after a delete', () => {
    withLibraryFile((file) => {
      const cache = `${file}.knn-1`;
      const w = embeddingWorld(3);
      let s = Store.open(file);
      const id = s.vectors.ensureModel('m', 512);
      s.tx(() => { for (let i = 0; i < 1500; i++) s.vectors.put(id, `a${i}`, w.nextImage()); });
      const q = w.query();
      const built = VectorIndex.load(s.db, id, 512, cache);
      expect(existsSync(cache)).toBe(true);
      const want = built.search(q, 20);
      s.close();

      s = Store.open(file);
      const restored = VectorIndex.load(s.db, id, 512, cache);
      expect(restored.size).toBe(1500);
      expect(restored.search(q, 20)).toEqual(want);
      // Rows added while the file was not looking: read on top of the file.
      const extra = new Float32Array(q);
      s.vectors.put(id, 'added-later', extra);
      const grown = VectorIndex.load(s.db, id, 512, cache);
      expect(grown.size).toBe(1501);
      const addedId = s.db.prepare("SELECT id FROM embeddings WHERE sha256 = 'added-later'").pluck().get() as number;
      expect(grown.search(q, 1)[0].eid).toBe(addedId);
      // Many rows added (a `cli index` while the app was closed): read from the chunks that hold them.
      const many: string[] = [];
      s.tx(() => {
        for (let i = 0; i < 700; i++) {
          many.push(`many-${i}`);
          s.vectors.put(id, `many-${i}`, w.nextImage());
        }
      });
      s.db.prepare("UPDATE embeddings SET orphaned_at = ? WHERE sha256 = 'many-3'").run(Date.now());
      const caught = VectorIndex.load(s.db, id, 512, cache);
      expect(caught.loadedFrom).toBe('file and rows since');
      expect(caught.size).toBe(2201);
      const eidOf = (sha: string) => s.db.prepare('SELECT id FROM embeddings WHERE sha256 = ?').pluck().get(sha) as number;
      for (const sha of ['many-0', 'many-350', 'many-699']) expect(caught.search(caught.vectorOf(eidOf(sha))!, 1)[0].eid, sha).toBe(eidOf(sha));
      expect(caught.aliveAt(caught.positionOf(eidOf('many-3')))).toBe(false);
      expect(caught.aliveAt(caught.positionOf(eidOf('many-4')))).toBe(true);
      s.db.prepare("UPDATE embeddings SET orphaned_at = NULL WHERE sha256 = 'many-3'").run();
      // A deleted row the file still holds: the file is read and checked against the store's rows,
      // and the deleted row is held dead (never an answer), as a purge while running leaves it.
      const v5 = caught.vectorOf(5)!;
      expect(caught.search(v5, 1)[0].eid).toBe(5);
      s.db.prepare('DELETE FROM embeddings WHERE id = 5').run();
      s.db.prepare(`DELETE FROM vec_image_${id} WHERE rowid = 5`).run();
      const checked = VectorIndex.load(s.db, id, 512, cache);
      expect(checked.loadedFrom).toBe('file, rows checked');
      expect(checked.aliveAt(checked.positionOf(5))).toBe(false);
      expect(checked.search(v5, 20).map((h) => h.eid)).not.toContain(5);
      expect(checked.search(v5, 20)).toEqual(VectorIndex.load(s.db, id, 512).search(v5, 20));
      s.close();
    });
  });
});

describe('the codes file, written again when the library closes', () => {
  it('after rows were added and one purged: the next start reads the file alone, with the same answers and without the purged row', () => {
    withLibraryFile((file) => {
      const w = embeddingWorld(4);
      let s = Store.open(file);
      const id = s.vectors.ensureModel('m', 512);
      s.tx(() => { for (let i = 0; i < 1200; i++) s.vectors.put(id, `a${i}`, w.nextImage()); });
      const cache = `${file}.knn-${id}`;
      // The app's first search builds the index and writes the file.
      const running = libraryIndexes(s.db).vectorIndex(id, 512);
      expect(running.loadedFrom).toBe('rows');
      const written = statSync(cache).mtimeMs;
      // Nothing changed: closing leaves the file as it was.
      keepIndexesForNextStart(s.db);
      expect(statSync(cache).mtimeMs).toBe(written);

      // While the app runs: photos indexed and searched; then (the end of that pass, after the
      // last search) a removed photo's vector purged.
      s.tx(() => { for (let i = 0; i < 300; i++) s.vectors.put(id, `b${i}`, w.nextImage()); });
      const eidOf = (sha: string) => s.db.prepare('SELECT id FROM embeddings WHERE sha256 = ?').pluck().get(sha) as number;
      // The purged row is the query's best match, so its absence shows.
      const purged = eidOf('a17');
      const q17 = libraryIndexes(s.db).vectorIndex(id, 512).vectorOf(purged)!;
      const before = libraryIndexes(s.db).vectorIndex(id, 512).search(q17, 32);
      expect(before[0].eid).toBe(purged);
      /**
       * A removed photo's vector purged, the app quits and starts again: that start's index,
       * read from the file alone, without the purged row.
       */
      const purgeAndRestart = (eid: number, rows: number) => {
        s.db.prepare('UPDATE embeddings SET orphaned_at = 1 WHERE id = ?').run(eid);
        expect(s.vectors.purgeOrphans(1000)).toBe(1);
        keepIndexesForNextStart(s.db);
        s.close();
        s = Store.open(file);
        const index = libraryIndexes(s.db).vectorIndex(id, 512);
        expect(index.loadedFrom).toBe('file');
        expect(index.size).toBe(rows);
        expect(index.positionOf(eid)).toBe(-1);
        return index;
      };
      // One more orphaned (its photo removed, within the grace period): kept, but not searched.
      const orphan = eidOf('b5');
      s.db.prepare('UPDATE embeddings SET orphaned_at = ? WHERE id = ?').run(Date.now(), orphan);
      const next = purgeAndRestart(purged, 1499);
      expect(next.aliveAt(next.positionOf(orphan))).toBe(false);
      // The same answers as before the quit, without the purged row and the orphaned one.
      const want = before.filter((h) => h.eid !== purged && h.eid !== orphan).slice(0, 30);
      expect(want).toHaveLength(30);
      expect(next.search(q17, 30)).toEqual(want);
      // Every row the store holds is found by its own vector, as in a full build.
      expect(VectorIndex.load(s.db, id, 512).size).toBe(1499);
      for (const sha of ['a0', 'a1199', 'b0', 'b299']) {
        const eid = s.db.prepare('SELECT id FROM embeddings WHERE sha256 = ?').pluck().get(sha) as number;
        expect(next.search(next.vectorOf(eid)!, 1)[0].eid, sha).toBe(eid);
      }

      // Only a purge, after the last search: closing takes it in and writes the file again.
      purgeAndRestart(eidOf('b0'), 1498);
      s.close();
    });
  });
});

describe('the codes file after rows were deleted that the app did not write at quit', () => {
  /** A library of `rows` vectors with its codes file written, as a first search leaves it. */
  function written(file: string, rows: number) {
    const w = embeddingWorld(6);
    const s = Store.open(file);
    const id = s.vectors.ensureModel('m', 512);
    s.tx(() => { for (let i = 0; i < rows; i++) s.vectors.put(id, `a${i}`, w.nextImage()); });
    VectorIndex.load(s.db, id, 512, `${file}.knn-${id}`);
    const eidOf = (sha: string) => s.db.prepare('SELECT id FROM embeddings WHERE sha256 = ?').pluck().get(sha) as number;
    /** Deletes rows as a purge does (the embeddings row and its vector). */
    const purge = (eids: number[]) =>
      s.tx(() => {
        for (const eid of eids) {
          s.db.prepare('DELETE FROM embeddings WHERE id = ?').run(eid);
          s.db.prepare(`DELETE FROM vec_image_${id} WHERE rowid = ?`).run(BigInt(eid));
        }
      });
    return { s, id, w, cache: `${file}.knn-${id}`, eidOf, purge };
  }

  it('a start after a purge and new photos that took the purged ids reads the file, with the answers of a full build', () => {
    withLibraryFile((file) => {
      const { s, id, w, cache, eidOf, purge } = written(file, 1500);
      const top = eidOf('a1499');
      const oldTop = VectorIndex.load(s.db, id, 512).vectorOf(top)!;
      // A `cli index` run while the app was closed (or a crash after the app's purge): one row in
      // the middle and the two highest purged, then three new photos, two of them under the
      // purged highest ids (SQLite gives a new row the highest id + 1).
      purge([eidOf('a7'), top - 1, top]);
      const fresh = [w.nextImage(), w.nextImage(), w.nextImage()];
      s.tx(() => fresh.forEach((v, i) => s.vectors.put(id, `new${i}`, v)));
      expect(eidOf('new0')).toBe(top - 1);
      expect(eidOf('new1')).toBe(top);

      const index = VectorIndex.load(s.db, id, 512, cache);
      expect(index.loadedFrom).toBe('file, rows checked');
      // A reused id is found by its new photo's vector, and the old photo it held is no answer.
      fresh.forEach((v, i) => expect(index.search(v, 1)[0].eid, `new${i}`).toBe(eidOf(`new${i}`)));
      const full = VectorIndex.load(s.db, id, 512);
      expect(full.loadedFrom).toBe('rows');
      for (const q of [oldTop, ...fresh, w.query(), w.query()]) expect(index.search(q, 25)).toEqual(full.search(q, 25));
      // At quit the file is written again for the store's rows: the start after reads it alone.
      expect(index.keepFor(cache)).toBe(true);
      const next = VectorIndex.load(s.db, id, 512, cache);
      expect(next.loadedFrom).toBe('file');
      expect(next.size).toBe(1500);
      const q = w.query();
      expect(next.search(q, 25)).toEqual(full.search(q, 25));
      s.close();
    });
  });

  it('while the app runs: an id SQLite gives a new photo after the highest row was purged is searched by the new vector', () => {
    withLibraryFile((file) => {
      const { s, id, w, eidOf, purge } = written(file, 1500);
      const top = eidOf('a1499');
      const old = VectorIndex.load(s.db, id, 512).vectorOf(top)!;
      const running = libraryIndexes(s.db).vectorIndex(id, 512);
      expect(running.search(old, 1)[0].eid).toBe(top);
      purge([top]);
      const fresh = w.nextImage();
      s.vectors.put(id, 'new', fresh);
      expect(eidOf('new')).toBe(top);
      const index = libraryIndexes(s.db).vectorIndex(id, 512);
      expect(index).toBe(running);
      const full = VectorIndex.load(s.db, id, 512);
      for (const q of [fresh, old]) expect(index.search(q, 25)).toEqual(full.search(q, 25));
      s.close();
    });
  });

  it('more reused ids than one-by-one reads are worth: a full build instead', () => {
    withLibraryFile((file) => {
      const { s, id, w, cache, eidOf, purge } = written(file, 1500);
      const gone = Array.from({ length: 300 }, (_, i) => eidOf(`a${1200 + i}`));
      purge(gone);
      s.tx(() => { for (let i = 0; i < 300; i++) s.vectors.put(id, `new${i}`, w.nextImage()); });
      expect(eidOf('new0')).toBe(gone[0]);
      const index = VectorIndex.load(s.db, id, 512, cache);
      expect(index.loadedFrom).toBe('rows');
      expect(index.size).toBe(1500);
      s.close();
    });
  });
});
