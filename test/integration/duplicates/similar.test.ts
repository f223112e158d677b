// Similar shots through the vector index, with the toy colour model: for it, "the same scene"
// means "the same colour", so two different red pictures are similar shots, while a red picture
// and its PNG re-save are a near-duplicate pair that must not be offered again as similar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { COLOURS, type Colour } from '../../helpers/photos.js';

/** A colour field with a few darker shapes placed by `seed`: different seeds, different pictures. */
async function writeScene(file: string, colour: Colour, seed: number, format: 'jpeg' | 'png' = 'jpeg'): Promise<string> {
  const w = 96;
  const h = 72;
  const [r, g, b] = COLOURS[colour];
  let s = seed * 2654435761;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const blobs = Array.from({ length: 4 }, () => ({ x: rand() * w, y: rand() * h, rad: 8 + rand() * 14 }));
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inBlob = blobs.some((bl) => (x - bl.x) ** 2 + (y - bl.y) ** 2 < bl.rad ** 2);
      const f = inBlob ? 0.75 : 1;
      const i = (y * w + x) * 3;
      raw[i] = r * f;
      raw[i + 1] = g * f;
      raw[i + 2] = b * f;
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 92 })).toFile(file);
  return file;
}

let tmp: string;
let k: Kanjian;
const f: Record<string, string> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-similar-'));
  const lib = path.join(tmp, 'lib');
  f.red1 = await writeScene(path.join(lib, 'red-1.jpg'), 'red', 1);
  // The same picture re-saved as PNG: a near-duplicate of red-1.
  f.red1png = path.join(lib, 'red-1 as png.png');
  await sharp(f.red1).png().toFile(f.red1png);
  f.red2 = await writeScene(path.join(lib, 'red-2.jpg'), 'red', 2);
  f.red3 = await writeScene(path.join(lib, 'red-3.jpg'), 'red', 3);
  f.blue1 = await writeScene(path.join(lib, 'blue-1.jpg'), 'blue', 4);
  f.yellow1 = await writeScene(path.join(lib, 'yellow-1.jpg'), 'yellow', 5);
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false });
  await k.indexFolder(lib);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('similar shots (image vectors, toy model)', () => {
  it('groups different pictures of one scene as similar, labelled as such', async () => {
    const res = await k.findDuplicates({});
    expect(res.thresholds.similarMinScore).toBe(0.99);
    const similar = res.groups.filter((g) => g.kind === 'similar');
    expect(similar).toHaveLength(1);
    const files = similar[0].photos.map((p) => p.path).sort();
    expect(files).toEqual([f.red1, f.red2, f.red3].sort());
    for (const p of similar[0].photos) if (!p.keep) expect(p.similarity).toBeGreaterThanOrEqual(0.99);
    expect(similar[0].photos.filter((p) => p.keep)).toHaveLength(1);
  });

  it('does not repeat a near pair as similar', async () => {
    const res = await k.findDuplicates({});
    const near = res.groups.filter((g) => g.kind === 'near');
    expect(near.map((g) => g.photos.map((p) => p.path).sort())).toEqual([[f.red1png, f.red1].sort()]);
    const similar = res.groups.filter((g) => g.kind === 'similar');
    expect(similar.length).toBeGreaterThan(0);
    for (const g of similar) {
      const files = g.photos.map((p) => p.path);
      expect(files.includes(f.red1) && files.includes(f.red1png)).toBe(false);
      // The near group's keeper (the JPEG) stands for it among the similar shots.
      expect(files).not.toContain(f.red1png);
    }
  });

  it('leaves photos of other scenes alone, and can be asked for one kind', async () => {
    const res = await k.findDuplicates({ kind: 'similar' });
    expect(res.groups.length).toBeGreaterThan(0);
    expect(res.groups.every((g) => g.kind === 'similar')).toBe(true);
    const all = res.groups.flatMap((g) => g.photos.map((p) => p.path));
    expect(all).not.toContain(f.blue1);
    expect(all).not.toContain(f.yellow1);
  });

  it('says why there are no similar shots without a model', async () => {
    const bare = await Kanjian.open({ dataDir: path.join(tmp, 'bare'), ocr: false });
    try {
      const res = await bare.findDuplicates({ kind: 'similar' });
      expect(res.groups).toEqual([]);
      expect(res.message).toMatch(/need an image model/);
      expect(res.thresholds.similarMinScore).toBeNull();
    } finally {
      await bare.close();
    }
  });
});
