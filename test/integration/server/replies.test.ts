// What the HTTP shell really answers, parsed with the reply schemas (main/core/api-replies.ts):
// every API method is called on a real library (toy colour model, colour vocabulary, generated
// photos) and its JSON reply must match its schema exactly.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postApi } from '../../helpers/api-post.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { API_METHODS, type ApiMethod } from '../../../main/core/api.js';
import { API_REPLIES } from '../../../main/core/api-replies.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { loadVocabularyFile } from '../../../main/core/tags/index.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { REPO_ROOT, TOY_MODEL } from '../../helpers/cli.js';
import { makeColourPhotos } from './make-photos.js';

let tmp: string;
let core: Kanjian;
let server: RunningServer;
let photosDir: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-replies-'));
  photosDir = path.join(tmp, 'photos');
  await makeColourPhotos(photosDir);
  mkdirSync(path.join(tmp, 'more'));
  const dist = path.join(tmp, 'dist');
  mkdirSync(dist);
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Kanjian</title>');
  const vocabulary = await loadVocabularyFile(path.join(REPO_ROOT, 'test/fixtures/vocabularies/colors.json'));
  core = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false, vocabulary });
  await core.indexFolder(photosDir);
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: dist });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function call(method: string, arg?: unknown): Promise<{ status: number; body: unknown }> {
  return postApi(server, method, JSON.stringify(arg ?? {}));
}

/** Calls a method and parses its reply with its schema; returns the parsed reply. */
async function checked<M extends ApiMethod>(method: M, arg?: unknown): Promise<v.InferOutput<(typeof API_REPLIES)[M]>> {
  const r = await call(method, arg);
  expect(r.status, `${method}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  const parsed = v.safeParse(API_REPLIES[method], r.body);
  expect(parsed.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`), method).toBeUndefined();
  return parsed.output as v.InferOutput<(typeof API_REPLIES)[M]>;
}

// Not called here: they reach the network (downloadModel), need a second installed model
// (useModel: test/integration/first-run.test.ts) or move files to the OS trash (trashPhotos).
const NOT_CALLED: ApiMethod[] = ['downloadModel', 'useModel', 'trashPhotos'];

