// Photos like this one, albums, favourites and copy-to-folder through the real core and HTTP
// shell: real SQLite, real sharp decoding, real ONNX Runtime on the toy colour model (its image
// vectors follow a photo's colour, so "like this red photo" must rank red photos first).
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { postApi } from '../../helpers/api-post.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { KanjianError } from '../../../main/core/errors.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { runCli, TOY_MODEL } from '../../helpers/cli.js';
import { makeColourLibrary, writeColourPhoto, type Colour } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let core: Kanjian;
let server: RunningServer;
let photos: Record<Colour, string[]>;
/** A red photo outside the library, to drop as a query. */
let outsideRed: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-albums-'));
  lib = path.join(tmp, 'library');
  photos = await makeColourLibrary(lib);
  outsideRed = await writeColourPhoto(path.join(tmp, 'query', 'dropped red.jpg'), 'red', { seed: 99 });
  core = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false });
  await core.indexFolder(lib);
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: null });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const colourOf = (p: string) => (Object.entries(photos).find(([, list]) => list.includes(p))?.[0] ?? 'none') as Colour | 'none';

async function idOf(file: string): Promise<number> {
  const { photos: list } = await core.listPhotos({ limit: 1000 });
  const hit = list.find((p) => p.path === file);
  if (!hit) throw new Error(`not in the library: ${file}`);
  return hit.id;
}

function post(method: string, body: Buffer | string, contentType: string): Promise<{ status: number; body: any }> {
  return postApi(server, method, body, contentType);
}

