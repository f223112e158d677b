// Search only reads: every view and filter (the tag filter included) runs on a read-only SQLite
// connection, so a query never takes the write lock the indexer needs. Real SQLite, sharp, the
// toy colour model and a colour vocabulary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { Kanjian } from '../../../main/core/kanjian.js';
import { openModel, type EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { modelIdentity } from '../../../main/core/embed/identity.js';
import { searchPhotos } from '../../../main/core/search/search.js';
import { Store } from '../../../main/core/store/index.js';
import { loadVocabularyFile } from '../../../main/core/tags/index.js';
import { REPO_ROOT, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto, type Colour } from '../../helpers/photos.js';

const COLORS_VOCAB = path.join(REPO_ROOT, 'test/fixtures/vocabularies/colors.json');

let tmp: string;
let lib: string;
let k: Kanjian;
let ro: Store;
let model: EmbeddingModel;
let modelId: number;
const files: Partial<Record<Colour, string[]>> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-readonly-'));
  lib = path.join(tmp, 'library');
  const plan: [Colour, number][] = [['red', 3], ['blue', 2], ['yellow', 2]];
  for (const [colour, n] of plan) {
    files[colour] = [];
    for (let i = 0; i < n; i++) files[colour]!.push(await writeColourPhoto(path.join(lib, colour, `${colour}-${i}.jpg`), colour, { seed: i + 1 }));
  }
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false, vocabulary: await loadVocabularyFile(COLORS_VOCAB) });
  expect((await k.indexFolder(lib)).indexed).toBe(7);
  const db = new Database(path.join(tmp, 'data', 'library.db'), { readonly: true, fileMustExist: true });
  sqliteVec.load(db);
  ro = new Store(db);
  model = await openModel(TOY_MODEL);
  // Vectors are stored under the model's identity (id + digest of its image tower).
  modelId = ro.vectors.modelId(await modelIdentity(model.pkg, model.imageFile))!;
  expect(modelId).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  ro?.close();
  await model?.close();
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const paths = (rs: { photo: { path: string } }[]) => rs.map((r) => r.photo.path).sort();

describe('search on a read-only connection', () => {
  it('a query with a tag filter answers from SQL alone: only photos carrying the tag', async () => {
    const res = await searchPhotos(ro, { model, modelId }, { query: 'red', filters: { tag: '红色' } });
    expect(paths(res.results)).toEqual([...files.red!].sort());
    // The tag filter holds back photos the views found: blue ones are not tagged red.
    const none = await searchPhotos(ro, { model, modelId }, { query: 'blue', filters: { tag: 'red' } });
    expect(none.results).toEqual([]);
    const blue = await searchPhotos(ro, { model, modelId }, { query: 'blue', filters: { tag: 'Blue', folder: path.join(lib, 'blue') } });
    expect(paths(blue.results)).toEqual([...files.blue!].sort());
  });

  it('a tag alone lists its photos; an unknown tag lists none', async () => {
    const res = await searchPhotos(ro, { model, modelId }, { query: '', filters: { tag: '黄色' } });
    expect(paths(res.results)).toEqual([...files.yellow!].sort());
    expect(res.results.map((r) => r.views)).toEqual([['tags'], ['tags']]);
    expect((await searchPhotos(ro, { model, modelId }, { query: '', filters: { tag: 'no such tag' } })).results).toEqual([]);
  });

  it('names not yet synced are missed, not built by the query', async () => {
    // A rename the pipeline has not caught up with: the trigger marks the name dirty.
    k.store.db.prepare('UPDATE photos SET path = ? WHERE path = ?').run(path.join(lib, 'red', 'sunset.jpg'), files.red![0]);
    const dirty = () => (ro.db.prepare('SELECT COUNT(*) AS n FROM name_dirty').get() as { n: number }).n;
    expect(dirty()).toBe(1);
    const res = await searchPhotos(ro, { model, modelId }, { query: 'sunset' });
    expect(res.results).toEqual([]);
    expect(dirty()).toBe(1);
  });
});
