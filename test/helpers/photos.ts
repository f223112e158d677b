// Generated test photos (fixtures made at test time, never shipped).
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const COLOURS = {
  red: [220, 30, 30],
  green: [30, 180, 40],
  blue: [30, 50, 220],
  yellow: [235, 220, 40],
  white: [248, 248, 248],
  black: [8, 8, 8],
} as const satisfies Record<string, [number, number, number]>;

export type Colour = keyof typeof COLOURS;

/**
 * Writes a photo whose mean colour is `colour`, with mild noise so encoders see texture
 * and two photos of one colour are different files (different content hashes).
 */
export async function writeColourPhoto(
  file: string,
  colour: Colour,
  opts: { width?: number; height?: number; seed?: number; format?: 'jpeg' | 'png' | 'webp' } = {},
): Promise<string> {
  const width = opts.width ?? 64;
  const height = opts.height ?? 48;
  const [r, g, b] = COLOURS[colour];
  const raw = Buffer.alloc(width * height * 3);
  let s = (opts.seed ?? 1) * 2654435761;
  for (let i = 0; i < width * height; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const n = ((s >>> 16) % 21) - 10;
    raw[i * 3] = clamp(r + n);
    raw[i * 3 + 1] = clamp(g + n);
    raw[i * 3 + 2] = clamp(b + n);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  const format = opts.format ?? formatFromName(file);
  await img.toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toFile(file);
  return file;
}

function formatFromName(file: string): 'jpeg' | 'png' | 'webp' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.webp') return 'webp';
  return 'jpeg';
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/**
 * A small library: nested folders, some with Chinese names, two photos per colour in
 * mixed formats. Returns the photo paths by colour.
 */
export async function makeColourLibrary(root: string): Promise<Record<Colour, string[]>> {
  const layout: [Colour, string][] = [
    ['red', '旅行/海边/红色日落.jpg'],
    ['red', 'misc/red barn.png'],
    ['green', '旅行/森林.jpg'],
    ['green', 'misc/nested/deeper/leaf.webp'],
    ['blue', '旅行/海边/sea.jpg'],
    ['blue', 'misc/天空.png'],
    ['yellow', 'misc/banana.jpg'],
    ['yellow', '旅行/油菜花.webp'],
    ['white', 'docs/paper.png'],
    ['white', 'docs/雪.jpg'],
    ['black', 'docs/night.jpg'],
    ['black', 'misc/夜晚.png'],
  ];
  const out = Object.fromEntries(Object.keys(COLOURS).map((c) => [c, []])) as unknown as Record<Colour, string[]>;
  let seed = 1;
  for (const [colour, rel] of layout) {
    const file = path.join(root, rel);
    await writeColourPhoto(file, colour, { seed: seed++ });
    out[colour].push(file);
  }
  return out;
}
