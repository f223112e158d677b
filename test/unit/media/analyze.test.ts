import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzePhoto, hashFile } from '../../../main/core/media/analyze.js';
import { sha256 } from '../../../main/core/media/hash.js';
import { thumbnailPathFor } from '../../../main/core/media/thumbnail.js';
import { HEIC_FIXTURE, sample, tempDir } from './helpers.js';

let dir: string;
let thumbDir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  thumbDir = path.join(dir, 'thumbs');
});
afterAll(() => cleanup());

describe('analyzePhoto', () => {
  it('returns everything the indexer stores for a real geotagged photo, leaving the file untouched', async () => {
    const file = sample('jpg', 'gps', 'DSCN0010.jpg');
    const bytes = await readFile(file);
    const before = await stat(file);
    const photo = await analyzePhoto(file, { thumbDir });

    expect(photo).toMatchObject({
      path: file,
      size: bytes.length,
      mtimeMs: before.mtimeMs,
      sha256: sha256(bytes),
      width: 640,
      height: 480,
      format: 'jpeg',
      orientation: 1,
      exif: { cameraMake: 'NIKON', cameraModel: 'COOLPIX P6000', takenAt: '2008-10-22T16:28:39' },
      thumbnailPath: thumbnailPathFor(thumbDir, sha256(bytes)),
    });
    expect(photo.exif.lat).toBeCloseTo(43.4674, 3);
    expect(photo.phash).toMatch(/^[0-9a-f]{16}$/);
    const thumb = await sharp(photo.thumbnailPath).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 320, 240]);
    const { info } = await photo.image.clone().resize(224, 224, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([224, 224, 3]);

    expect((await readFile(file)).equals(bytes)).toBe(true);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('reports upright dimensions and writes an upright thumbnail for a rotated photo', async () => {
    const photo = await analyzePhoto(sample('jpg', 'orientation', 'landscape_6.jpg'), { thumbDir });
    expect([photo.width, photo.height, photo.orientation]).toEqual([600, 450, 6]);
    const thumb = await sharp(photo.thumbnailPath).metadata();
    expect([thumb.width, thumb.height]).toEqual([320, 240]);
  });

  it('analyses an iPhone-style HEIC', async () => {
    const photo = await analyzePhoto(HEIC_FIXTURE, { thumbDir });
    expect(photo).toMatchObject({ format: 'heic', width: 64, height: 48, orientation: null });
    expect(photo.exif).toMatchObject({ cameraMake: 'KanjianTest', takenAt: '2024-05-06T07:08:09' });
    expect((await sharp(photo.thumbnailPath).metadata()).format).toBe('webp');
  });

  it('keeps an existing thumbnail (content-addressed): a copy or a move reuses it', async () => {
    const original = sample('jpg', 'Canon_40D.jpg');
    const digest = sha256(await readFile(original));
    const thumbPath = thumbnailPathFor(thumbDir, digest);
    await mkdir(path.dirname(thumbPath), { recursive: true });
    await writeFile(thumbPath, 'sentinel');

    const copy = path.join(dir, 'renamed copy.jpg');
    await copyFile(original, copy);
    for (const file of [original, copy]) {
      const photo = await analyzePhoto(file, { thumbDir });
      expect(photo.thumbnailPath).toBe(thumbPath);
    }
    expect(await readFile(thumbPath, 'utf8')).toBe('sentinel');
  });

  it('passes options through: pixel limit and thumbnail size', async () => {
    const file = sample('jpg', 'gps', 'DSCN0012.jpg');
    await expect(analyzePhoto(file, { thumbDir, pixelLimit: 100_000 })).rejects.toMatchObject({ code: 'too-large', path: file });
    const photo = await analyzePhoto(file, { thumbDir: path.join(dir, 'small-thumbs'), thumbnailSize: 64 });
    const thumb = await sharp(photo.thumbnailPath).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBe(64);
  });
});

describe('hashFile', () => {
  it('agrees with analyzePhoto without decoding', async () => {
    const file = sample('jpg', 'mobile', 'HMD_Nokia_8.3_5G.jpg');
    const photo = await analyzePhoto(file, { thumbDir });
    expect(await hashFile(file)).toEqual({ sha256: photo.sha256, size: photo.size, mtimeMs: photo.mtimeMs });
  });

  it('hashes non-images too (it never decodes) but maps file errors', async () => {
    const text = path.join(dir, 'notes.jpg');
    await writeFile(text, 'abc');
    expect((await hashFile(text)).sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const empty = path.join(dir, 'empty.jpg');
    await writeFile(empty, '');
    await expect(hashFile(empty)).rejects.toMatchObject({ code: 'empty', path: empty });
    await expect(hashFile(path.join(dir, 'missing.jpg'))).rejects.toMatchObject({ code: 'not-found' });
  });
});
