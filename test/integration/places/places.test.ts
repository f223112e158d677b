// Places end to end on the real core: JPEGs with GPS EXIF written by sharp are indexed (real
// decoding, SQLite, no model), get their place from the offline geocoder, and are found by city
// and country in Chinese and English, filtered by place, listed on the Places overview; a
// library indexed before places existed gets them from the migration's backfill at open.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { MIGRATIONS } from '../../../main/core/store/migrations.js';

let tmp: string;
let lib: string;
let data: string;
let k: Kanjian;
const files: Record<'beijing' | 'paris' | 'sanya' | 'beach' | 'plain', string> = {} as never;

/** EXIF GPS as degrees/minutes/seconds rationals, the way cameras write it. */
function gpsIfd(lat: number, lon: number) {
  const dms = (v: number) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 100);
    return `${d}/1 ${m}/1 ${s}/100`;
  };
  return { GPSLatitudeRef: lat >= 0 ? 'N' : 'S', GPSLatitude: dms(lat), GPSLongitudeRef: lon >= 0 ? 'E' : 'W', GPSLongitude: dms(lon) };
}

async function photo(rel: string, colour: [number, number, number], gps?: [number, number]): Promise<string> {
  const file = path.join(lib, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  const [r, g, b] = colour;
  let img = sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } });
  if (gps) img = img.withExif({ IFD0: { Make: 'TestCam' }, IFD3: gpsIfd(gps[0], gps[1]) });
  await img.jpeg().toFile(file);
  return file;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-places-'));
  lib = path.join(tmp, 'library');
  data = path.join(tmp, 'data');
  // File names say nothing of the place: only the GPS position can.
  files.beijing = await photo('2024/IMG_0001.jpg', [200, 40, 40], [39.9055, 116.3976]);
  files.paris = await photo('2024/IMG_0002.jpg', [40, 40, 200], [48.8584, 2.2945]);
  files.sanya = await photo('海边/IMG_0003.jpg', [40, 160, 200], [18.2529, 109.4904]);
  files.beach = await photo('海边/IMG_0004.jpg', [220, 200, 120]);
  files.plain = await photo('2024/IMG_0005.jpg', [90, 90, 90]);
  k = await Kanjian.open({ dataDir: data, ocr: false });
  const r = await k.indexFolder(lib);
  expect(r.failed).toEqual([]);
  expect(r.indexed).toBe(5);
}, 120_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function paths(query: string, filters?: Parameters<Kanjian['search']>[0]['filters']) {
  const res = await k.search({ query, ...(filters && { filters }) });
  return res.results.map((r) => ({ path: r.photo.path, views: r.views, place: r.place?.matches }));
}

describe('places from GPS, searchable without a model', () => {
  it('finds the Beijing photo by 北京 and by Beijing, through the place view', async () => {
    for (const q of ['北京', 'Beijing', 'beijing']) {
      const res = await paths(q);
      expect(res.map((r) => r.path), q).toEqual([files.beijing]);
      expect(res[0].views, q).toEqual(['place']);
      expect(res[0].place, q).toEqual([q.toLowerCase()]);
    }
  });

  it('finds photos by country in Chinese and English', async () => {
    expect((await paths('法国')).map((r) => r.path)).toEqual([files.paris]);
    expect((await paths('France')).map((r) => r.path)).toEqual([files.paris]);
    expect((await paths('中国')).map((r) => r.path).sort()).toEqual([files.beijing, files.sanya].sort());
    expect((await paths('China')).map((r) => r.path).sort()).toEqual([files.beijing, files.sanya].sort());
    expect(await paths('Italy')).toEqual([]);
  });

  it('fuses a place with another view: 海边 三亚 puts the Sanya beach photo first', async () => {
    const res = await paths('海边 三亚');
    expect(res.map((r) => r.path)).toEqual([files.sanya, files.beach]);
    expect(res[0].views).toEqual(['place', 'metadata']);
    expect(res[1].views).toEqual(['metadata']);
  });

  it('filters by country and city, with or without a query', async () => {
    const cn = await k.search({ query: '', filters: { place: { country: 'CN' } } });
    expect(cn.results.map((r) => r.photo.path).sort()).toEqual([files.beijing, files.sanya].sort());
    const overview = await k.listPlaces();
    const beijing = overview.countries.find((c) => c.code === 'CN')!.cities.find((c) => c.name.en === 'Beijing')!;
    const city = await k.search({ query: '', filters: { place: { country: 'CN', cityId: beijing.id } } });
    expect(city.results.map((r) => r.photo.path)).toEqual([files.beijing]);
    expect((await paths('海边', { place: { country: 'FR' } })).map((r) => r.path)).toEqual([]);
  });

  it('lists countries → cities with counts and covers, and names the place in the photo detail', async () => {
    const o = await k.listPlaces();
    expect(o.photos).toBe(3);
    const cn = o.countries.find((c) => c.code === 'CN')!;
    expect(cn).toMatchObject({ name: { en: 'China', zh: '中国' }, count: 2 });
    expect(cn.cities.map((c) => c.name.zh).sort()).toEqual(['三亚', '北京'].sort());
    const fr = o.countries.find((c) => c.code === 'FR')!;
    expect(fr.cities).toHaveLength(1);
    expect(fr.cities[0]).toMatchObject({ name: { en: 'Paris', zh: '巴黎' }, region: { en: 'Île-de-France' }, count: 1 });
    const parisId = (await k.search({ query: 'Paris' })).results[0].photo.id;
    expect(fr.cities[0].coverPhotoId).toBe(parisId);
    const detail = await k.getPhoto(parisId);
    expect(detail?.place).toMatchObject({ city: { en: 'Paris', zh: '巴黎' }, country: 'FR', countryName: { en: 'France', zh: '法国' } });
    const plain = (await k.search({ query: '', filters: { hasGps: false } })).results.find((r) => r.photo.path === files.plain)!;
    expect((await k.getPhoto(plain.photo.id))?.place).toBeUndefined();
  });
});

describe('a library indexed before places existed', () => {
  it('gets its places from the migration backfill when opened', async () => {
    await k.close();
    // Put the library back to the schema before places, with no place rows.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(data, 'library.db'));
    db.exec('DROP TRIGGER photos_places_ai; DROP TRIGGER photos_places_au; DROP TRIGGER photos_places_ad;');
    db.exec('DROP TABLE photo_places; DROP TABLE place_fts; DROP TABLE place_dirty;');
    // …whose schema stops just before the places migration (later ones are idempotent too).
    const placesVersion = MIGRATIONS.findIndex((m) => m.toString().includes('photos_places_ai'));
    expect(placesVersion).toBeGreaterThan(0);
    db.pragma(`user_version = ${placesVersion}`);
    db.close();
    k = await Kanjian.open({ dataDir: data, ocr: false });
    expect((await paths('巴黎')).map((r) => r.path)).toEqual([files.paris]);
    expect((await k.listPlaces()).photos).toBe(3);
  });
});