describe('every reply matches its schema', () => {
  const called = new Set<ApiMethod>();
  const check = async <M extends ApiMethod>(m: M, arg?: unknown) => {
    called.add(m);
    return checked(m, arg);
  };

  it('library, photos and search', async () => {
    const folders = await check('listFolders');
    expect(folders).toHaveLength(1);
    const list = await check('listPhotos', { limit: 5 });
    expect(list.photos.length).toBeGreaterThan(0);
    const photo = await check('getPhoto', list.photos[0].id);
    expect(photo?.status).toBe('indexed');
    const found = await check('search', { query: 'red' });
    expect(found.results.length).toBeGreaterThan(0);
    expect((await check('search', { query: '', filters: { tag: 'red' } })).results.length).toBeGreaterThan(0);
    await check('listFailed', {});
    await check('getProgress');
    expect((await check('getModel')).id).toBe('toy-colors');
    expect((await check('getStats')).indexed).toBeGreaterThan(0);
    await check('listModels');
    await check('cancelDownload', 'not-downloading');
    const added = await check('addFolder', path.join(tmp, 'more'));
    await check('removeFolder', added.id);
  });

  it('duplicates and tags', async () => {
    const ids = (await checked('listPhotos', { limit: 2 })).photos.map((p) => p.id);
    expect(ids).toHaveLength(2);
    await check('findDuplicates', {});
    expect((await check('dismissDuplicates', { photoIds: ids })).pairs).toBe(1);
    const plan = await check('planTrash', { photoIds: ids, allowLastCopy: true });
    expect(plan.count).toBe(2);
    expect((await check('photoTags', ids[0])).length).toBeGreaterThan(0);
    await check('folderTags', (await checked('listFolders'))[0].id);
    expect((await check('listTags', {})).length).toBeGreaterThan(0);
    const tag = await check('addCustomTag', { en: 'grandma', zh: '外婆' });
    await check('removeCustomTag', tag.id);
  });

  it('timeline, folder tree and facets', async () => {
    const tl = await check('timeline', { by: 'day' });
    expect(tl.total).toBeGreaterThan(0);
    const sorted = await checked('listPhotos', { sort: 'name', filters: {}, limit: 2 });
    expect(sorted.photos).toHaveLength(2);
    const folder = (await checked('listFolders'))[0];
    const tree = await check('folderTree', folder.id);
    expect(tree?.photoCount).toBeGreaterThan(0);
    await check('folderPathTags', { path: folder.path });
    await check('facets', {});
  });

  it('settings, folder browser and install from a folder', async () => {
    expect((await check('getSettings')).theme).toBe('system');
    expect((await check('updateSettings', { theme: 'dark' })).theme).toBe('dark');
    expect((await check('browseFolders', { path: tmp })).path).toBe(tmp);
    // The colour photos carry no GPS: no places (places with photos: test/integration/places).
    expect(await check('listPlaces')).toEqual({ countries: [], photos: 0 });
    // The toy fixture is already the model in use here; a copy of it installs (fixtures allowed for tests).
    process.env.KANJIAN_ALLOW_FIXTURES = '1';
    try {
      const pkg = path.join(tmp, 'pkg-copy');
      cpSync(TOY_MODEL, pkg, { recursive: true });
      expect((await check('installModelFromFolder', { path: pkg })).id).toBe('toy-colors');
    } finally {
      delete process.env.KANJIAN_ALLOW_FIXTURES;
    }
  });

  it('photos like this one, albums, favourites, copy to a folder', async () => {
    const ids = (await checked('listPhotos', { limit: 2 })).photos.map((p) => p.id);
    expect((await check('search', { query: '', similarTo: ids[0] })).results.length).toBeGreaterThan(0);
    // addQueryImage takes the raw image as its body (not JSON).
    called.add('addQueryImage');
    const image = (await postApi(server, 'addQueryImage', readFileSync(path.join(photosDir, '2024', 'forest.png')), 'image/png')).body as unknown;
    const parsed = v.safeParse(API_REPLIES.addQueryImage, image);
    expect(parsed.issues?.map((i) => i.message)).toBeUndefined();
    const album = await check('createAlbum', { name: 'Reds' });
    await check('renameAlbum', { id: album.id, name: 'Reds 红' });
    expect((await check('addToAlbum', { albumId: album.id, photoIds: ids })).photoCount).toBe(2);
    await check('removeFromAlbum', { albumId: album.id, photoIds: [ids[1]] });
    expect((await check('listAlbums')).map((a) => a.name)).toEqual(['Reds 红']);
    await check('setFavourite', { photoIds: ids, favourite: true });
    expect((await check('photoCollections', ids[0])).favourite).toBe(true);
    await check('deleteAlbum', album.id);
    const out = path.join(tmp, 'copies');
    mkdirSync(out);
    expect((await check('copyPhotos', { photoIds: ids, destination: out })).copied).toHaveLength(2);
  });

  it('covers every method but the ones named as not called here', () => {
    expect([...called].sort()).toEqual(API_METHODS.filter((m) => !NOT_CALLED.includes(m)).sort());
  });

  it('a reply missing a field or with a wrong type fails its schema', () => {
    const good = { photos: [], total: 0 };
    expect(v.safeParse(API_REPLIES.listPhotos, good).success).toBe(true);
    expect(v.safeParse(API_REPLIES.listPhotos, { photos: [] }).success).toBe(false);
    expect(v.safeParse(API_REPLIES.getStats, { photos: 1, indexed: '1', failed: 0, pending: 0, folders: 1 }).success).toBe(false);
  });
});
