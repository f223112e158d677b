// A query that matches by meaning and by text ranks the photo matching both first: `红色 发票`
// finds the red 发票 card above the white 发票 card (text only) and the plain red photo (meaning
// only). Real core: the toy-colours fixture model, PP-OCR reading the generated cards, SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { makeFirstHourPhotos, type FirstHourPhotos } from './photos.js';

let tmp: string;
let k: Kanjian;
let photos: FirstHourPhotos;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-fusion-'));
  photos = await makeFirstHourPhotos(path.join(tmp, 'library'));
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL });
  await k.indexFolder(path.join(tmp, 'library'));
}, 180_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('fusion of meaning and text', () => {
  it('ranks the photo matching both above photos matching one', async () => {
    const res = await k.search({ query: '红色 发票' });
    const paths = res.results.map((r) => r.photo.path);
    expect(paths[0]).toBe(photos.redInvoice);
    expect(res.results[0].views).toEqual(expect.arrayContaining(['image', 'ocr']));
    // Each single-view match is there too, below it.
    expect(paths).toContain(photos.whiteInvoice);
    expect(paths).toContain(photos.red);
    const one = res.results.filter((r) => r.photo.path === photos.whiteInvoice || r.photo.path === photos.red);
    expect(one.length).toBe(2);
    for (const r of one) expect(r.score).toBeLessThan(res.results[0].score);
  });
});
