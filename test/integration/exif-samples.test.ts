// Real camera files vendored in test/fixtures/photos, indexed in place (read-only):
// EXIF fields land in the store and EXIF orientation is applied to dimensions.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../main/core/kanjian.js';
import type { PhotoRow } from '../../main/core/store/index.js';
import { EXIF_SAMPLES, TOY_MODEL } from '../helpers/cli.js';

let tmp: string;
let k: Kanjian;
const row = (rel: string) => k.store.photos.byPath(path.join(EXIF_SAMPLES, rel)) as PhotoRow;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-exif-'));
  k = await Kanjian.open({ dataDir: tmp, model: TOY_MODEL });
  await k.indexFolder(EXIF_SAMPLES);
}, 180_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('EXIF samples', () => {
  it('indexes the camera JPEGs with make, model and date taken', () => {
    const canon = row('jpg/Canon_40D.jpg');
    expect(canon.status).toBe('indexed');
    expect(canon.camera_make).toMatch(/canon/i);
    expect(canon.camera_model).toMatch(/40D/);
    expect(canon.taken_at).toMatch(/^2008-05-30T15:56:01/);
    expect(row('jpg/Nikon_D70.jpg').camera_make).toMatch(/nikon/i);
  });

  it('reads GPS coordinates', () => {
    const withGps = k.store.db
      .prepare("SELECT path, lat, lon FROM photos WHERE path LIKE '%/gps/%' AND lat IS NOT NULL")
      .all() as { path: string; lat: number; lon: number }[];
    expect(withGps.length).toBeGreaterThan(0);
    for (const g of withGps) {
      expect(Math.abs(g.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(g.lon)).toBeLessThanOrEqual(180);
    }
  });

  it('applies EXIF orientation: every rotated sample reports the upright dimensions', () => {
    const rows = k.store.db
      .prepare("SELECT path, width, height, orientation FROM photos WHERE path LIKE '%/orientation/%' AND status = 'indexed'")
      .all() as { path: string; width: number; height: number; orientation: number | null }[];
    expect(rows.length).toBe(16);
    for (const kind of ['portrait', 'landscape']) {
      const group = rows.filter((r) => path.basename(r.path).startsWith(kind));
      expect(group).toHaveLength(8);
      // orientations 1..8 all recorded, and all show the same upright picture size
      expect(group.map((r) => r.orientation ?? 1).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const upright = group.find((r) => path.basename(r.path) === `${kind}_1.jpg`)!;
      for (const r of group) expect([r.width, r.height], r.path).toEqual([upright.width, upright.height]);
      if (kind === 'portrait') expect(upright.height).toBeGreaterThan(upright.width);
      else expect(upright.width).toBeGreaterThan(upright.height);
    }
  });

  it('never fails the whole run on odd samples; every file has a row', () => {
    const c = k.store.photos.counts();
    expect(c.photos).toBeGreaterThan(30);
    expect(c.indexed).toBeGreaterThan(c.failed);
  });
});
