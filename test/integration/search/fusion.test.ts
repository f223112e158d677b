// Multi-view search end to end in one process: real SQLite, real sharp, the toy colour model for
// the image view, real PaddleOCR (worker thread) for the text in photos, names for metadata.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../../main/core/kanjian.js';
import type { SearchResult } from '../../../main/core/api.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { writeTextPhoto } from '../ocr/text-photos.js';

let tmp: string;
let lib: string;
let k: Kanjian;
const P: Record<string, string> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-fusion-'));
  lib = path.join(tmp, 'library');
  P.redInvoice = await writeTextPhoto(path.join(lib, 'scans/scan-001.jpg'), {
    background: [220, 30, 30],
    blocks: [{ lines: ['发票 2024'], x: 60, y: 110, fontSize: 56, colour: '#fff' }],
  });
  P.red = await writeColourPhoto(path.join(lib, 'scans/scan-002.jpg'), 'red', { width: 480, height: 320, seed: 3 });
  P.blueInvoice = await writeTextPhoto(path.join(lib, 'scans/scan-003.jpg'), {
    background: [30, 50, 220],
    blocks: [{ lines: ['发票'], x: 60, y: 110, fontSize: 56, colour: '#fff' }],
  });
  P.receipt = await writeTextPhoto(path.join(lib, 'scans/scan-004.png'), {
    background: [245, 245, 245],
    blocks: [{ lines: ['RECEIPT', 'Total 12.50'], x: 40, y: 60, fontSize: 44 }],
  });
  P.beach = await writeColourPhoto(path.join(lib, 'trips/beach-2024.jpg'), 'yellow', { seed: 5 });
  P.sea = await writeColourPhoto(path.join(lib, '旅行/海边/IMG_0001.jpg'), 'blue', { seed: 6 });
  P.green = await writeColourPhoto(path.join(lib, 'trips/森林.jpg'), 'green', { seed: 7 });
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL });
  const summary = await k.indexFolder(lib);
  expect(summary.failed).toEqual([]);
}, 180_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function search(query: string, extra: Record<string, unknown> = {}): Promise<SearchResult[]> {
  return (await k.search({ query, ...extra })).results;
}
const byPath = (rs: SearchResult[]) => new Map(rs.map((r) => [r.photo.path, r]));

describe('fusion of the image and OCR views', () => {
  it('"红色 发票": the red photo with 发票 on it first, above the plain red one and the blue invoice', async () => {
    const rs = await search('红色 发票');
    expect(rs[0].photo.path).toBe(P.redInvoice);
    // red photos also carry red-named auto-tags, so the tag view agrees with the pixels
    expect(rs[0].views).toEqual(['image', 'tags', 'ocr']);
    expect(rs[0].ocr?.matches).toEqual(['发票']);
    expect(rs[0].ocr?.text).toContain('发票');
    const m = byPath(rs);
    expect(m.get(P.red)?.views).toEqual(['image', 'tags']);
    expect(m.get(P.blueInvoice)?.views).toEqual(['ocr']);
    expect(rs.findIndex((r) => r.photo.path === P.red)).toBeGreaterThan(0);
    expect(rs.findIndex((r) => r.photo.path === P.blueInvoice)).toBeGreaterThan(0);
    for (let i = 1; i < rs.length; i++) expect(rs[i - 1].score).toBeGreaterThanOrEqual(rs[i].score);
  });

  it('"发票" (unknown to the toy model) finds both invoices through the text in them only', async () => {
    const rs = await search('发票');
    expect(rs.map((r) => r.photo.path).sort()).toEqual([P.redInvoice, P.blueInvoice].sort());
    for (const r of rs) {
      expect(r.views).toEqual(['ocr']);
      expect(r.viewScores).toEqual({ ocr: 1 });
    }
  });

  it('"receipt" and "RECEIPT total" find the English receipt through OCR', async () => {
    for (const q of ['receipt', 'RECEIPT total']) {
      const rs = await search(q);
      expect(rs.map((r) => r.photo.path)).toEqual([P.receipt]);
      expect(rs[0].views).toEqual(['ocr']);
    }
    expect((await search('RECEIPT total'))[0].ocr?.matches).toEqual(['receipt', 'total']);
  });

  it('a photo matching no view is not returned (relevance cut-off holds)', async () => {
    expect(await search('量子计算 quantum')).toEqual([]);
    const rs = await search('红色');
    expect(rs.length).toBeGreaterThan(0);
    for (const r of rs) expect(r.views).toContain('image');
    expect(rs.map((r) => r.photo.path)).not.toContain(P.blueInvoice);
  });
});

