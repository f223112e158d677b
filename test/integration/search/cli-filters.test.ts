// The CLI search contract with views and filters, on real camera files from the shared EXIF
// samples (dates, makers, GPS) plus generated text photos; real CLI process, SQLite, OCR.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EXIF_SAMPLES, runCli, TOY_MODEL } from '../../helpers/cli.js';
import { writeTextPhoto } from '../ocr/text-photos.js';

let tmp: string;
let lib: string;
let data: string;

const SAMPLES: [string, string][] = [
  ['jpg/Canon_40D.jpg', 'cameras/Canon_40D.jpg'], // 2008-05-30, Canon, no GPS
  ['jpg/Nikon_D70.jpg', 'cameras/Nikon_D70.jpg'], // 2008-03-15, NIKON CORPORATION
  ['jpg/Fujifilm_FinePix_E500.jpg', 'cameras/Fujifilm_FinePix_E500.jpg'], // 2006-08-17
  ['jpg/Kodak_CX7530.jpg', 'cameras/Kodak_CX7530.jpg'], // 2005-08-13, GPS near the equator in Kenya
  ['jpg/gps/DSCN0010.jpg', 'italy/DSCN0010.jpg'], // 2008-10-22, NIKON COOLPIX P6000, GPS 43.47 N 11.89 E
  ['jpg/gps/DSCN0012.jpg', 'italy/DSCN0012.jpg'],
  ['jpg/mobile/HMD_Nokia_8.3_5G.jpg', 'phone/HMD_Nokia_8.3_5G.jpg'], // 2022-08-14, GPS Helsinki
];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-cli-filters-'));
  lib = path.join(tmp, 'library');
  data = path.join(tmp, 'data');
  for (const [from, to] of SAMPLES) {
    mkdirSync(path.dirname(path.join(lib, to)), { recursive: true });
    copyFileSync(path.join(EXIF_SAMPLES, from), path.join(lib, to));
  }
  // A PNG (no EXIF) and text photos (no EXIF): dated by their file time.
  mkdirSync(path.join(lib, 'screens'), { recursive: true });
  await sharp(path.join(EXIF_SAMPLES, 'jpg/Canon_40D.jpg')).resize(200).png().toFile(path.join(lib, 'screens/canon-small.png'));
  await writeTextPhoto(path.join(lib, 'screens/shot-1.jpg'), {
    background: [220, 30, 30],
    blocks: [{ lines: ['发票 2024'], x: 60, y: 110, fontSize: 56, colour: '#fff' }],
  });
  await writeTextPhoto(path.join(lib, 'screens/shot-2.png'), {
    background: [245, 245, 245],
    blocks: [{ lines: ['RECEIPT'], x: 60, y: 110, fontSize: 56 }],
  });
  const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).failed).toEqual([]);
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Hit = { path: string; score: number; views: string[]; ocr?: { text: string; matches: string[] }; metadata?: { matches: string[] } };

async function search(args: string[]): Promise<Hit[]> {
  const r = await runCli(['search', ...args, '--data', data, '--model', TOY_MODEL, '--json', '--limit', '100']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { results: Hit[] }).results;
}
const names = (hits: Hit[]) => hits.map((h) => path.basename(h.path)).sort();

