// Known copies of a real photo, as users end up with them: the duplicate tests and the
// duplicate benchmark build their sets from these, so both measure the same thing.
import sharp from 'sharp';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';

/** The copies the integration tests make of a real photo. */
export const VARIANT_KINDS = ['resize50', 'jpeg40', 'crop5', 'bright10', 'png', 'webp', 'exifRotated'] as const;

/**
 * Every kind of copy the benchmark measures (issue 11): what people do to photos. Crops take up
 * to 10 % per side, also on one side only; rotations turn the pixels (no EXIF tag) or set the
 * EXIF orientation; borders add black bars or a white mat.
 */
export const BENCH_VARIANT_KINDS = [
  'resize50', 'resize25', 'jpeg40', 'webp', 'png', 'heic',
  'bright15', 'dark15', 'contrast15', 'flat15',
  'crop5', 'crop10', 'crop10left', 'cropAsym',
  'exifRotated', 'rotated90', 'rotated270',
  'letterbox', 'frame',
] as const;
export type VariantKind = (typeof BENCH_VARIANT_KINDS)[number] | (typeof VARIANT_KINDS)[number];

export const VARIANT_LABEL: Readonly<Record<VariantKind, string>> = {
  resize50: 'resized to 50%',
  bright10: 'brightness +10%',
  resize25: 'resized to 25%',
  jpeg40: 'JPEG quality 40',
  webp: 're-saved as WebP',
  png: 're-saved as PNG',
  heic: 're-saved as HEIC',
  bright15: 'brightness +15%',
  dark15: 'brightness −15%',
  contrast15: 'contrast +15%',
  flat15: 'contrast −15%',
  crop5: 'cropped 5% (2.5% per side)',
  crop10: 'cropped 10% per side',
  crop10left: 'cropped 10% on the left only',
  cropAsym: 'cropped 8% left, 3% top, 10% bottom',
  exifRotated: 'rotated by EXIF (orientation 6)',
  rotated90: 'pixels turned 90° clockwise',
  rotated270: 'pixels turned 90° anticlockwise',
  letterbox: 'letterboxed (black bars, 8% top and bottom)',
  frame: 'white border (4% of the width)',
};

export const VARIANT_EXT: Readonly<Record<VariantKind, string>> = Object.fromEntries(
  [...BENCH_VARIANT_KINDS, ...VARIANT_KINDS].map((k) => [k, k === 'png' ? '.png' : k === 'webp' ? '.webp' : k === 'heic' ? '.heic' : '.jpg']),
) as Record<VariantKind, string>;

const run = promisify(execFile);

/** `heif-enc` (Debian: libheif-examples) writes HEIC; sharp's prebuilt libvips cannot (no HEVC encoder). */
export async function haveHeifEnc(): Promise<boolean> {
  return run('heif-enc', ['--help']).then(
    () => true,
    (e: { code?: unknown; stdout?: string }) => e.code !== 'ENOENT' && /heif-enc/.test(String(e.stdout ?? '')),
  );
}

/**
 * Writes `kind` of `src` to `dest`. Every variant starts from the upright picture (EXIF
 * orientation applied), as a viewer or editor would save it; sharp drops the metadata unless
 * told otherwise, as most converters and messengers do.
 */
