// Search from the first minute, with no model installed (real CLI process, SQLite, OCR), then a
// model arriving from a folder: photos indexed before it are embedded in the background.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { runCli, TOY_MODEL } from '../../helpers/cli.js';
import { makeFirstHourPhotos, type FirstHourPhotos } from './photos.js';

let tmp: string;
let lib: string;
let data: string;
let photos: FirstHourPhotos;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-no-model-'));
  lib = path.join(tmp, 'library');
  data = path.join(tmp, 'data');
  photos = await makeFirstHourPhotos(lib);
  const r = await runCli(['index', lib, '--data', data]);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface JsonSearch {
  results: { path: string; views: string[] }[];
  notice?: { code: string };
  mode: string;
}

async function search(args: string[]): Promise<JsonSearch> {
  const r = await runCli(['search', ...args, '--data', data, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonSearch;
}

describe('search without a model', () => {
  it('finds photos by the text in them, and says meaning search needs a model', async () => {
    const res = await search(['发票']);
    expect(res.results.map((r) => r.path).sort()).toEqual([photos.redInvoice, photos.whiteInvoice].sort());
    expect(res.results.every((r) => r.views.includes('ocr'))).toBe(true);
    expect(res.notice).toEqual({ code: 'search.needsModel' });
    expect(res.mode).toBe('search');
  });

  it('finds photos by file and folder names', async () => {
    const res = await search(['tuscany']);
    expect(res.results.map((r) => r.path)).toEqual([photos.gps]);
  });

  it('lists photos by a filter alone (exit 0), as a listing', async () => {
    const res = await search(['--has-gps']);
    expect(res.results.map((r) => r.path)).toEqual([photos.gps]);
    expect(res.mode).toBe('listing');
    expect(res.notice).toBeUndefined();
  });

  it('prints no CUDA line on a machine without a GPU provider asked for', async () => {
    const r = await runCli(['search', '发票', '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/CUDA/i);
    expect(r.stderr).toMatch(/needs a model/);
  });
});

describe('a model arriving later', () => {
  it('embeds the photos indexed before it in the background, and search finds them by meaning', async () => {
    const pkg = path.join(tmp, 'usb-stick', 'toy-colors');
    cpSync(TOY_MODEL, pkg, { recursive: true });
    process.env.KANJIAN_ALLOW_FIXTURES = '1';
    const k = await Kanjian.open({ dataDir: data, ocr: false });
    try {
      const before = await k.search({ query: 'red' });
      expect(before.notice).toEqual({ code: 'search.needsModel' });
      const info = await k.installModelFromFolder({ path: pkg });
      expect(info).toMatchObject({ id: 'toy-colors', installed: true });
      // Used at once (no model before), and the library was queued for vectors without a re-index.
      expect((await k.getModel()).id).toBe('toy-colors');
      await k.idle();
      const m = await k.getModel();
      expect(m.reembedding).toBeNull();
      const after = await k.search({ query: 'red' });
      expect(after.notice).toBeUndefined();
      expect(after.missingVectors).toBeUndefined();
      const imageHits = after.results.filter((r) => r.views.includes('image')).map((r) => r.photo.path);
      expect(imageHits).toContain(photos.red);
      expect(imageHits).not.toContain(photos.blue);
    } finally {
      await k.close();
      delete process.env.KANJIAN_ALLOW_FIXTURES;
    }
  }, 120_000);
});
