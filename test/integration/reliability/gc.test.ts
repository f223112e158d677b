// Garbage collection removes only what nothing references: thumbnails of contents no photo has,
// old temp files, side rows of gone contents, vectors of a model that is not installed nor in
// use — and never a thumbnail, row or vector a photo still needs. Through the real CLI
// (`maintenance`), on a real library indexed with the toy fixture model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { MaintenanceReport } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { modelCacheFiles } from '../../../main/core/knn/registry.js';
import { thumbnailPathFor } from '../../../main/core/media/thumbnail.js';
import { Store } from '../../../main/core/store/index.js';
import { runCli, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let data: string;
const sha: Record<string, string> = {};
let thumbs: string;
let oldTemp: string;
let youngTemp: string;
let foreign: string;
/** Cache files beside the library: of the removed model, and of the model in use. */
let goneCaches: string[];
let keptCaches: string[];

function openDb(): Database.Database {
  const db = new Database(path.join(data, 'library.db'));
  sqliteVec.load(db);
  return db;
}

async function maintenance(...flags: string[]): Promise<MaintenanceReport> {
  const r = await runCli(['maintenance', '--data', data, '--model', TOY_MODEL, '--json', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as MaintenanceReport;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-gc-'));
  lib = path.join(tmp, 'photos');
  data = path.join(tmp, 'data');
  thumbs = path.join(data, 'thumbnails');
  const red = await writeColourPhoto(path.join(lib, 'red.jpg'), 'red', { seed: 1 });
  await writeColourPhoto(path.join(lib, 'green.jpg'), 'green', { seed: 2 });
  const blue = await writeColourPhoto(path.join(lib, 'blue.jpg'), 'blue', { seed: 3 });
  mkdirSync(path.join(lib, 'copies'));
  cpSync(red, path.join(lib, 'copies', 'red-copy.jpg'));

  const k = await Kanjian.open({ dataDir: data, model: TOY_MODEL, ocr: false });
  try {
    await k.indexFolder(lib);
    const ro = new Database(path.join(data, 'library.db'), { readonly: true });
    for (const p of ro.prepare('SELECT path, sha256 FROM photos').all() as { path: string; sha256: string }[]) {
      sha[path.basename(p.path, '.jpg')] = p.sha256;
    }
    ro.close();
    expect(Object.keys(sha).sort()).toEqual(['blue', 'green', 'red', 'red-copy']);
    // The blue photo leaves the library: its row goes, its thumbnail and side rows stay behind.
    unlinkSync(blue);
    await k.indexFolder(lib);
  } finally {
    await k.close();
  }

  // What interrupted writes and old versions leave: a temp thumbnail from a kill two hours ago, one
  // being written now, and a file that is not ours.
  const shard = path.join(thumbs, sha.red.slice(0, 2));
  oldTemp = path.join(shard, `.${sha.red}.webp.4242.deadbeef.tmp`);
  youngTemp = path.join(shard, `.${sha.green}.webp.4243.cafebabe.tmp`);
  foreign = path.join(shard, 'notes.txt');
  for (const f of [oldTemp, youngTemp, foreign]) writeFileSync(f, 'x');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(oldTemp, twoHoursAgo, twoHoursAgo);
  utimesSync(foreign, twoHoursAgo, twoHoursAgo);
  // The blue thumbnail is old enough to be collected.
  utimesSync(thumbnailPathFor(thumbs, sha.blue), twoHoursAgo, twoHoursAgo);

  const db = openDb();
  try {
    const store = new Store(db);
    // A model that was removed long ago, with a vector of a content still in the library.
    const gone = store.vectors.ensureModel('removed-model#0123456789abcdef', 3);
    store.vectors.put(gone, sha.green, new Float32Array([1, 0, 0]));
    const kept = (db.prepare('SELECT id FROM models WHERE id <> ?').pluck().all(gone) as number[])[0];
    expect(kept).toBeGreaterThan(0);
    const lib = path.join(data, 'library.db');
    goneCaches = Object.values(modelCacheFiles(lib, gone));
    keptCaches = Object.values(modelCacheFiles(lib, kept));
    for (const f of [...goneCaches, ...keptCaches]) writeFileSync(f, Buffer.alloc(1000));
    // Text read from the blue photo and from the red one.
    const ins = db.prepare("INSERT INTO ocr_texts (sha256, engine, text, lines, created_at) VALUES (?, 'test', ?, '[]', 0)");
    ins.run(sha.blue, 'blue text');
    ins.run(sha.red, 'red text');
  } finally {
    db.close();
  }
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli maintenance', () => {
  it('--dry-run says what would go and removes nothing', async () => {
    const r = await maintenance('--dry-run');
    expect(r).toMatchObject({ dryRun: true, thumbnails: 1, tempFiles: 1, modelsDropped: ['removed-model#0123456789abcdef'] });
    expect(r.rows).toMatchObject({ ocr_texts: 1, near_hashes: 1, near_details: 1, embeddings: 1 });
    expect(existsSync(thumbnailPathFor(thumbs, sha.blue))).toBe(true);
    expect(existsSync(oldTemp)).toBe(true);
    for (const f of goneCaches) expect(existsSync(f), f).toBe(true);
  });

  it('removes only what nothing references', async () => {
    const r = await maintenance();
    expect(r).toMatchObject({ dryRun: false, thumbnails: 1, tempFiles: 1, modelsDropped: ['removed-model#0123456789abcdef'] });
    expect(r.bytesFreed).toBeGreaterThan(2000);
    // The removed model's cache files went; those of the model in use stayed.
    for (const f of goneCaches) expect(existsSync(f), f).toBe(false);
    for (const f of keptCaches) expect(existsSync(f), f).toBe(true);

    // Files: the gone content's thumbnail and the old temp file went; the rest stayed.
    expect(existsSync(thumbnailPathFor(thumbs, sha.blue))).toBe(false);
    expect(existsSync(thumbnailPathFor(thumbs, sha.red))).toBe(true);
    expect(existsSync(thumbnailPathFor(thumbs, sha.green))).toBe(true);
    expect(existsSync(oldTemp)).toBe(false);
    expect(existsSync(youngTemp)).toBe(true);
    expect(existsSync(foreign)).toBe(true);

    // Rows: the gone content's side rows went, the rest stayed; the removed model's table is gone.
    const db = openDb();
    try {
      const ocr = db.prepare('SELECT sha256 FROM ocr_texts').all() as { sha256: string }[];
      expect(ocr.map((o) => o.sha256)).toEqual([sha.red]);
      const near = (db.prepare('SELECT sha256 FROM near_hashes ORDER BY sha256').all() as { sha256: string }[]).map((n) => n.sha256);
      expect(near).toEqual([sha.green, sha.red].sort());
      const models = db.prepare('SELECT id, key FROM models').all() as { id: number; key: string }[];
      expect(models.map((m) => m.key)).toEqual([expect.stringMatching(/^toy-colors#/)]);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'vec_image_%' AND type = 'table'").all() as { name: string }[]).map((t) => t.name);
      // The kept model's vec0 table (with its shadow tables), and nothing of the removed one.
      expect(tables).toContain(`vec_image_${models[0].id}`);
      expect(tables.filter((t) => !t.startsWith(`vec_image_${models[0].id}_`) && t !== `vec_image_${models[0].id}`)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('leaves a library that still works, and a second run finds nothing', async () => {
    const again = await maintenance();
    expect(again).toMatchObject({ thumbnails: 0, previews: 0, tempFiles: 0, modelsDropped: [], rows: {} });
    const r = await runCli(['search', 'red', '--data', data, '--model', TOY_MODEL, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout).results as { path: string }[]).map((x) => path.basename(x.path));
    expect(names).toEqual(expect.arrayContaining(['red.jpg', 'red-copy.jpg']));
    // Every photo still has its thumbnail.
    const left = readdirSync(thumbs, { recursive: true }).filter((f) => String(f).endsWith('.webp'));
    expect(left).toHaveLength(2);
  });
});
