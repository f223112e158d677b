// OCR on generated text photos with the real engine (PaddleOCR ONNX models in a worker thread),
// and the 'ocr' job queue around it: keyed by content, per-file errors, resuming after a restart.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Kanjian } from '../../../main/core/kanjian.js';
import { WorkerOcrEngine } from '../../../main/core/ocr/engine.js';
import { OcrRepo } from '../../../main/core/ocr/repo.js';
import { OcrRunner } from '../../../main/core/ocr/runner.js';
import { Store } from '../../../main/core/store/index.js';
import { MediaError } from '../../../main/core/media/errors.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { EXIF_SAMPLES, TOY_MODEL } from '../../helpers/cli.js';
import { textLayer, writeTextPhoto } from './text-photos.js';

let tmp: string;
let engine: WorkerOcrEngine;
const F: Record<string, string> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-ocr-'));
  F.invoice = await writeTextPhoto(path.join(tmp, 'gen/invoice.jpg'), {
    background: [250, 250, 245],
    blocks: [{ lines: ['发票 2024'], x: 40, y: 100, fontSize: 56 }],
  });
  F.receipt = await writeTextPhoto(path.join(tmp, 'gen/receipt.png'), {
    background: [30, 120, 60],
    blocks: [{ lines: ['RECEIPT'], x: 60, y: 110, fontSize: 60, colour: '#fff', weight: 'bold' }],
  });
  // Stored sideways with EXIF orientation 6, as phones do: only upright pixels are readable.
  const upright = await sharp({ create: { width: 480, height: 320, channels: 3, background: '#fafafa' } })
    .composite([{ input: await textLayer(480, 320, [{ lines: ['停车场 PARKING'], x: 30, y: 120, fontSize: 44 }]) }])
    .png()
    .toBuffer();
  F.sideways = path.join(tmp, 'gen/sideways.jpg');
  await sharp(upright).rotate(270).jpeg().withMetadata({ orientation: 6 }).toFile(F.sideways);
  F.plain = await writeColourPhoto(path.join(tmp, 'gen/plain.jpg'), 'green', { width: 320, height: 240 });
  engine = new WorkerOcrEngine({ idleMs: 1000 });
});

afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const text = (lines: { text: string }[]) => lines.map((l) => l.text).join('\n');

describe('the OCR engine (PaddleOCR PP-OCRv4 in a worker thread)', () => {
  it('reads Chinese and digits: "发票 2024"', async () => {
    const r = await engine.read(F.invoice);
    expect(text(r.lines).replace(/\s/g, '')).toContain('发票2024');
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.lines[0].box).toHaveLength(4);
    expect(r.lines[0].score).toBeGreaterThan(0.5);
  });
  it('reads English: "RECEIPT" (light text on a dark background)', async () => {
    const r = await engine.read(F.receipt);
    expect(text(r.lines).toUpperCase()).toContain('RECEIPT');
  });
  it('reads a photo stored sideways with an EXIF orientation (decoded upright first)', async () => {
    const r = await engine.read(F.sideways);
    expect(text(r.lines).replace(/\s/g, '').toUpperCase()).toContain('PARKING');
    expect(r.width).toBe(480);
    expect(r.height).toBe(320);
  });
  it('finds no text in a photo without any', async () => {
    expect((await engine.read(F.plain)).lines).toEqual([]);
  });
  it('photos big enough for the detector-only first look: text found and read in full; none in a photo without it', async () => {
    // 1600×1200 (> 1.25 × 640): the detector runs alone at 640 px first.
    const big = await writeTextPhoto(path.join(tmp, 'gen/big-sign.jpg'), {
      width: 1600,
      height: 1200,
      background: { photo: path.join(EXIF_SAMPLES, 'jpg/Canon_40D.jpg') },
      blocks: [{ lines: ['停车场 PARKING'], x: 300, y: 500, fontSize: 90, plate: '#1d5fa8', colour: '#fff', weight: 'bold' }],
    });
    const r = await engine.read(big);
    expect(text(r.lines).replace(/\s/g, '').toUpperCase()).toContain('PARKING');
    expect(r.width).toBe(1600);
    // Boxes are in the photo's own pixels (the full read at 1280 px, scaled back).
    expect(Math.max(...r.lines.flatMap((l) => l.box!.map(([x]) => x)))).toBeGreaterThan(640);
    const plainBig = await writeColourPhoto(path.join(tmp, 'gen/plain-big.jpg'), 'blue', { width: 1600, height: 1200 });
    expect((await engine.read(plainBig)).lines).toEqual([]);
  });
  it('a file that is not a photo is a MediaError, and the engine keeps working', async () => {
    const bad = path.join(tmp, 'gen/not-a-photo.jpg');
    writeFileSync(bad, 'not a jpeg at all');
    await expect(engine.read(bad)).rejects.toBeInstanceOf(MediaError);
    expect((await engine.read(F.receipt)).lines.length).toBeGreaterThan(0);
  });
  it('restarts its worker after an idle stop', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    expect(text((await engine.read(F.invoice)).lines)).toContain('发票');
  });
});

