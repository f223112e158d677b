import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, openImage, readPhoto } from '../../../main/core/media/decode.js';
import { MediaError } from '../../../main/core/media/errors.js';
import type { PhotoFormat } from '../../../main/core/media/formats.js';
import { hammingDistance, perceptualHash } from '../../../main/core/media/hash.js';
import { expectClose, HEIC_FIXTURE, pixelAt, QUADRANTS, quadrantScene, sample, tempDir } from './helpers.js';

// Centre of each quadrant of the 64×48 scene.
const PROBES = [
  [16, 12, QUADRANTS.topLeft],
  [48, 12, QUADRANTS.topRight],
  [16, 36, QUADRANTS.bottomLeft],
  [48, 36, QUADRANTS.bottomRight],
] as const;

async function expectQuadrants(image: Sharp, tolerance: number): Promise<void> {
  for (const [x, y, rgb] of PROBES) expectClose((await pixelAt(image, x, y)).slice(0, 3), rgb, tolerance);
}

describe('openImage: every supported format', () => {
  const encoders: [PhotoFormat, (s: Sharp) => Sharp, number][] = [
    ['jpeg', (s) => s.jpeg({ quality: 90 }), 24],
    ['png', (s) => s.png(), 0],
    ['webp', (s) => s.webp({ quality: 90 }), 24],
    ['avif', (s) => s.avif({ quality: 80, effort: 0 }), 28],
    ['gif', (s) => s.gif(), 8],
    ['tiff', (s) => s.tiff({ compression: 'lzw' }), 0],
  ];

  it.each(encoders)('%s decodes to the right size and colours', async (format, encode, tolerance) => {
    const bytes = await encode(await quadrantScene()).toBuffer();
    const opened = await openImage(bytes);
    expect(opened.format).toBe(format);
    expect([opened.width, opened.height]).toEqual([64, 48]);
    expect(opened.hasAlpha).toBe(false);
    const meta = await opened.image.clone().png().toBuffer().then((b) => sharp(b).metadata());
    expect([meta.width, meta.height]).toEqual([64, 48]);
    await expectQuadrants(opened.image, tolerance);
  });

  it('decodes the committed HEVC HEIC fixture (sharp alone cannot) to the right size and colours', async () => {
    const opened = await openImage(await readFile(HEIC_FIXTURE));
    expect(opened.format).toBe('heic');
    expect([opened.width, opened.height]).toEqual([64, 48]);
    expect(opened.orientation).toBeNull();
    expect(opened.hasAlpha).toBe(false);
    const { info } = await opened.image.clone().raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3); // libheif's constant alpha is dropped
    await expectQuadrants(opened.image, 24);
  });

  it('keeps alpha (PNG and WebP)', async () => {
    const translucent = (await quadrantScene()).ensureAlpha(0.5);
    for (const bytes of [await translucent.clone().png().toBuffer(), await translucent.clone().webp({ lossless: true }).toBuffer()]) {
      const opened = await openImage(bytes);
      expect(opened.hasAlpha).toBe(true);
      const px = await pixelAt(opened.image, 16, 12);
      expect(px).toHaveLength(4);
      expect(Math.abs(px[3] - 128)).toBeLessThanOrEqual(1);
    }
  });

  it('turns a 16-bit PNG into ordinary 8-bit pixels', async () => {
    const bytes = await (await quadrantScene()).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(bytes).metadata()).depth).toBe('ushort');
    const opened = await openImage(bytes);
    await expectQuadrants(opened.image, 1);
  });

  it('takes the first frame of an animated GIF and WebP', async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background } }).png().toBuffer();
    const gif = await sharp([await frame('#00ff00'), await frame('#0000ff'), await frame('#ff0000')], { join: { animated: true } })
      .gif()
      .toBuffer();
    const webp = await sharp(gif, { animated: true }).webp({ lossless: true }).toBuffer();
    for (const bytes of [gif, webp]) {
      const opened = await openImage(bytes);
      expect([opened.width, opened.height]).toEqual([40, 30]);
      expectClose((await pixelAt(opened.image, 20, 15)).slice(0, 3), [0, 255, 0], 2);
    }
  });

  it('judges by content, not by name: SVG is refused even though sharp could render it', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expect(openImage(svg)).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/SVG/) });
  });

  it('applies the configurable pixel limit', async () => {
    const bytes = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    await expect(openImage(bytes, { pixelLimit: 1_000_000 })).rejects.toMatchObject({
      code: 'too-large',
      message: 'Image too large: 2000×1000 pixels exceeds the 1-megapixel limit',
    });
    await expect(openImage(bytes, { pixelLimit: 2_000_000 })).resolves.toMatchObject({ width: 2000 });
  });

  it('applies the pixel limit to HEIC before decoding any pixel', async () => {
    await expect(openImage(await readFile(HEIC_FIXTURE), { pixelLimit: 1000 })).rejects.toMatchObject({
      code: 'too-large',
      message: 'Image too large: 64×48 pixels exceeds the 0.001-megapixel limit',
    });
  });
});

describe('openImage: EXIF orientation (real camera files)', () => {
  for (const kind of ['landscape', 'portrait'] as const) {
    describe(kind, () => {
      let upright: { width: number; height: number; phash: string };
      beforeAll(async () => {
        const ref = await openImage(await readFile(sample('jpg', 'orientation', `${kind}_1.jpg`)));
        upright = { width: ref.width, height: ref.height, phash: await perceptualHash(ref.image) };
      });

      it.each([1, 2, 3, 4, 5, 6, 7, 8])(`${kind}_%i is turned upright`, async (n) => {
        const bytes = await readFile(sample('jpg', 'orientation', `${kind}_${n}.jpg`));
        const stored = await sharp(bytes).metadata();
        const opened = await openImage(bytes);
        expect(opened.orientation).toBe(n);
        expect([opened.width, opened.height]).toEqual([upright.width, upright.height]);
        // Orientations 5..8 are stored on their side: width and height swap.
        const swapped = n >= 5;
        expect([opened.width, opened.height]).toEqual(swapped ? [stored.height, stored.width] : [stored.width, stored.height]);
        // Upright content: looks like the orientation-1 photo; the stored pixels (control) do not.
        expect(hammingDistance(await perceptualHash(opened.image), upright.phash)).toBeLessThanOrEqual(6);
        if (n !== 1) expect(hammingDistance(await perceptualHash(sharp(bytes)), upright.phash)).toBeGreaterThanOrEqual(16);
      });
    });
  }
});

describe('readPhoto', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('returns the bytes, size and mtime', async () => {
    const file = sample('jpg', 'Canon_40D.jpg');
    const { bytes, size, mtimeMs } = await readPhoto(file);
    expect(bytes.equals(await readFile(file))).toBe(true);
    expect(size).toBe(bytes.length);
    expect(mtimeMs).toBeGreaterThan(0);
  });

  it('refuses absurdly large files before reading them', async () => {
    const file = path.join(dir, 'big.jpg');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024, 1));
    await expect(readPhoto(file, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: 'too-large',
      message: 'File too large: 3 MB exceeds the 1 MB limit for photos',
      path: file,
    });
    expect(DEFAULT_MAX_BYTES).toBe(512 * 1024 * 1024);
  });

  it('says a folder is not a photo', async () => {
    const folder = path.join(dir, 'looks-like.jpg');
    await mkdir(folder);
    const err = await readPhoto(folder).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect(err).toMatchObject({ code: 'not-image', message: 'This is a folder, not a photo' });
  });
});
