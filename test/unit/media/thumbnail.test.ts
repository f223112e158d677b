import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../../main/core/media/decode.js';
import { MediaError } from '../../../main/core/media/errors.js';
import { thumbnailPathFor, writeThumbnail } from '../../../main/core/media/thumbnail.js';
import { sample, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const DIGEST = '6bfdabd4fc33d112283c147acccc574e770bbe6fbdbc3d4da968ba7b606ecc2f';

describe('thumbnailPathFor', () => {
  it('fans out by the first two hex characters', () => {
    expect(thumbnailPathFor('/data/thumbs', DIGEST)).toBe(path.join('/data/thumbs', '6b', `${DIGEST}.webp`));
    expect(thumbnailPathFor('/data/thumbs', DIGEST.toUpperCase())).toBe(path.join('/data/thumbs', '6b', `${DIGEST}.webp`));
  });

  it('refuses anything but a sha256 digest (it becomes a path)', () => {
    expect(() => thumbnailPathFor('/t', '../../etc/passwd')).toThrow(TypeError);
    expect(() => thumbnailPathFor('/t', DIGEST.slice(1))).toThrow(TypeError);
  });
});

describe('writeThumbnail', () => {
  it('writes an upright WebP within 320 px, creating parent folders', async () => {
    const { image } = await openImage(await readFile(sample('jpg', 'orientation', 'portrait_6.jpg')));
    const out = path.join(dir, 'a', 'b', 'portrait.webp');
    const result = await writeThumbnail(image, out);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width, meta.height)).toBe(320);
    expect([meta.width, meta.height]).toEqual([240, 320]); // portrait: the EXIF rotation was applied
    expect(result).toMatchObject({ path: out, width: 240, height: 320 });
    expect(result.bytes).toBe((await stat(out)).size);
  });

  it('never enlarges a small photo', async () => {
    const { image } = await openImage(await readFile(sample('jpg', 'Canon_40D.jpg')));
    const out = path.join(dir, 'small.webp');
    await writeThumbnail(image, out);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([100, 68]);
  });

  it('honours a custom size and keeps transparency', async () => {
    const png = await sharp({ create: { width: 800, height: 400, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.25 } } })
      .png()
      .toBuffer();
    const out = path.join(dir, 'alpha.webp');
    await writeThumbnail((await openImage(png)).image, out, { size: 100 });
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([100, 50, true]);
  });

  it('is atomic: replaces an existing file whole and leaves no temp files behind', async () => {
    const folder = path.join(dir, 'atomic');
    const out = path.join(folder, 'x.webp');
    await mkdir(folder, { recursive: true });
    await writeFile(out, 'old');
    const { image } = await openImage(await readFile(sample('jpg', 'gps', 'DSCN0010.jpg')));
    await Promise.all([writeThumbnail(image, out), writeThumbnail(image, out), writeThumbnail(image, out)]);
    expect(await readdir(folder)).toEqual(['x.webp']);
    expect((await sharp(out).metadata()).format).toBe('webp');
  });

  it('on failure writes nothing under the real name and cleans its temp file', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'a file where the thumbnail folder should be');
    const { image } = await openImage(await readFile(sample('jpg', 'Canon_40D.jpg')));
    const err = await writeThumbnail(image, path.join(blocker, 'x.webp')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect(err).toMatchObject({ code: 'io', message: expect.stringMatching(/^Could not save the thumbnail: /) });

    const folder = path.join(dir, 'broken-source');
    await mkdir(folder);
    const broken = sharp(Buffer.from('definitely not an image'));
    await expect(writeThumbnail(broken, path.join(folder, 'y.webp'))).rejects.toBeInstanceOf(MediaError);
    expect(await readdir(folder)).toEqual([]);
  });
});
