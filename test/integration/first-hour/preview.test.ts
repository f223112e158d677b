// The viewer's preview through the HTTP shell: a screen-sized WebP made by the core for formats a
// browser cannot show (HEIC, TIFF), cached under the data folder by content, and exposure details
// read from EXIF at index time. Real core, sharp, SQLite, HTTP on 127.0.0.1.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoDetail } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { getWithToken } from '../../helpers/api-post.js';
import { makeFirstHourPhotos, type FirstHourPhotos } from './photos.js';

let tmp: string;
let lib: string;
let core: Kanjian;
let server: RunningServer;
let photos: FirstHourPhotos;
const byName = new Map<string, number>();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-preview-'));
  lib = path.join(tmp, 'library');
  photos = await makeFirstHourPhotos(lib);
  mkdirSync(path.join(lib, 'formats'), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, 'test/fixtures/media/fixture-quadrants-64x48.heic'), path.join(lib, 'formats', 'phone.heic'));
  // A scan larger than a screen: the preview must come down to 2560 px.
  await sharp({ create: { width: 3000, height: 1200, channels: 3, background: { r: 90, g: 90, b: 200 } } })
    .tiff()
    .toFile(path.join(lib, 'formats', 'scan.tiff'));
  core = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false });
  await core.indexFolder(lib, { analyse: false });
  for (const p of (await core.listPhotos({ limit: 100 })).photos) byName.set(p.name, p.id);
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: null });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const get = (p: string) => getWithToken(server, p);

describe('GET /media/preview/<id>', () => {
  it.each([
    ['phone.heic', 64, 48],
    ['scan.tiff', 2560, 1024],
  ])('serves %s as a WebP a browser can show, at most 2560 px', async (name, w, h) => {
    const id = byName.get(name);
    expect(id, name).toBeDefined();
    const res = await get(`/media/preview/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([w, h]);
  });

  it('caches previews by content under the data folder', async () => {
    const dir = path.join(tmp, 'data', 'previews');
    const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.webp'));
    expect(files.length).toBe(2);
    const detail = await core.getPhoto(byName.get('scan.tiff')!);
    expect(existsSync(path.join(dir, detail!.sha256!.slice(0, 2), `${detail!.sha256}.webp`))).toBe(true);
  });

  it('answers 404 for an unknown photo and 400 for a bad id', async () => {
    expect((await get('/media/preview/999999')).status).toBe(404);
    expect((await get('/media/preview/abc')).status).toBe(400);
  });
});

describe('exposure details', () => {
  it('are read from EXIF at index time', async () => {
    const d = (await core.getPhoto(byName.get(path.basename(photos.gps))!)) as PhotoDetail;
    expect(d).toMatchObject({ cameraMake: 'NIKON', lens: 'NIKKOR 6-24mm', fNumber: 2.8, exposureTime: 0.004, iso: 200, focalLength: 6 });
    expect(d.lat).toBeCloseTo(43.4667, 3);
    const plain = (await core.getPhoto(byName.get('c1.jpg')!)) as PhotoDetail;
    expect(plain).toMatchObject({ lens: null, fNumber: null, exposureTime: null, iso: null, focalLength: null });
  });
});
