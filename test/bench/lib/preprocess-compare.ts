// Our image preprocessing (media decode → main/core/embed/preprocess.ts, the indexer's path)
// against the reference: torchvision Resize + CenterCrop + Normalize on PIL, run by
// test/bench/preprocess_reference.py. Used by `npm run bench:preprocess` and by the vitest check
// test/integration/embed/preprocess-reference.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { imageTensor } from '../../../main/core/embed/preprocess.js';
import type { ImageTowerSpec, Interpolation, ResizeMode } from '../../../main/core/embed/manifest-types.js';
import { openImage } from '../../../main/core/media/decode.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const PHOTOS = path.join(REPO_ROOT, 'test/fixtures/photos/jpg');
const REFERENCE_SCRIPT = path.join(REPO_ROOT, 'test/bench/preprocess_reference.py');

export const MODES: readonly ResizeMode[] = ['squash', 'shortest-crop'];
export const INTERPOLATIONS: readonly Interpolation[] = ['bicubic', 'bilinear'];
/** CLIP's (OpenAI) normalisation, used by most of the registry's models. */
const MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
const SIZE = 224;

export interface Input {
  name: string;
  /** What it exercises. */
  kind: string;
  file: string;
}

/**
 * Real camera photos from the vendored set, and variants of them made here for the cases the
 * set lacks: greyscale, CMYK (with sharp's CMYK ICC profile), 16-bit RGB and greyscale PNG, and
 * a PNG with a transparent region.
 */
export async function makeInputs(dir: string): Promise<Input[]> {
  mkdirSync(dir, { recursive: true });
  const copy = (rel: string, name: string, kind: string): Input => {
    const file = path.join(dir, name);
    copyFileSync(path.join(PHOTOS, rel), file);
    return { name, kind, file };
  };
  const inputs: Input[] = [
    copy('gps/DSCN0010.jpg', 'nikon-640x480.jpg', 'camera JPEG 4:3'),
    copy('mobile/HMD_Nokia_8.3_5G.jpg', 'nokia-wide.jpg', 'phone JPEG 21:9'),
    copy('orientation/landscape_6.jpg', 'exif-rotated-6.jpg', 'EXIF orientation 6'),
    copy('orientation/portrait_8.jpg', 'exif-rotated-8.jpg', 'EXIF orientation 8'),
    copy('exif-org/canon-ixus.jpg', 'canon-ixus.jpg', 'camera JPEG'),
  ];
  const src = path.join(PHOTOS, 'gps/DSCN0012.jpg');
  const made = async (name: string, kind: string, write: (file: string) => Promise<unknown>) => {
    const file = path.join(dir, name);
    await write(file);
    inputs.push({ name, kind, file });
  };
  await made('grey.jpg', 'greyscale JPEG', (f) => sharp(src).toColourspace('b-w').jpeg({ quality: 92 }).toFile(f));
  await made('cmyk.jpg', 'CMYK JPEG (ICC)', (f) => sharp(src).toColourspace('cmyk').jpeg({ quality: 92 }).withIccProfile('cmyk').toFile(f));
  await made('rgb16.png', '16-bit RGB PNG', (f) => sharp(src).toColourspace('rgb16').png().toFile(f));
  await made('grey16.png', '16-bit greyscale PNG', (f) => sharp(src).toColourspace('grey16').png().toFile(f));
  await made('alpha.png', 'RGBA PNG, transparent corner', async (f) => {
    const { width, height } = await sharp(src).metadata();
    const mask = Buffer.alloc(width * height, 255);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (x + y < (width + height) / 3) mask[y * width + x] = Math.round((255 * (x + y)) / ((width + height) / 3));
    const alpha = await sharp(mask, { raw: { width, height, channels: 1 } }).png().toBuffer();
    await sharp(src).joinChannel(alpha).png().toFile(f);
  });
  return inputs;
}

export function spec(resize: ResizeMode, interpolation: Interpolation): ImageTowerSpec {
  return {
    file: 'visual/model.onnx', input: { name: 'pixel_values', type: 'float32' }, output: 'image_embeds',
    size: SIZE, resize, interpolation, mean: MEAN, std: STD, normalize: true, batch: null,
  };
}

