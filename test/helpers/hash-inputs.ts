// Greyscale hash inputs for the near-copy hash golden test and its bench: the vendored camera
// photos rendered as the indexer renders them, plus generated pictures that reach the corners
// of near-hash.ts (borders to trim, flat and symmetric pictures whose DCT coefficients are pure
// rounding noise, tiny and very thin ones). Generated ones come from a seeded generator with
// integer arithmetic only, so they are the same bytes on every machine and need not be stored.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { openImage, readPhoto } from '../../main/core/media/decode.js';
import { hashInputOf } from '../../main/core/media/near-hash.js';
import { EXIF_SAMPLES } from './cli.js';
import { rng } from './random.js';

export interface HashInput {
  name: string;
  grey: Uint8Array;
  width: number;
  height: number;
}

function photoFiles(dir = EXIF_SAMPLES): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...photoFiles(p));
    else if (/\.(jpe?g|tiff?)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** The input turned a quarter turn clockwise (a second, differently laid-out picture per photo). */
export function quarterTurn(g: HashInput): HashInput {
  const { grey, width, height } = g;
  const out = new Uint8Array(grey.length);
  // (x, y) → (height − 1 − y, x) in a height-wide picture.
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + (height - 1 - y)] = grey[y * width + x];
  return { name: `${g.name}@90`, grey: out, width: height, height: width };
}

/**
 * Each vendored photo decoded as the indexer does (EXIF orientation, shrink-on-load), through
 * `hashInputOf`, then the same turned a quarter turn. Photos the decoder refuses are skipped.
 */
export async function photoHashInputs(): Promise<HashInput[]> {
  const out: HashInput[] = [];
  for (const file of photoFiles()) {
    let input;
    try {
      const { bytes } = await readPhoto(file);
      const { image } = await openImage(bytes, { decodeSize: 320 });
      input = await hashInputOf(image);
    } catch {
      continue;
    }
    const g = { name: path.relative(EXIF_SAMPLES, file), ...input };
    out.push(g, quarterTurn(g));
  }
  return out;
}

/** A width × height input from `f(x, y)`, clamped to 0..255 and rounded. */
function make(name: string, width: number, height: number, f: (x: number, y: number) => number): HashInput {
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grey[y * width + x] = Math.max(0, Math.min(255, Math.round(f(x, y))));
  return { name, grey, width, height };
}

/** `inner` placed inside uniform bars of grey level `bar`: `t`, `b`, `l`, `r` pixels a side. */
function framed(name: string, inner: HashInput, bar: number, t: number, b: number, l: number, r: number): HashInput {
  const width = inner.width + l + r;
  const height = inner.height + t + b;
  return make(name, width, height, (x, y) => {
    const ix = x - l;
    const iy = y - t;
    return ix >= 0 && iy >= 0 && ix < inner.width && iy < inner.height ? inner.grey[iy * inner.width + ix] : bar;
  });
}

/** Smooth "scene": a few blobs and a horizon from the seeded generator, integer maths only. */
function scene(name: string, width: number, height: number, seed: number): HashInput {
  const r = rng(seed);
  const blobs = Array.from({ length: 6 }, () => ({ x: Math.floor(r() * width), y: Math.floor(r() * height), s: 8 + Math.floor(r() * 40), v: Math.floor(r() * 160) - 80 }));
  const horizon = Math.floor(height * (0.3 + r() * 0.4));
  const noise = rng(seed + 1);
  return make(name, width, height, (x, y) => {
    let v = y < horizon ? 170 + Math.floor((y * 40) / height) : 70 + Math.floor((x * 50) / width);
    for (const o of blobs) {
      const d2 = (x - o.x) ** 2 + (y - o.y) ** 2;
      if (d2 < o.s * o.s) v += Math.floor((o.v * (o.s * o.s - d2)) / (o.s * o.s));
    }
    return v + Math.floor(noise() * 9) - 4;
  });
}

