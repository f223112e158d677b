// The near-copy hashes on a real camera photo: what people do to photos lands close, quarter
// turns are recovered exactly from the hash alone, and a different photo is far away.
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { nearHashesOf, rotateHash, trimBorders } from '../../../main/core/media/near-hash.js';
import { hammingDistance } from '../../../main/core/media/hash.js';
import { EXIF_SAMPLES } from '../../helpers/cli.js';

const PHOTO = path.join(EXIF_SAMPLES, 'jpg/Canon_40D.jpg');
const OTHER = path.join(EXIF_SAMPLES, 'jpg/Nikon_D70.jpg');

async function hashes(img: Sharp) {
  return nearHashesOf(sharp(await img.png().toBuffer()));
}
const closest = (q: string, h: { full: string; windows: string[] }) => Math.min(hammingDistance(q, h.full), ...h.windows.map((w) => hammingDistance(q, w)));

describe('near-copy hashes', () => {
  it('recovers a pixel rotation exactly from the hash (no second decode)', async () => {
    const o = await hashes(sharp(PHOTO).rotate());
    for (const [deg, turns] of [[90, 1], [180, 2], [270, 3]] as const) {
      const r = await hashes(sharp(PHOTO).rotate().rotate(deg));
      expect(hammingDistance(r.full, o.full), `${deg}°`).toBeGreaterThan(20);
      expect(hammingDistance(rotateHash(o.full, turns), r.full), `${deg}°`).toBeLessThanOrEqual(2);
    }
  });

  it('puts re-encodes, resizes, brightness and borders within a few bits, crops via a window', async () => {
    const src = sharp(PHOTO).rotate();
    const { width, height } = await sharp(await src.clone().png().toBuffer()).metadata();
    const o = await hashes(src.clone());
    const near = {
      jpeg30: src.clone().jpeg({ quality: 30 }),
      resize25: src.clone().resize(Math.round(width! / 4)),
      darker: src.clone().modulate({ brightness: 0.85 }),
      letterbox: src.clone().extend({ top: Math.round(height! * 0.08), bottom: Math.round(height! * 0.08), background: '#000' }),
    };
    for (const [name, img] of Object.entries(near)) expect(hammingDistance((await hashes(img)).full, o.full), name).toBeLessThanOrEqual(6);
    const crop = await hashes(src.clone().extract({ left: Math.round(width! * 0.1), top: 0, width: Math.round(width! * 0.9), height: height! }));
    expect(closest(crop.full, o)).toBeLessThanOrEqual(6);
    const other = await hashes(sharp(OTHER).rotate());
    expect(closest(other.full, o)).toBeGreaterThan(12);
  });

  it('trims uniform borders but keeps a uniform picture whole', () => {
    const w = 100;
    const h = 80;
    const grey = new Uint8Array(w * h).fill(0);
    for (let y = 10; y < 70; y++) for (let x = 5; x < 95; x++) grey[y * w + x] = (x * 7 + y * 13) % 200 + 30;
    expect(trimBorders(grey, w, h)).toEqual({ x: 5, y: 10, w: 90, h: 60 });
    expect(trimBorders(new Uint8Array(w * h).fill(128), w, h)).toEqual({ x: 0, y: 0, w, h });
  });

  it('cuts the line where a bar blends into the picture by the share that is bar', () => {
    // A white mat ending 40 % into row 6 after resampling: row 6 is 0.4 · 255 + 0.6 · 90.
    const w = 100;
    const h = 80;
    const grey = new Uint8Array(w * h).fill(255);
    for (let y = 7; y < h; y++) for (let x = 0; x < w; x++) grey[y * w + x] = 90 + ((x * 7 + y * 13) % 3);
    for (let x = 0; x < w; x++) grey[6 * w + x] = Math.round(0.4 * 255 + 0.6 * 90);
    const r = trimBorders(grey, w, h);
    expect(r.y).toBeCloseTo(6.4, 1);
    expect(r.x).toBe(0);
  });

  it('keeps a sky that fades slowly, or fills a quarter of the picture, as picture', () => {
    const w = 100;
    const h = 80;
    // Rows 0–29 a flat sky (more than a quarter of the height), then a textured scene.
    const sky = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sky[y * w + x] = y < 30 ? 200 : (x * 7 + y * 13) % 200 + 30;
    expect(trimBorders(sky, w, h).y).toBe(0);
    // A sky darkening one level a row: nothing steps from one row to the next.
    const fade = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) fade[y * w + x] = 220 - y;
    expect(trimBorders(fade, w, h)).toEqual({ x: 0, y: 0, w, h });
  });
});