export async function writeVariant(src: string, kind: VariantKind, dest: string): Promise<string> {
  mkdirSync(path.dirname(dest), { recursive: true });
  const upright = sharp(src).rotate();
  const { width, height } = (await sharp(src).metadata()).autoOrient;
  const crop = (l: number, r: number, t: number, b: number) =>
    upright
      .extract({ left: Math.round(width * l), top: Math.round(height * t), width: Math.round(width * (1 - l - r)), height: Math.round(height * (1 - t - b)) })
      .jpeg({ quality: 90 })
      .toFile(dest);
  switch (kind) {
    case 'resize50':
    case 'resize25': {
      const f = kind === 'resize50' ? 2 : 4;
      await upright.resize(Math.max(1, Math.round(width / f)), Math.max(1, Math.round(height / f))).jpeg({ quality: 90 }).toFile(dest);
      break;
    }
    case 'jpeg40':
      await upright.jpeg({ quality: 40 }).toFile(dest);
      break;
    case 'crop5':
      // 5% of each side's length taken off, split between both edges (a light straighten/trim).
      await crop(0.025, 0.025, 0.025, 0.025);
      break;
    case 'crop10':
      await crop(0.1, 0.1, 0.1, 0.1);
      break;
    case 'crop10left':
      await crop(0.1, 0, 0, 0);
      break;
    case 'cropAsym':
      await crop(0.08, 0, 0.03, 0.1);
      break;
    case 'bright10':
    case 'bright15':
    case 'dark15':
      await upright.modulate({ brightness: kind === 'bright10' ? 1.1 : kind === 'bright15' ? 1.15 : 0.85 }).jpeg({ quality: 90 }).toFile(dest);
      break;
    case 'contrast15':
    case 'flat15': {
      // Contrast about mid-grey: out = a·in + (1 − a)·128.
      const a = kind === 'contrast15' ? 1.15 : 0.85;
      await upright.linear(a, (1 - a) * 128).jpeg({ quality: 90 }).toFile(dest);
      break;
    }
    case 'png':
      await upright.png().toFile(dest);
      break;
    case 'webp':
      await upright.webp({ quality: 80 }).toFile(dest);
      break;
    case 'heic': {
      const tmp = `${dest}.src.png`;
      await upright.png().toFile(tmp);
      try {
        await run('heif-enc', ['-q', '60', tmp, '-o', dest]);
      } finally {
        rmSync(tmp, { force: true });
      }
      break;
    }
    case 'exifRotated':
      // Pixels stored turned a quarter left, with orientation 6 ("turn right to view"): shows
      // exactly like the original in any viewer that honours EXIF.
      await sharp(await upright.rotate(270).jpeg({ quality: 92 }).toBuffer())
        .withMetadata({ orientation: 6 })
        .toFile(dest);
      break;
    case 'rotated90':
    case 'rotated270':
      // The picture itself turned (an editor's "rotate" saved without an orientation tag).
      await upright.rotate(kind === 'rotated90' ? 90 : 270).jpeg({ quality: 90 }).toFile(dest);
      break;
    case 'letterbox': {
      const bar = Math.round(height * 0.08);
      await upright.extend({ top: bar, bottom: bar, background: '#000000' }).jpeg({ quality: 90 }).toFile(dest);
      break;
    }
    case 'frame': {
      const m = Math.round(width * 0.04);
      await upright.extend({ top: m, bottom: m, left: m, right: m, background: '#ffffff' }).jpeg({ quality: 90 }).toFile(dest);
      break;
    }
  }
  return dest;
}

/**
 * Distinct real camera photos from the shared samples: the top-level camera JPEGs and the
 * exif.org set, minus files that are themselves copies of another sample
 * (Canon_40D_photoshop_import is Canon_40D re-saved by Photoshop).
 */
export function distinctSamplePhotos(samplesDir: string): string[] {
  const jpg = path.join(samplesDir, 'jpg');
  const top = readdirSync(jpg)
    .filter((f) => f.toLowerCase().endsWith('.jpg') && f !== 'Canon_40D_photoshop_import.jpg')
    .map((f) => path.join(jpg, f));
  const more = ['exif-org', 'mobile', 'gps'].flatMap((d) =>
    readdirSync(path.join(jpg, d))
      .filter((f) => f.toLowerCase().endsWith('.jpg'))
      .map((f) => path.join(jpg, d, f)),
  );
  return [...top, ...more].sort();
}

/**
 * A smooth ramp of images where each step differs a little from the next but the two ends are
 * far apart: a chaining detector (union-find over near pairs) would make one group of them.
 * Made as a cross-fade between two unrelated patterns, so structure changes evenly per step.
 */
export async function writeGradientChain(dir: string, steps: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const size = 96;
  const a = lowFrequencyField(size, 7);
  const b = lowFrequencyField(size, 1234);
  const files: string[] = [];
  for (let s = 0; s < steps; s++) {
    const t = s / Math.max(1, steps - 1);
    const raw = Buffer.alloc(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = Math.round((1 - t) * a[y * size + x] + t * b[y * size + x]);
        const i = (y * size + x) * 3;
        raw[i] = v;
        raw[i + 1] = v;
        raw[i + 2] = v;
      }
    }
    const file = path.join(dir, `step-${String(s).padStart(2, '0')}.png`);
    await sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
    files.push(file);
  }
  return files;
}

/** A smooth random picture (a few random waves) in 0..255: structure for a perceptual hash. */
function lowFrequencyField(size: number, seed: number): Float64Array {
  let st = seed >>> 0;
  const rand = () => ((st = (Math.imul(st, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const waves = Array.from({ length: 6 }, () => ({ fx: 1 + rand() * 4, fy: 1 + rand() * 4, phase: rand() * Math.PI * 2, amp: 0.5 + rand() }));
  const total = waves.reduce((s, w) => s + w.amp, 0);
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (const w of waves) v += w.amp * Math.sin((w.fx * x + w.fy * y) / size * Math.PI * 2 + w.phase);
      out[y * size + x] = 128 + (110 * v) / total;
    }
  }
  return out;
}
