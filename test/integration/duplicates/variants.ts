// Known copies of a real photo, as users end up with them: the duplicate tests and the
// duplicate benchmark build their sets from these, so both measure the same thing.
import sharp from 'sharp';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const VARIANT_KINDS = ['resize50', 'jpeg40', 'crop5', 'bright10', 'png', 'webp', 'exifRotated'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

export const VARIANT_LABEL: Readonly<Record<VariantKind, string>> = {
  resize50: 'resized to 50%',
  jpeg40: 'JPEG quality 40',
  crop5: 'cropped 5%',
  bright10: 'brightness +10%',
  png: 're-saved as PNG',
  webp: 're-saved as WebP',
  exifRotated: 'rotated by EXIF',
};

export const VARIANT_EXT: Readonly<Record<VariantKind, string>> = {
  resize50: '.jpg',
  jpeg40: '.jpg',
  crop5: '.jpg',
  bright10: '.jpg',
  png: '.png',
  webp: '.webp',
  exifRotated: '.jpg',
};

/**
 * Writes `kind` of `src` to `dest`. Every variant starts from the upright picture (EXIF
 * orientation applied), as a viewer or editor would save it; sharp drops the metadata unless
 * told otherwise, as most converters and messengers do.
 */
export async function writeVariant(src: string, kind: VariantKind, dest: string): Promise<string> {
  mkdirSync(path.dirname(dest), { recursive: true });
  const upright = sharp(src).rotate();
  const { width, height } = (await sharp(src).metadata()).autoOrient;
  switch (kind) {
    case 'resize50':
      await upright.resize(Math.max(1, Math.round(width / 2)), Math.max(1, Math.round(height / 2))).jpeg({ quality: 90 }).toFile(dest);
      break;
    case 'jpeg40':
      await upright.jpeg({ quality: 40 }).toFile(dest);
      break;
    case 'crop5': {
      // 5% of each side's length taken off, split between both edges (a light straighten/trim).
      const w = Math.round(width * 0.95);
      const h = Math.round(height * 0.95);
      await upright
        .extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h })
        .jpeg({ quality: 90 })
        .toFile(dest);
      break;
    }
    case 'bright10':
      await upright.modulate({ brightness: 1.1 }).jpeg({ quality: 90 }).toFile(dest);
      break;
    case 'png':
      await upright.png().toFile(dest);
      break;
    case 'webp':
      await upright.webp({ quality: 80 }).toFile(dest);
      break;
    case 'exifRotated':
      // Pixels stored turned a quarter left, with orientation 6 ("turn right to view"): shows
      // exactly like the original in any viewer that honours EXIF.
      await sharp(await upright.rotate(270).jpeg({ quality: 92 }).toBuffer())
        .withMetadata({ orientation: 6 })
        .toFile(dest);
      break;
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