/** About 60 generated inputs (fixed seeds). */
export function generatedHashInputs(): HashInput[] {
  const out: HashInput[] = [];
  // Flat pictures: every DCT coefficient is rounding noise, so they pin the order of summation.
  for (const v of [0, 1, 77, 128, 254, 255]) out.push(make(`flat-${v}`, 256, 192, () => v));
  out.push(make('flat-128-tall', 144, 256, () => 128));
  // Gradients and symmetric patterns: half the coefficients are exactly zero in exact maths.
  out.push(make('grad-h', 256, 192, (x) => (x * 255) / 255));
  out.push(make('grad-v', 192, 256, (_, y) => y));
  out.push(make('grad-diag', 256, 256, (x, y) => (x + y) / 2));
  out.push(make('grad-h-narrow', 256, 192, (x) => 100 + Math.floor(x / 32)));
  out.push(make('grad-radial', 256, 256, (x, y) => Math.floor(((x - 127.5) ** 2 + (y - 127.5) ** 2) / 130)));
  out.push(make('stripes-v8', 256, 192, (x) => (Math.floor(x / 8) % 2 ? 200 : 40)));
  out.push(make('stripes-h3', 256, 171, (_, y) => (y % 3 ? 180 : 60)));
  out.push(make('checker-16', 256, 256, (x, y) => ((Math.floor(x / 16) + Math.floor(y / 16)) % 2 ? 230 : 20)));
  out.push(make('checker-1', 200, 150, (x, y) => ((x + y) % 2 ? 255 : 0)));
  out.push(make('halves-lr', 256, 192, (x) => (x < 128 ? 30 : 220)));
  out.push(make('halves-tb', 256, 192, (_, y) => (y < 96 ? 30 : 220)));
  out.push(make('cross', 255, 255, (x, y) => (x === 127 || y === 127 ? 255 : 0)));
  // Noise at several sizes.
  for (const [i, [w, h]] of ([[256, 192], [192, 256], [256, 256], [256, 144], [100, 75], [33, 31]] as const).entries()) {
    const r = rng(1000 + i);
    out.push(make(`noise-${w}x${h}`, w, h, () => Math.floor(r() * 256)));
  }
  {
    const r = rng(1100);
    out.push(make('noise-low-contrast', 256, 192, () => 120 + Math.floor(r() * 8)));
  }
  // Scenes, and the same scenes letterboxed, pillarboxed, matted, framed on one side only.
  const scenes = [scene('scene-a', 256, 170, 7), scene('scene-b', 180, 256, 8), scene('scene-c', 256, 256, 9), scene('scene-d', 240, 160, 10)];
  out.push(...scenes);
  const [a, b, c, d] = scenes;
  out.push(framed('scene-a-letterbox', a, 0, 20, 20, 0, 0));
  out.push(framed('scene-a-letterbox-white', a, 255, 15, 15, 0, 0));
  out.push(framed('scene-b-pillarbox', b, 0, 0, 0, 30, 30));
  out.push(framed('scene-c-white-mat', c, 255, 12, 12, 12, 12));
  out.push(framed('scene-c-grey-mat-uneven', c, 128, 5, 17, 9, 2));
  out.push(framed('scene-d-top-only', d, 0, 25, 0, 0, 0));
  out.push(framed('scene-d-left-only', d, 255, 0, 0, 18, 0));
  out.push(framed('scene-a-thin-bar', a, 0, 1, 1, 0, 0));
  out.push(framed('scene-b-deep-bars', b, 0, 60, 60, 0, 0));
  {
    // A bar that blends into the picture over one line, as after resampling.
    const f = framed('scene-a-blended-bar', a, 255, 10, 10, 0, 0);
    for (let x = 0; x < f.width; x++) {
      f.grey[9 * f.width + x] = Math.round(0.4 * 255 + 0.6 * f.grey[11 * f.width + x]);
      f.grey[(f.height - 10) * f.width + x] = Math.round(0.7 * 255 + 0.3 * f.grey[(f.height - 12) * f.width + x]);
    }
    out.push(f);
  }
  {
    // Noise in the bars (a scan's mat), under and over the tolerance.
    const r = rng(1200);
    const f = framed('scene-c-noisy-mat', c, 240, 14, 14, 14, 14);
    for (let i = 0; i < f.grey.length; i++) if (f.grey[i] === 240) f.grey[i] = 232 + Math.floor(r() * 16);
    out.push(f);
  }
  out.push(framed('flat-in-black', make('', 200, 150, () => 128), 0, 20, 20, 28, 28));
  out.push(framed('tiny-framed', make('', 10, 10, (x, y) => x * 20 + y), 255, 3, 3, 3, 3));
  // Tiny, thin and odd sizes (degenerate cells: windows narrower than the 32-cell grid).
  const thin: [number, number][] = [[9, 9], [8, 8], [1, 1], [2, 3], [7, 5], [16, 12], [31, 33], [256, 20], [20, 256], [256, 8], [8, 256], [256, 1], [1, 256], [256, 3], [255, 191]];
  for (const [i, [w, h]] of thin.entries()) {
    const r = rng(2000 + i);
    out.push(make(`thin-${w}x${h}`, w, h, (x, y) => ((x * 37 + y * 91) % 200) + Math.floor(r() * 50)));
  }
  out.push(make('flat-9x9', 9, 9, () => 200));
  out.push(make('grad-256x20', 256, 20, (x) => x));
  return out;
}