describe('CLI search --json with views', () => {
  it('prints {"results":[{"path","score","views"}]} with the OCR words', async () => {
    const hits = await search(['发票']);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ path: path.join(lib, 'screens/shot-1.jpg'), views: ['ocr'], ocr: { matches: ['发票'] } });
    expect(typeof hits[0].score).toBe('number');
  });
  it('names the views that matched: image + ocr for "红色 发票", metadata for a folder name', async () => {
    const hits = await search(['红色 发票']);
    expect(hits[0].path).toBe(path.join(lib, 'screens/shot-1.jpg'));
    expect(hits[0].views).toEqual(expect.arrayContaining(['image', 'ocr']));
    expect(hits[0].views).not.toContain('metadata');
    const italy = await search(['italy']);
    expect(names(italy)).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
    for (const h of italy) expect(h).toMatchObject({ views: ['place', 'metadata'], metadata: { matches: ['italy'] } });
  });
  it('the camera name is metadata too', async () => {
    expect(names(await search(['coolpix']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
  });
});

describe('filters on real camera files (empty query lists what they match)', () => {
  it('--from/--to: a date range over the EXIF capture time, inclusive', async () => {
    expect(names(await search(['--from', '2008-01-01', '--to', '2008-12-31']))).toEqual([
      'Canon_40D.jpg', 'DSCN0010.jpg', 'DSCN0012.jpg', 'Nikon_D70.jpg',
    ]);
    expect(names(await search(['--from', '2008-05-30', '--to', '2008-05-30']))).toEqual(['Canon_40D.jpg']);
    expect(names(await search(['--to', '2006']))).toEqual(['Fujifilm_FinePix_E500.jpg', 'Kodak_CX7530.jpg']);
  });
  it('--folder', async () => {
    expect(names(await search(['--folder', path.join(lib, 'italy')]))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
  });
  it('--camera matches make or model, any case', async () => {
    expect(names(await search(['--camera', 'nikon']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg', 'Nikon_D70.jpg']);
    expect(names(await search(['--camera', 'Canon EOS']))).toEqual(['Canon_40D.jpg']);
  });
  it('--has-gps and --bbox', async () => {
    expect(names(await search(['--has-gps']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg', 'HMD_Nokia_8.3_5G.jpg', 'Kodak_CX7530.jpg']);
    expect(names(await search(['--bbox', '11.8,43.4,12,43.5']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
    expect(names(await search(['--bbox', '20,55,30,65']))).toEqual(['HMD_Nokia_8.3_5G.jpg']);
  });
  it('--place and place names: real camera GPS geocoded offline (Italy, Finland)', async () => {
    expect(names(await search(['--place', 'IT']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
    expect(names(await search(['意大利']))).toEqual(['DSCN0010.jpg', 'DSCN0012.jpg']);
    expect(names(await search(['赫尔辛基']))).toEqual(['HMD_Nokia_8.3_5G.jpg']);
    expect(names(await search(['Helsinki', '--place', 'IT']))).toEqual([]);
    const r = await runCli(['search', '--place', 'Italy', '--data', data, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--place');
  });
  it('--type, with aliases and repeats', async () => {
    expect(names(await search(['--type', 'png']))).toEqual(['canon-small.png', 'shot-2.png']);
    expect(names(await search(['--type', 'PNG', '--type', 'jpg', '--folder', path.join(lib, 'screens')]))).toEqual([
      'canon-small.png', 'shot-1.jpg', 'shot-2.png',
    ]);
  });
  it('filters combine with each other and with a query', async () => {
    expect(names(await search(['--has-gps', '--camera', 'nikon', '--from', '2008-10-22T16:29']))).toEqual(['DSCN0012.jpg']);
    expect(names(await search(['receipt', '--type', 'png']))).toEqual(['shot-2.png']);
    expect(await search(['receipt', '--type', 'jpeg'])).toEqual([]);
    expect(await search(['发票', '--folder', path.join(lib, 'italy')])).toEqual([]);
  });
  it('bad filter values are usage errors that say what is wrong', async () => {
    for (const [args, msg] of [
      [['--from', 'last tuesday'], /--from/],
      [['--bbox', '1,2,3'], /--bbox takes four numbers/],
      [['--type', 'bmp'], /unknown photo type "bmp"/],
    ] as [string[], RegExp][]) {
      const r = await runCli(['search', ...args, '--data', data, '--model', TOY_MODEL, '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
    const none = await runCli(['search', '--data', data, '--model', TOY_MODEL]);
    expect(none.code).toBe(1);
  });
});
