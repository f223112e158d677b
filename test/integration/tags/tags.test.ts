// Auto-tagging with real components: the toy colour model (it knows only six colours) and a
// colour vocabulary file, real photos on disk, a real SQLite library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../../main/core/kanjian.js';
import { loadVocabularyFile } from '../../../main/core/tags/index.js';
import { REPO_ROOT, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto, type Colour } from '../../helpers/photos.js';

const COLORS_VOCAB = path.join(REPO_ROOT, 'test/fixtures/vocabularies/colors.json');

let tmp: string;
let data: string;
let k: Kanjian;
const dirs: Record<string, string> = {};
const files: Record<Colour, string[]> = { red: [], green: [], blue: [], yellow: [], white: [], black: [] };

async function photos(dir: string, colour: Colour, n: number, seed: number) {
  for (let i = 0; i < n; i++) files[colour].push(await writeColourPhoto(path.join(dir, `${colour}-${i}.jpg`), colour, { seed: seed + i }));
}

const ids = async (list: { path: string }[]) => list.map((p) => p.path).sort();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-tags-'));
  data = path.join(tmp, 'data');
  dirs.red = path.join(tmp, '红色相册');
  dirs.sea = path.join(tmp, 'sea');
  dirs.mixed = path.join(tmp, 'mixed');
  await photos(dirs.red, 'red', 3, 1);
  await photos(dirs.sea, 'blue', 2, 10);
  await photos(dirs.sea, 'white', 1, 20);
  await photos(dirs.mixed, 'yellow', 2, 30);
  await photos(dirs.mixed, 'black', 1, 40);
  k = await Kanjian.open({ dataDir: data, model: TOY_MODEL, ocr: false, vocabulary: await loadVocabularyFile(COLORS_VOCAB) });
  for (const d of [dirs.red, dirs.sea, dirs.mixed]) await k.indexFolder(d);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const folderId = async (dir: string) => (await k.listFolders()).find((f) => f.path === dir)!.id;

