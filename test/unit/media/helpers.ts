import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
/** Real camera files (CC BY-SA 4.0), vendored under test/fixtures/photos (see its README.md). */
export const SAMPLES = path.join(REPO_ROOT, 'test/fixtures/photos');
export const FIXTURES = path.resolve(REPO_ROOT, 'test/fixtures/media');
export const HEIC_FIXTURE = path.join(FIXTURES, 'fixture-quadrants-64x48.heic');

export const sample = (...parts: string[]): string => path.join(SAMPLES, ...parts);

/** Quadrant colours of the generated scenes and of the committed HEIC fixture. */
export const QUADRANTS = {
  topLeft: [224, 32, 32],
  topRight: [32, 192, 32],
  bottomLeft: [32, 64, 224],
  bottomRight: [240, 224, 32],
} as const;

/** A 64×48 picture with four coloured quadrants: shows both colour and orientation. */
export async function quadrantScene(width = 64, height = 48): Promise<Sharp> {
  const w = width / 2;
  const h = height / 2;
  const tile = (rgb: readonly number[]) =>
    sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
  const { topLeft, topRight, bottomLeft, bottomRight } = QUADRANTS;
  const png = await sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .composite([
      { input: await tile(topLeft), left: 0, top: 0 },
      { input: await tile(topRight), left: w, top: 0 },
      { input: await tile(bottomLeft), left: 0, top: h },
      { input: await tile(bottomRight), left: w, top: h },
    ])
    .png()
    .toBuffer();
  // composite() adds an alpha channel; a photo-like scene has none.
  return sharp(await sharp(png).removeAlpha().png().toBuffer());
}

/** RGB(A) of one pixel of a sharp image. */
export async function pixelAt(image: Sharp, x: number, y: number): Promise<number[]> {
  const { data, info } = await image.clone().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + info.channels)];
}

export function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  const off = expected.map((v, i) => Math.abs(v - (actual[i] ?? NaN)));
  if (!off.every((d) => d <= tolerance)) {
    throw new Error(`colour ${JSON.stringify(actual)} is not within ${tolerance} of ${JSON.stringify(expected)}`);
  }
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kanjian-media-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** chmod 000 does not stop root, so permission failures can only be produced for other users. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;
