import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, utimesSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanFolder, walkPhotos } from '../../../main/core/library/scan.js';
import { Store } from '../../../main/core/store/index.js';

let tmp: string;
let root: string;
let store: Store;

function touch(rel: string, content = 'x') {
  const f = path.join(root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, content);
  return f;
}

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-scan-'));
  root = path.join(tmp, 'lib');
  store = Store.open(path.join(tmp, 'lib.db'));
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('walkPhotos', () => {
  it('finds photos of every supported extension, any case, and skips clutter', async () => {
    const wanted = ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.avif', 'f.gif', 'g.tif', 'h.TIFF', 'i.heic', 'j.HEIF', '子/深/k.jpg'].map((r) => touch(r));
    for (const r of ['.DS_Store', '._a.jpg', 'Thumbs.db', '@eaDir/x.jpg', '.hidden/y.jpg', 'notes.txt', 'movie.mp4', 'z.jpg.part'])
      touch(r);
    const found: string[] = [];
    for await (const f of walkPhotos(root)) found.push(f);
    expect(found.sort()).toEqual(wanted.sort());
  });

  it('does not follow symlinked directories (no loops)', async () => {
    touch('real/a.jpg');
    symlinkSync(root, path.join(root, 'real', 'loop'));
    const found: string[] = [];
    for await (const f of walkPhotos(root)) found.push(f);
    expect(found).toEqual([path.join(root, 'real', 'a.jpg')]);
  });
});

describe('scanFolder', () => {
  it('queues new and changed files, counts unchanged ones, and drops rows of gone files', async () => {
    const a = touch('a.jpg');
    const b = touch('b.jpg');
    const f = store.folders.add(root);
    expect(await scanFolder(store, f.id, root)).toMatchObject({ queued: 2, unchanged: 0, removed: 0 });
    // pretend both were indexed
    for (const p of [a, b]) {
      const { statSync } = await import('node:fs');
      const st = statSync(p);
      store.photos.upsert({
        folder_id: f.id, path: p, size: st.size, mtime_ms: Math.trunc(st.mtimeMs), sha256: p, width: 1, height: 1,
        format: 'jpeg', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null, orientation: null,
        phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0,
      });
    }
    for (const j of store.jobs.next('index', 10, new Set())) store.jobs.finish(j);
    const later = new Date(Date.now() + 5000);
    utimesSync(a, later, later);
    rmSync(b);
    touch('c.png');
    expect(await scanFolder(store, f.id, root)).toMatchObject({ queued: 2, unchanged: 0, removed: 1 });
    expect(store.jobs.next('index', 10, new Set()).map((j) => path.basename(j.path)).sort()).toEqual(['a.jpg', 'c.png']);
    expect(store.photos.byPath(b)).toBeUndefined();
  });
});
