// A place word and a meaning word together (the "意大利 教堂" case): `意大利 红色` ranks the red photo
// taken in Italy above the blue one taken in Italy (place only) and the red one taken in Beijing
// (meaning only). Real core: the toy-colours fixture model (ONNX Runtime), sharp-written GPS EXIF,
// the offline geocoder, SQLite.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';

let tmp: string;
let k: Kanjian;
const files = { romeRed: '', florenceBlue: '', beijingRed: '' };

async function photo(file: string, [r, g, b]: [number, number, number], lat: number, lon: number): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  const dms = (v: number) => {
    const d = Math.floor(v);
    const m = Math.floor((v - d) * 60);
    return `${d}/1 ${m}/1 ${Math.round(((v - d) * 60 - m) * 6000)}/100`;
  };
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(lat), GPSLongitudeRef: 'E', GPSLongitude: dms(lon) } })
    .jpeg()
    .toFile(file);
  return file;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-place-fusion-'));
  const lib = path.join(tmp, 'library');
  files.romeRed = await photo(path.join(lib, 'a.jpg'), [220, 20, 20], 41.8902, 12.4922);
  files.florenceBlue = await photo(path.join(lib, 'b.jpg'), [20, 40, 220], 43.7731, 11.2560);
  files.beijingRed = await photo(path.join(lib, 'c.jpg'), [220, 20, 20].map((v) => v - 5) as [number, number, number], 39.9055, 116.3976);
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false });
  const r = await k.indexFolder(lib);
  expect(r.indexed).toBe(3);
}, 120_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('place + meaning', () => {
  it('意大利 红色: the red photo taken in Italy first, by both views', async () => {
    const res = await k.search({ query: '意大利 红色' });
    expect(res.results[0].photo.path).toBe(files.romeRed);
    // The toy model's tag view may agree with its image view; the place view is what Italy adds.
    expect(res.results[0].views).toEqual(expect.arrayContaining(['image', 'place']));
    expect(res.results[0].place?.matches).toEqual(['意大利']);
    const views = (file: string) => res.results.find((r) => r.photo.path === file)?.views ?? [];
    expect(views(files.florenceBlue)).toContain('place');
    expect(views(files.florenceBlue)).not.toContain('image');
    expect(views(files.beijingRed)).toContain('image');
    expect(views(files.beijingRed)).not.toContain('place');
  });

  it('a place filter narrows the image view inside its search: red, in China', async () => {
    const all = await k.search({ query: 'red' });
    expect(all.results.map((r) => r.photo.path)).toEqual(expect.arrayContaining([files.romeRed, files.beijingRed]));
    const cn = await k.search({ query: 'red', filters: { place: { country: 'CN' } } });
    expect(cn.results.map((r) => r.photo.path)).toEqual([files.beijingRed]);
    expect(cn.results[0].views).toContain('image');
  });

  it('the same in English: Italy red', async () => {
    const res = await k.search({ query: 'Italy red' });
    expect(res.results[0].photo.path).toBe(files.romeRed);
    expect(res.results[0].views).toEqual(expect.arrayContaining(['image', 'place']));
  });
});