describe('tag view (the tag sequence embedded as a second vector)', () => {
  it('matches a red photo through its auto-tags and lists them', async () => {
    const hit = (await search('red')).find((r) => r.photo.path === P.red)!;
    expect(hit.views).toContain('tags');
    const tags = await k.photoTags(hit.photo.id);
    expect(tags.length).toBeGreaterThan(0);
    expect(hit.tags?.tags).toEqual(tags.map((t) => `${t.en} ${t.zh}`));
    expect(hit.viewScores?.tags).toBeGreaterThan(0.5);
  });
  it('does not match photos whose tags say nothing about the query', async () => {
    const blue = await search('蓝色');
    const green = await search('green');
    // Both queries find photos (by colour), so the checks below look at real results.
    expect(blue.length).toBeGreaterThan(0);
    expect(green.length).toBeGreaterThan(0);
    for (const r of blue) expect(r.views).not.toContain('tags');
    for (const r of green) expect(r.tags?.tags ?? []).not.toContain('red lanterns 灯笼');
  });
});

describe('metadata view (file and folder names)', () => {
  it('"beach" finds beach-2024.jpg by its name', async () => {
    const rs = await search('beach');
    expect(rs.map((r) => r.photo.path)).toEqual([P.beach]);
    expect(rs[0].views).toEqual(['metadata']);
    expect(rs[0].metadata?.matches).toEqual(['beach']);
  });
  it('Chinese folder and file names match too', async () => {
    expect((await search('海边')).map((r) => r.photo.path)).toEqual([P.sea]);
    expect((await search('森林')).map((r) => r.photo.path)).toEqual([P.green]);
  });
  it('a name and the pixels agreeing rank first: "blue 海边"', async () => {
    const rs = await search('blue 海边');
    expect(rs[0].photo.path).toBe(P.sea);
    expect(rs[0].views).toEqual(['image', 'metadata']);
  });
  it('a renamed photo is found by its new name', async () => {
    const { renameSync } = await import('node:fs');
    const moved = path.join(lib, 'trips/sunset-2024.jpg');
    renameSync(P.beach, moved);
    await k.indexFolder(lib);
    expect((await search('beach')).map((r) => r.photo.path)).toEqual([]);
    expect((await search('sunset')).map((r) => r.photo.path)).toEqual([moved]);
    renameSync(moved, P.beach);
    await k.indexFolder(lib);
  });
});

describe('filters with any query', () => {
  it('narrow the fused list', async () => {
    const rs = await search('发票', { filters: { types: ['jpeg'], folder: path.join(lib, 'scans') } });
    expect(rs.map((r) => r.photo.path).sort()).toEqual([P.redInvoice, P.blueInvoice].sort());
    expect(await search('receipt', { filters: { types: ['jpeg'] } })).toEqual([]);
    expect((await search('receipt', { filters: { types: ['png'] } })).map((r) => r.photo.path)).toEqual([P.receipt]);
  });
  it('an empty query with filters lists the photos they match', async () => {
    const rs = await search('', { filters: { folder: path.join(lib, 'trips') } });
    expect(rs.map((r) => r.photo.path).sort()).toEqual([P.beach, P.green].sort());
    for (const r of rs) expect(r.views).toEqual(['metadata']);
    expect(await search('')).toEqual([]);
  });
});