describe('OCR jobs', () => {
  let lib: string;
  let data: string;
  beforeAll(async () => {
    lib = path.join(tmp, 'lib');
    data = path.join(tmp, 'data');
    await writeTextPhoto(path.join(lib, 'a/scan-1.jpg'), { background: [250, 250, 245], blocks: [{ lines: ['发票 2024'], x: 40, y: 100, fontSize: 56 }] });
    await writeTextPhoto(path.join(lib, 'a/scan-2.png'), { background: [245, 245, 245], blocks: [{ lines: ['RECEIPT', 'Total 9.90'], x: 40, y: 60, fontSize: 44 }] });
    await writeTextPhoto(path.join(lib, 'b/sign.jpg'), { background: [20, 110, 40], blocks: [{ lines: ['出口 EXIT'], x: 40, y: 110, fontSize: 64, colour: '#fff' }] });
    await writeColourPhoto(path.join(lib, 'b/green.jpg'), 'green', { seed: 2 });
    await writeColourPhoto(path.join(lib, 'b/red.jpg'), 'red', { seed: 3 });
  });

  it('are queued for every indexed photo and wait, resumable, while OCR is off', async () => {
    const k = await Kanjian.open({ dataDir: data, model: TOY_MODEL, ocr: false });
    try {
      const s = await k.indexFolder(lib);
      expect(s.indexed).toBe(5);
      expect(k.store.jobs.count('ocr')).toBe(5);
      expect(k.store.jobs.count('index')).toBe(0);
      // the app's pending counts are about indexing, not OCR
      expect((await k.getStats()).pending).toBe(0);
      expect((await k.search({ query: 'receipt' })).results).toEqual([]);
    } finally {
      await k.close();
    }
  });

  it('a file that cannot be read gets an error row and does not stall the queue', async () => {
    // Corrupt one photo after it was indexed, then run the queue directly (no rescan).
    writeFileSync(path.join(lib, 'b/green.jpg'), Buffer.alloc(500, 7));
    const store = Store.open(path.join(data, 'library.db'));
    const runner = new OcrRunner(store, new WorkerOcrEngine());
    try {
      const r = await runner.drain();
      expect(r.read).toBe(4);
      expect(r.failed).toHaveLength(1);
      expect(r.failed[0].path).toBe(path.join(lib, 'b/green.jpg'));
      expect(store.jobs.count('ocr')).toBe(0);
      const repo = new OcrRepo(store.db);
      expect(repo.counts()).toEqual({ read: 5, withText: 3, failed: 1 });
      const sha = store.photos.byPath(path.join(lib, 'a/scan-1.jpg'))!.sha256!;
      expect(repo.get(sha)!.text).toContain('发票');
    } finally {
      await runner.close();
      store.close();
    }
    await writeColourPhoto(path.join(lib, 'b/green.jpg'), 'green', { seed: 2 });
  });

  it('search finds them by their text after a restart; a renamed photo keeps its text', async () => {
    const k = await Kanjian.open({ dataDir: data, model: TOY_MODEL });
    try {
      await k.indexFolder(lib); // green.jpg is back with its old content: nothing to OCR again
      expect(k.store.jobs.count()).toBe(0);
      const hits = async (q: string) => (await k.search({ query: q })).results.map((r) => path.relative(lib, r.photo.path));
      expect(await hits('发票')).toEqual(['a/scan-1.jpg']);
      expect(await hits('receipt')).toEqual(['a/scan-2.png']);
      expect(await hits('出口')).toEqual(['b/sign.jpg']);
      expect(await hits('EXIT')).toEqual(['b/sign.jpg']);

      const before = new OcrRepo(k.store.db).counts().read;
      renameSync(path.join(lib, 'a/scan-2.png'), path.join(lib, 'b/kept.png'));
      await k.indexFolder(lib);
      expect(new OcrRepo(k.store.db).counts().read).toBe(before); // no OCR ran again
      expect(await hits('receipt')).toEqual(['b/kept.png']);
    } finally {
      await k.close();
    }
  });
});