/** Ours, through the indexer's own path: read the bytes, decode (EXIF-rotated), preprocess. */
export async function ourTensor(file: string, s: ImageTowerSpec): Promise<Float32Array> {
  const { image } = await openImage(await readFile(file));
  return imageTensor(image, s);
}

/**
 * A python3 that has torchvision, Pillow and numpy: the one on PATH, else Debian's own
 * (/usr/bin/python3, where apt installs python3-torchvision, when PATH puts pyenv first).
 */
export function referencePython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torchvision, PIL, numpy'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return py;
  }
  return null;
}

/** Why the reference cannot run here (named in skips), or null when it can. */
export function referenceMissing(): string | null {
  if (referencePython()) return null;
  const r = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  return r.error
    ? 'python3 is not installed (Debian: apt-get install -y python3-torchvision python3-numpy)'
    : 'python3-torchvision is not installed (Debian: apt-get install -y python3-torchvision python3-numpy)';
}

export interface Diff {
  input: string;
  kind: string;
  resize: ResizeMode;
  interpolation: Interpolation;
  /** In normalised tensor units ((x/255 - mean)/std). */
  maxAbs: number;
  meanAbs: number;
  /** The same, in 8-bit pixel levels (0..255) before normalisation. */
  maxLevels: number;
  meanLevels: number;
}

export interface Comparison {
  diffs: Diff[];
  versions: Record<string, string>;
}

/** Every input × resize mode × interpolation, ours vs the reference. */
export async function compare(inputs: Input[], workDir: string): Promise<Comparison> {
  mkdirSync(workDir, { recursive: true });
  type Job = { input: Input; resize: ResizeMode; interpolation: Interpolation; ours: Float32Array; out: string };
  const jobs: Job[] = [];
  for (const input of inputs) {
    for (const resize of MODES) {
      for (const interpolation of INTERPOLATIONS) {
        const out = path.join(workDir, `${input.name}.${resize}.${interpolation}.f32`);
        jobs.push({ input, resize, interpolation, ours: await ourTensor(input.file, spec(resize, interpolation)), out });
      }
    }
  }
  const request = { jobs: jobs.map((j) => ({ ...spec(j.resize, j.interpolation), file: j.input.file, out: j.out })) };
  const python = referencePython();
  if (!python) throw new Error(`reference preprocessing unavailable: ${referenceMissing()}`);
  const r = spawnSync(python, [REFERENCE_SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`reference preprocessing failed (${r.status}): ${r.stderr}`);
  const versions = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;

  const diffs = jobs.map((j): Diff => {
    const buf = readFileSync(j.out);
    const ref = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (ref.length !== j.ours.length) throw new Error(`${j.out}: ${ref.length} values, ours ${j.ours.length}`);
    const plane = SIZE * SIZE;
    let max = 0;
    let sum = 0;
    let maxLv = 0;
    let sumLv = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ref[i] - j.ours[i]);
      const lv = d * STD[Math.floor(i / plane)] * 255;
      if (d > max) max = d;
      if (lv > maxLv) maxLv = lv;
      sum += d;
      sumLv += lv;
    }
    return {
      input: j.input.name, kind: j.input.kind, resize: j.resize, interpolation: j.interpolation,
      maxAbs: max, meanAbs: sum / ref.length, maxLevels: maxLv, meanLevels: sumLv / ref.length,
    };
  });
  return { diffs, versions };
}

/** Per resize mode and interpolation: the worst max and the mean of means over all inputs. */
export function perMode(diffs: Diff[]): { resize: ResizeMode; interpolation: Interpolation; maxAbs: number; meanAbs: number; maxLevels: number; meanLevels: number; worst: string }[] {
  return MODES.flatMap((resize) =>
    INTERPOLATIONS.map((interpolation) => {
      const ds = diffs.filter((d) => d.resize === resize && d.interpolation === interpolation);
      const worst = ds.reduce((a, b) => (b.maxAbs > a.maxAbs ? b : a));
      const mean = (f: (d: Diff) => number) => ds.reduce((s, d) => s + f(d), 0) / ds.length;
      return { resize, interpolation, maxAbs: worst.maxAbs, meanAbs: mean((d) => d.meanAbs), maxLevels: Math.max(...ds.map((d) => d.maxLevels)), meanLevels: mean((d) => d.meanLevels), worst: worst.input };
    }),
  );
}