describe('photos like this one', () => {
  it('similar by id: the other red photo first, never the photo itself, views say "similar"', async () => {
    const red = await idOf(photos.red[0]);
    const res = await core.search({ query: '', similarTo: red });
    expect(res.mode).toBe('search');
    expect(res.notice).toBeUndefined();
    expect(res.results.map((r) => r.photo.id)).not.toContain(red);
    expect(res.results[0].photo.path).toBe(photos.red[1]);
    expect(res.results[0].views).toEqual(['similar']);
    // Ranked by closeness: scores never rise down the list.
    const scores = res.results.map((r) => r.viewScores!.similar!);
    expect(scores.length).toBeGreaterThan(2);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('combines with filters: only photos in the folder, still nearest first', async () => {
    const red = await idOf(photos.red[0]);
    const docs = path.join(lib, 'docs');
    const res = await core.search({ query: '', similarTo: red, filters: { folder: docs } });
    expect(res.results.length).toBeGreaterThan(0);
    expect(res.results.every((r) => r.photo.path.startsWith(docs + path.sep))).toBe(true);
  });

  it('"like this, but blue": the picture and the words fused, a blue photo on top matched by both', async () => {
    const red = await idOf(photos.red[0]);
    const res = await core.search({ query: 'blue', similarTo: red });
    expect(colourOf(res.results[0].photo.path)).toBe('blue');
    expect(res.results[0].views).toEqual(expect.arrayContaining(['similar', 'image']));
  });

  it('an image uploaded over HTTP (raw body) finds red photos and adds nothing to the library', async () => {
    const before = await core.getStats();
    const thumbsBefore = readdirSync(core.paths.thumbnails, { recursive: true }).length;
    const up = await post('addQueryImage', readFileSync(outsideRed), 'image/jpeg');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.embedded).toBe(true);
    expect(up.body.imageId).toMatch(/^[0-9a-f]{32}$/);
    const res = await post('search', JSON.stringify({ query: '', image: up.body.imageId }), 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.results.slice(0, 2).map((r: any) => colourOf(r.photo.path))).toEqual(['red', 'red']);
    expect(await core.getStats()).toEqual(before);
    expect(readdirSync(core.paths.thumbnails, { recursive: true }).length).toBe(thumbsBefore);
  });

  it('the upload is bounded and typed: JSON refused, not-an-image gets a media code, an unknown id a code', async () => {
    expect((await post('addQueryImage', '{}', 'application/json')).status).toBe(415);
    const bad = await post('addQueryImage', Buffer.from('not an image at all'), 'application/octet-stream');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toMatch(/^media\./);
    const gone = await post('search', JSON.stringify({ query: '', image: 'f'.repeat(32) }), 'application/json');
    expect(gone.status).toBe(400);
    expect(gone.body.code).toBe('search.imageExpired');
    // Declared larger than the limit: refused before a byte is buffered.
    const big = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1', port: server.port, path: '/api/addQueryImage', method: 'POST',
          headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}`, 'Content-Type': 'image/jpeg', 'Content-Length': String(64 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(16));
    });
    expect(big).toBe(413);
  });
});

describe('albums and favourites', () => {
  it('survive a rename and a move, and work as filters', async () => {
    const album = await core.createAlbum({ name: '海边 trip' });
    const [a, b] = [await idOf(photos.blue[0]), await idOf(photos.yellow[0])];
    expect((await core.addToAlbum({ albumId: album.id, photoIds: [a, b] })).photoCount).toBe(2);
    expect((await core.setFavourite({ photoIds: [a], favourite: true })).favourites).toEqual([a]);
    await expect(core.createAlbum({ name: '海边 TRIP' })).rejects.toMatchObject({ code: 'album.nameTaken' });

    // Rename one and move the other to another folder, then rescan.
    const renamed = path.join(path.dirname(photos.blue[0]), 'renamed sea.jpg');
    const moved = path.join(lib, 'docs', path.basename(photos.yellow[0]));
    renameSync(photos.blue[0], renamed);
    renameSync(photos.yellow[0], moved);
    photos.blue[0] = renamed;
    photos.yellow[0] = moved;
    await core.indexFolder(lib);

    const inAlbum = await core.search({ query: '', filters: { album: album.id } });
    expect(inAlbum.results.map((r) => r.photo.path).sort()).toEqual([renamed, moved].sort());
    const favs = await core.search({ query: '', filters: { favourite: true } });
    expect(favs.results.map((r) => r.photo.path)).toEqual([renamed]);
    expect((await core.listAlbums()).find((x) => x.id === album.id)?.photoCount).toBe(2);
    // A meaning search inside the album: only album photos, the blue one for "blue".
    const blueIn = await core.search({ query: 'blue', filters: { album: album.id } });
    expect(blueIn.results.map((r) => r.photo.path)).toEqual([renamed]);
    // Similar inside favourites.
    const likeRed = await core.search({ query: '', similarTo: await idOf(photos.red[0]), filters: { favourite: true } });
    expect(likeRed.results.map((r) => r.photo.path)).toEqual([renamed]);

    const renamedAlbum = await core.renameAlbum({ id: album.id, name: 'Seaside' });
    expect(renamedAlbum.name).toBe('Seaside');
    expect((await core.photoCollections(await idOf(renamed)))).toEqual({ albums: [album.id], favourite: true });
    await core.removeFromAlbum({ albumId: album.id, photoIds: [await idOf(moved)] });
    expect((await core.search({ query: '', filters: { album: album.id } })).results.map((r) => r.photo.path)).toEqual([renamed]);
    await core.deleteAlbum(album.id);
    expect(existsNow(renamed)).toBe(true);
    await expect(core.search({ query: '', filters: { album: album.id } })).resolves.toMatchObject({ results: [] });
  });
});

function existsNow(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

describe('copy to a folder', () => {
  it('copies, never touching the source; a taken name gets a new one; the library is refused', async () => {
    const src = photos.green[0];
    const id = await idOf(src);
    const before = { bytes: readFileSync(src), mtime: statSync(src).mtimeMs };
    const dest = path.join(tmp, 'export 导出');
    mkdirSync(dest);
    const first = await core.copyPhotos({ photoIds: [id], destination: dest });
    const second = await core.copyPhotos({ photoIds: [id], destination: dest });
    expect(first.failed).toEqual([]);
    expect(path.basename(first.copied[0].to)).toBe(path.basename(src));
    const ext = path.extname(src);
    expect(path.basename(second.copied[0].to)).toBe(`${path.basename(src, ext)} (1)${ext}`);
    expect(readFileSync(first.copied[0].to).equals(before.bytes)).toBe(true);
    expect(readFileSync(second.copied[0].to).equals(before.bytes)).toBe(true);
    // The source: same bytes, same time, same place; still one library photo.
    expect(readFileSync(src).equals(before.bytes)).toBe(true);
    expect(statSync(src).mtimeMs).toBe(before.mtime);
    expect((await core.getPhoto(id))?.path).toBe(src);

    await expect(core.copyPhotos({ photoIds: [id], destination: path.join(lib, 'docs') })).rejects.toMatchObject({ code: 'copy.insideLibrary' });
    await expect(core.copyPhotos({ photoIds: [id], destination: path.join(tmp, 'nope') })).rejects.toBeInstanceOf(KanjianError);
    const missing = await core.copyPhotos({ photoIds: [999_999], destination: dest });
    expect(missing.failed.map((f) => f.code)).toEqual(['copy.notInLibrary']);
  });
});

describe('without a model', () => {
  it('"similar" answers with near copies of the same picture and says a model is needed', async () => {
    const lib2 = path.join(tmp, 'library2');
    await makeColourLibrary(lib2);
    const source = path.join(lib2, 'docs', 'night.jpg');
    const copy = path.join(lib2, 'copies', 'night again.png');
    mkdirSync(path.dirname(copy), { recursive: true });
    await sharp(source).png().toFile(copy);
    const bare = await Kanjian.open({ dataDir: path.join(tmp, 'data-bare'), ocr: false });
    try {
      await bare.indexFolder(lib2);
      expect((await bare.getModel()).id).toBeNull();
      const { photos: list } = await bare.listPhotos({ limit: 100 });
      const id = list.find((p) => p.path === source)!.id;
      const res = await bare.search({ query: '', similarTo: id });
      expect(res.notice).toEqual({ code: 'similar.needsModel' });
      expect(res.results[0]?.photo.path).toBe(copy);
      expect(res.results.map((r) => r.photo.id)).not.toContain(id);
      const up = await bare.addQueryImage(new Uint8Array(readFileSync(source)));
      expect(up.embedded).toBe(false);
      const byImage = await bare.search({ query: '', image: up.imageId });
      expect(byImage.results.map((r) => r.photo.path)).toEqual(expect.arrayContaining([source, copy]));
    } finally {
      await bare.close();
    }
  }, 120_000);
});

describe('CLI: search --image, --album, --favourite', () => {
  it('prints the same --json shape as search, red photos first', async () => {
    const data = path.join(tmp, 'data-cli');
    const lib3 = path.join(tmp, 'library3');
    const made = await makeColourLibrary(lib3);
    const idx = await runCli(['index', lib3, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(idx.code, idx.stderr).toBe(0);
    const r = await runCli(['search', '--image', outsideRed, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { mode: string; results: { path: string; score: number; views: string[] }[] };
    expect(out.mode).toBe('search');
    expect(out.results.slice(0, 2).map((x) => x.path).sort()).toEqual([...made.red].sort());
    expect(Object.keys(out.results[0]).sort()).toEqual(['path', 'score', 'views']);
    // With a folder filter and words: fused, filtered.
    const f = await runCli(['search', 'yellow', '--image', outsideRed, '--folder', path.join(lib3, 'misc'), '--data', data, '--model', TOY_MODEL, '--json']);
    expect(f.code, f.stderr).toBe(0);
    const fo = JSON.parse(f.stdout) as { results: { path: string; views: string[] }[] };
    expect(fo.results.every((x) => x.path.startsWith(path.join(lib3, 'misc') + path.sep))).toBe(true);
    expect(fo.results[0].path).toBe(made.yellow.find((p) => p.includes(`${path.sep}misc${path.sep}`)));

    // An album made through the core is a CLI filter by name; favourites too.
    const k = await Kanjian.open({ dataDir: data, model: TOY_MODEL, ocr: false });
    try {
      const { photos: list } = await k.listPhotos({ limit: 100 });
      const album = await k.createAlbum({ name: 'Greens 绿' });
      await k.addToAlbum({ albumId: album.id, photoIds: list.filter((p) => made.green.includes(p.path)).map((p) => p.id) });
      await k.setFavourite({ photoIds: [list.find((p) => p.path === made.white[0])!.id], favourite: true });
    } finally {
      await k.close();
    }
    const a = await runCli(['search', '--album', 'greens 绿', '--data', data, '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect((JSON.parse(a.stdout).results as { path: string }[]).map((x) => x.path).sort()).toEqual([...made.green].sort());
    const fav = await runCli(['search', '--favourite', '--data', data, '--json']);
    expect((JSON.parse(fav.stdout).results as { path: string }[]).map((x) => x.path)).toEqual([made.white[0]]);
    const unknown = await runCli(['search', '--album', 'nope', '--data', data, '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No album named "nope"');
  }, 180_000);
});
