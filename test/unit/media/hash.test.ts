import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../../main/core/media/decode.js';
import { hammingDistance, perceptualHash, sha256 } from '../../../main/core/media/hash.js';
import { sample } from './helpers.js';

describe('sha256', () => {
  it('matches the standard test vector and is stable', async () => {
    expect(sha256(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const bytes = await readFile(sample('jpg', 'Canon_40D.jpg'));
    expect(sha256(bytes)).toBe(sha256(Buffer.from(bytes)));
    expect(sha256(bytes)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('perceptualHash', () => {
  const phashOf = async (bytes: Buffer) => perceptualHash((await openImage(bytes)).image);
  let original: Buffer;
  let hash: string;
  beforeAll(async () => {
    original = await readFile(sample('jpg', 'mobile', 'HMD_Nokia_8.3_5G.jpg'));
    hash = await phashOf(original);
  });

  it('is 16 hex characters and deterministic', async () => {
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await phashOf(original)).toBe(hash);
  });

  it('leaves the shared image usable (works on a clone)', async () => {
    const { image } = await openImage(original);
    await perceptualHash(image);
    const meta = await image.clone().resize(10).png().toBuffer({ resolveWithObject: true });
    expect(meta.info.width).toBe(10);
  });

  it.each([
    ['resized to half and recompressed', (s: Sharp) => s.resize(2304).jpeg({ quality: 75 })],
    ['small WebP at low quality', (s: Sharp) => s.resize(1200).webp({ quality: 40 })],
    ['brightened PNG', (s: Sharp) => s.resize(1000).modulate({ brightness: 1.2 }).png()],
  ])('a copy %s stays close', async (_case, transform) => {
    const copy = await transform(sharp(original)).toBuffer();
    expect(hammingDistance(hash, await phashOf(copy))).toBeLessThanOrEqual(8);
  });

  it.each([
    ['gps', 'DSCN0010.jpg'],
    ['gps', 'DSCN0012.jpg'],
    ['exif-org', 'nikon-e950.jpg'],
    ['exif-org', 'canon-ixus.jpg'],
    ['orientation', 'landscape_1.jpg'],
    ['.', 'Canon_40D.jpg'],
  ])('a different photo (%s/%s) is far away', async (folder, file) => {
    const other = await phashOf(await readFile(sample('jpg', folder, file)));
    expect(hammingDistance(hash, other)).toBeGreaterThanOrEqual(20);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0123456789abcdef', '0123456789abcdef')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('0000000000000001', '0000000000000000')).toBe(1);
    expect(hammingDistance('8000000000000003', '0000000000000000')).toBe(3);
    expect(hammingDistance('ABCDEF0123456789', 'abcdef0123456789')).toBe(0);
  });

  it('refuses anything that is not a 64-bit hex hash', () => {
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(TypeError);
    expect(() => hammingDistance('zzzzzzzzzzzzzzzz', '0000000000000000')).toThrow(TypeError);
  });
});
