import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Store, type PhotoInput } from '../../../main/core/store/index.js';
import { SCHEMA_VERSION } from '../../../main/core/store/migrations.js';

let tmp: string;
let store: Store;

function photo(folderId: number, p: string, sha: string, extra: Partial<PhotoInput> = {}): PhotoInput {
  return {
    folder_id: folderId, path: p, size: 10, mtime_ms: 1000, sha256: sha, width: 4, height: 3, format: 'jpeg',
    taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null, orientation: null, phash: null,
    has_thumb: 1, status: 'indexed', error: null, indexed_at: Date.now(), ...extra,
  };
}

const unit = (...v: number[]) => {
  const a = new Float32Array(v);
  const n = Math.hypot(...v);
  return a.map((x) => x / n);
};

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-store-'));
  store = Store.open(path.join(tmp, 'lib.db'));
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('schema', () => {
  it('opens in WAL mode at the current schema version, and reopens without migrating again', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    store.close();
    store = Store.open(path.join(tmp, 'lib.db'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a library written by a newer version instead of damaging it', () => {
    store.close();
    const db = new Database(path.join(tmp, 'lib.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => Store.open(path.join(tmp, 'lib.db'))).toThrow(/newer Kanjian/);
    store = Store.open(path.join(tmp, 'other.db'));
  });
});

describe('folders', () => {
  it('adding a folder inside a library folder returns the parent; a parent absorbs children', () => {
    const a = store.folders.add(path.join(tmp, 'a', 'b'));
    store.photos.upsert(photo(a.id, path.join(tmp, 'a', 'b', 'x.jpg'), 's1'));
    const inner = store.folders.add(path.join(tmp, 'a', 'b', 'c'));
    expect(inner.id).toBe(a.id);
    const parent = store.folders.add(path.join(tmp, 'a'));
    expect(store.folders.all().map((f) => f.path)).toEqual([path.join(tmp, 'a')]);
    expect(store.photos.byPath(path.join(tmp, 'a', 'b', 'x.jpg'))!.folder_id).toBe(parent.id);
  });

  it('re-indexing a photo (upsert of the same path) works however often it happens', () => {
    const f = store.folders.add(path.join(tmp, 'p'));
    const p = path.join(tmp, 'p', 'again.jpg');
    for (let i = 0; i < 3; i++) store.photos.upsert(photo(f.id, p, `sha${i}`, { size: 10 + i }));
    expect(store.photos.byPath(p)).toMatchObject({ sha256: 'sha2', size: 12 });
  });

  it('does not treat a sibling with a common prefix as inside', () => {
    store.folders.add(path.join(tmp, 'photos'));
    store.folders.add(path.join(tmp, 'photos2'));
    expect(store.folders.all()).toHaveLength(2);
  });

  it('reports per-folder counts', () => {
    const f = store.folders.add(path.join(tmp, 'p'));
    store.photos.upsert(photo(f.id, path.join(tmp, 'p', '1.jpg'), 's1'));
    store.photos.upsert(photo(f.id, path.join(tmp, 'p', '2.jpg'), null as unknown as string, { status: 'failed', error: 'bad' }));
    store.jobs.enqueue('index', [{ path: path.join(tmp, 'p', '3.jpg'), folderId: f.id }]);
    expect(store.folders.info()[0]).toMatchObject({ photoCount: 2, indexedCount: 1, failedCount: 1, pendingCount: 1 });
  });
});

describe('job queue', () => {
  it('enqueue is idempotent per path and finishing removes the job', () => {
    const f = store.folders.add(tmp);
    store.jobs.enqueue('index', [{ path: '/x/1.jpg', folderId: f.id }, { path: '/x/1.jpg', folderId: f.id }]);
    expect(store.jobs.count()).toBe(1);
    const [job] = store.jobs.next('index', 5, new Set());
    store.jobs.finish(job);
    expect(store.jobs.count()).toBe(0);
  });

  it('a job re-queued while in flight survives finishing the stale run', () => {
    const f = store.folders.add(tmp);
    store.jobs.enqueue('index', [{ path: '/x/1.jpg', folderId: f.id }]);
    const [job] = store.jobs.next('index', 1, new Set());
    store.jobs.enqueue('index', [{ path: '/x/1.jpg', folderId: f.id }]); // file changed again
    store.jobs.finish(job);
    const [again] = store.jobs.next('index', 1, new Set());
    expect(again.path).toBe('/x/1.jpg');
    store.jobs.finish(again);
    expect(store.jobs.count()).toBe(0);
  });

  it('next() skips jobs in flight', () => {
    const f = store.folders.add(tmp);
    store.jobs.enqueue('index', [1, 2, 3].map((i) => ({ path: `/x/${i}.jpg`, folderId: f.id })));
    const [first] = store.jobs.next('index', 1, new Set());
    const rest = store.jobs.next('index', 5, new Set([first.id]));
    expect(rest.map((j) => j.path)).toEqual(['/x/2.jpg', '/x/3.jpg']);
  });
});

describe('vectors', () => {
  it('KNN returns the nearest contents by cosine, best first', () => {
    const m = store.vectors.ensureModel('test-model', 3);
    const f = store.folders.add(tmp);
    store.tx(() => {
      for (const [sha, v] of [['a', unit(1, 0, 0)], ['b', unit(0, 1, 0)], ['c', unit(1, 1, 0)]] as const) {
        store.photos.upsert(photo(f.id, `/p/${sha}.jpg`, sha));
        store.vectors.put(m, sha, v);
      }
    });
    const res = store.vectors.knn(m, unit(1, 0.1, 0), 3);
    expect(res.map((r) => r.sha256)).toEqual(['a', 'c', 'b']);
    expect(res[0].score).toBeGreaterThan(0.99);
    expect(res[2].score).toBeCloseTo(0.0995, 3);
  });

  it('a vector is keyed by content, so a second path with the same content reuses it', () => {
    const m = store.vectors.ensureModel('test-model', 2);
    const f = store.folders.add(tmp);
    store.tx(() => {
      store.photos.upsert(photo(f.id, '/p/one.jpg', 'same'));
      store.vectors.put(m, 'same', unit(1, 0));
      store.photos.upsert(photo(f.id, '/p/copy.jpg', 'same'));
      store.vectors.put(m, 'same', unit(0, 1)); // ignored: already embedded
    });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM embeddings').get()).toEqual({ n: 1 });
    expect(store.photos.bySha256('same').map((p) => p.path)).toEqual(['/p/one.jpg', '/p/copy.jpg']);
  });

  it('orphaned vectors are hidden from search and purged after the grace period, unless adopted', () => {
    const m = store.vectors.ensureModel('test-model', 2);
    const f = store.folders.add(tmp);
    store.tx(() => {
      store.photos.upsert(photo(f.id, '/p/a.jpg', 'a'));
      store.vectors.put(m, 'a', unit(1, 0));
      store.photos.upsert(photo(f.id, '/p/b.jpg', 'b'));
      store.vectors.put(m, 'b', unit(0, 1));
    });
    store.photos.removePaths(['/p/a.jpg', '/p/b.jpg']);
    expect(store.vectors.knn(m, unit(1, 0), 5)).toEqual([]);
    // "b" comes back under a new name (a move seen as delete + create)
    store.tx(() => {
      store.photos.upsert(photo(f.id, '/p/moved/b.jpg', 'b'));
      store.vectors.adopt('b');
    });
    expect(store.vectors.purgeOrphans(0)).toBe(1);
    expect(store.vectors.knn(m, unit(0, 1), 5).map((r) => r.sha256)).toEqual(['b']);
  });

  it('a model whose dimension changed is an error, not silent corruption', () => {
    store.vectors.ensureModel('m', 4);
    expect(() => store.vectors.ensureModel('m', 8)).toThrow(/4-d/);
  });

  it('removing a folder orphans its vectors and keeps no photo rows', () => {
    const m = store.vectors.ensureModel('test-model', 2);
    const f = store.folders.add(path.join(tmp, 'lib'));
    store.tx(() => {
      store.photos.upsert(photo(f.id, path.join(tmp, 'lib', 'a.jpg'), 'a'));
      store.vectors.put(m, 'a', unit(1, 0));
    });
    store.tx(() => {
      store.folders.remove(f.id);
      store.vectors.markOrphans();
    });
    expect(store.photos.counts().photos).toBe(0);
    expect(store.vectors.purgeOrphans(0)).toBe(1);
  });
});

describe('query planner statistics', () => {
  // Without statistics SQLite took `status = 'indexed'` for selective and answered a lookup by
  // hash through a (status, …) index: every indexed photo read per lookup (30 s OCR searches at
  // 100k). A reopened library has statistics, and the lookup goes through the hash index.
  it('a reopened library looks photos up by hash through the hash index', () => {
    const folder = store.folders.add(path.join(tmp, 'pics'));
    store.db.transaction(() => {
      for (let i = 0; i < 3000; i++) store.photos.upsert(photo(folder.id, path.join(tmp, 'pics', `${i}.jpg`), `sha${i}`));
    })();
    store.close();
    store = Store.open(path.join(tmp, 'lib.db'));
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM photos WHERE status = 'indexed' AND sha256 = ?`)
      .all('sha7') as { detail: string }[];
    expect(plan.map((r) => r.detail).join('; ')).toContain('photos_sha256');
  });
});