describe('auto-tags (toy colour model, colour vocabulary)', () => {
  it('gives each photo its colour in both languages, with a calibrated score', async () => {
    const id = (await k.listPhotos({ folderId: await folderId(dirs.red) })).photos[0].id;
    const tags = await k.photoTags(id);
    expect(tags).toHaveLength(1);
    expect(tags[0]).toMatchObject({ en: 'red', zh: '红色', key: 'file:red', custom: false });
    expect(tags[0].score).toBeGreaterThan(0.99);
  });

  it('gives a folder of red photos 红色/red as its top tag, and a mixed folder its shares', async () => {
    const red = await k.folderTags(await folderId(dirs.red));
    expect(red[0]).toMatchObject({ en: 'red', zh: '红色', score: 1, photos: 3 });
    const sea = await k.folderTags(await folderId(dirs.sea));
    // 2 of 3 photos are blue; the single white one is below the folder's minimum support.
    expect(sea.map((t) => [t.en, t.score, t.photos])).toEqual([['blue', 0.6667, 2]]);
    const mixed = await k.folderTags(await folderId(dirs.mixed));
    expect(mixed[0]).toMatchObject({ en: 'yellow', zh: '黄色', photos: 2 });
  });

  it('finds photos by tag name in Chinese and in English', async () => {
    expect(await ids((await k.listPhotos({ tag: '红色' })).photos)).toEqual([...files.red].sort());
    expect(await ids((await k.listPhotos({ tag: 'Red' })).photos)).toEqual([...files.red].sort());
    expect(await ids((await k.listPhotos({ tag: '蓝色' })).photos)).toEqual([...files.blue].sort());
    expect((await k.listPhotos({ tag: 'green' })).total).toBe(0);
    // Through search, as a filter (alone, or narrowing a query).
    const res = await k.search({ query: '', filters: { tag: '黄色' } });
    expect(await ids(res.results.map((r) => r.photo))).toEqual([...files.yellow].sort());
    expect(res.results.every((r) => r.views.includes('tags'))).toBe(true);
    const narrowed = await k.search({ query: 'yellow', filters: { tag: 'black' } });
    expect(narrowed.results).toEqual([]);
  });

  it('lists tags in use with their photo counts, by name in either language', async () => {
    const all = await k.listTags({});
    expect(all.map((t) => [t.en, t.photos])).toEqual([
      ['red', 3],
      ['blue', 2],
      ['yellow', 2],
      ['white', 1],
      ['black', 1],
    ]);
    expect((await k.listTags({ query: '红' })).map((t) => t.en)).toEqual(['red']);
  });

  it('tags a photo added later, and computes tag text embeddings once per model', async () => {
    const cached = () => k.store.db.prepare('SELECT COUNT(*) AS n FROM tag_vectors WHERE vector IS NOT NULL').get() as { n: number };
    expect(cached().n).toBe(6);
    await photos(dirs.mixed, 'green', 1, 50);
    await k.indexFolder(dirs.mixed);
    expect(await ids((await k.listPhotos({ tag: '绿色' })).photos)).toEqual(files.green);
    expect(cached().n).toBe(6);
    // Nothing left to tag.
    expect(await k.tags.tagPending()).toBe(0);
  });

  it('takes the user’s own tag word, and forgets it again', async () => {
    // The toy model reads 黄 (yellow) but not "sunny": the Chinese prompts carry the meaning.
    const tag = await k.addCustomTag({ en: 'sunny', zh: '黄' });
    expect(tag).toMatchObject({ en: 'sunny', zh: '黄', custom: true, key: 'custom:sunny' });
    await k.tags.tagPending();
    expect(await ids((await k.listPhotos({ tag: 'sunny' })).photos)).toEqual([...files.yellow].sort());
    expect(await ids((await k.listPhotos({ tag: '黄' })).photos)).toEqual([...files.yellow].sort());
    // Yellow photos now carry both yellow and sunny (they share the probability).
    const yellowId = (await k.listPhotos({ tag: 'sunny' })).photos[0].id;
    expect((await k.photoTags(yellowId)).map((t) => t.en).sort()).toEqual(['sunny', 'yellow']);
    expect((await k.listTags({ query: 'sun' })).map((t) => t.en)).toEqual(['sunny']);

    await expect(k.removeCustomTag((await k.listTags({ query: 'red' }))[0].id)).rejects.toThrow(/built-in tag/);
    await k.removeCustomTag(tag.id);
    await k.tags.tagPending();
    expect((await k.listPhotos({ tag: 'sunny' })).total).toBe(0);
    expect((await k.photoTags(yellowId)).map((t) => t.en)).toEqual(['yellow']);
  });

  it('keeps tags with the content: a renamed photo keeps its tags', async () => {
    const before = (await k.listPhotos({ tag: 'blue' })).photos[0];
    const { renameSync } = await import('node:fs');
    const moved = path.join(path.dirname(before.path), 'renamed.jpg');
    renameSync(before.path, moved);
    await k.indexFolder(dirs.sea);
    const after = (await k.listPhotos({ tag: '蓝色' })).photos.map((p) => p.path);
    expect(after).toContain(moved);
    expect(after).not.toContain(before.path);
  });
});

describe('built-in vocabulary', () => {
  it('tags with the shipped vocabulary when no file is given, and re-tags when it changes', async () => {
    await k.close();
    k = await Kanjian.open({ dataDir: data, model: TOY_MODEL, ocr: false });
    const n = await k.tags.tagPending();
    // Every content is re-tagged: the vocabulary is a different one.
    expect(n).toBe(files.red.length + files.blue.length + files.white.length + files.yellow.length + files.black.length + files.green.length);
    // The toy model reads only colour words, so a red photo gets built-in tags whose prompts
    // hold one (红包, "red envelope"); the colour file's tags are gone.
    expect((await k.listPhotos({ tag: '红色' })).total).toBe(0);
    const redId = (await k.listPhotos({ folderId: await folderId(dirs.red) })).photos[0].id;
    const tags = await k.photoTags(redId);
    expect(tags.map((t) => t.zh)).toContain('红包');
    for (const t of tags) expect(t.key).not.toMatch(/^file:/);
  });
});
