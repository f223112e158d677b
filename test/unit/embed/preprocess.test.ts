import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImageTowerSpec } from '../../../main/core/embed/manifest-types.js';
import { imageTensor } from '../../../main/core/embed/preprocess.js';

// OpenAI CLIP's statistics: uneven per channel, so a channel mix-up shows.
const MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

function spec(over: Partial<ImageTowerSpec> = {}): ImageTowerSpec {
  return {
    file: 'x.onnx', input: { name: 'image', type: 'float32' }, output: 'embedding',
    size: 8, resize: 'squash', interpolation: 'bicubic', mean: MEAN, std: STD, normalize: true, batch: 1,
    ...over,
  };
}

function solid(rgb: [number, number, number], width: number, height: number, alpha?: number): Sharp {
  const channels = alpha === undefined ? 3 : 4;
  return sharp({ create: { width, height, channels, background: { r: rgb[0], g: rgb[1], b: rgb[2], alpha: alpha ?? 1 } } });
}

/** Channel c's plane of an NCHW tensor. */
function plane(t: Float32Array, size: number, c: number): Float32Array {
  return t.subarray(c * size * size, (c + 1) * size * size);
}

function expected(rgb: [number, number, number]): number[] {
  return rgb.map((v, c) => Math.fround((v / 255 - MEAN[c]) / STD[c]));
}

describe('imageTensor', () => {
  it('turns a solid colour into exactly the normalised values, channel-planar', async () => {
    const rgb: [number, number, number] = [255, 64, 128];
    const t = await imageTensor(solid(rgb, 50, 30), spec());
    expect(t).toBeInstanceOf(Float32Array);
    expect(t.length).toBe(3 * 8 * 8);
    const want = expected(rgb);
    for (let c = 0; c < 3; c++) {
      for (const v of plane(t, 8, c)) expect(v).toBeCloseTo(want[c], 5);
    }
  });

  it('produces [3, size, size] whatever the source shape and resize mode', async () => {
    for (const resize of ['squash', 'shortest-crop'] as const) {
      for (const [w, h] of [[7, 300], [300, 7], [13, 13]]) {
        const t = await imageTensor(solid([1, 2, 3], w, h), spec({ size: 11, resize }));
        expect(t.length).toBe(3 * 11 * 11);
      }
    }
  });

  it('shortest-crop keeps the centre; squash keeps everything', async () => {
    // 300x100: a red 100x100 square in the middle, blue on both sides.
    const red = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const widePng = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#0000ff' } })
      .composite([{ input: red, left: 100, top: 0 }])
      .png()
      .toBuffer();
    const wide = () => sharp(widePng);
    const size = 32;
    const redShare = (t: Float32Array) => {
      const r = plane(t, size, 0);
      return r.filter((v) => v > 1).length / r.length;
    };
    const cropped = await imageTensor(wide(), spec({ size, resize: 'shortest-crop' }));
    expect(redShare(cropped)).toBe(1);
    expect(Math.max(...plane(cropped, size, 2))).toBeLessThan(-1);
    const squashed = await imageTensor(wide(), spec({ size, resize: 'squash' }));
    expect(redShare(squashed)).toBeGreaterThan(0.3);
    expect(redShare(squashed)).toBeLessThan(0.4);
  });

  it('flattens transparency onto white', async () => {
    const t = await imageTensor(solid([0, 0, 0], 10, 10, 0), spec());
    const want = expected([255, 255, 255]);
    for (let c = 0; c < 3; c++) expect(plane(t, 8, c)[0]).toBeCloseTo(want[c], 5);
  });

  it('expands greyscale to three channels', async () => {
    const grey = await sharp({ create: { width: 9, height: 9, channels: 3, background: '#808080' } }).greyscale().png().toBuffer();
    const t = await imageTensor(sharp(grey), spec());
    const want = expected([128, 128, 128]);
    for (let c = 0; c < 3; c++) expect(plane(t, 8, c)[5]).toBeCloseTo(want[c], 5);
  });

  it('uses the nearest kernel when asked (no blended colours on upscale)', async () => {
    // 2x2 checker of black and white, upscaled to 8x8.
    const raw = Buffer.from([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]);
    const checker = () => sharp(raw, { raw: { width: 2, height: 2, channels: 3 } });
    const levels = (t: Float32Array) => new Set(plane(t, 8, 0)).size;
    expect(levels(await imageTensor(checker(), spec({ interpolation: 'nearest' })))).toBe(2);
    expect(levels(await imageTensor(checker(), spec({ interpolation: 'bilinear' })))).toBeGreaterThan(2);
  });

  it('clones the caller\'s image, which stays usable for thumbnails', async () => {
    const img = solid([10, 200, 30], 40, 20);
    const a = await imageTensor(img, spec());
    const b = await imageTensor(img, spec({ size: 4 }));
    expect(b.length).toBe(3 * 4 * 4);
    const thumb = await img.png().toBuffer({ resolveWithObject: true });
    expect([thumb.info.width, thumb.info.height]).toEqual([40, 20]);
    expect(a[0]).toBeCloseTo(expected([10, 200, 30])[0], 5);
  });
});
