// Bad input never stops a run: each bad file is recorded with a plain reason, the good
// ones are indexed, and nothing on disk is changed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeColourPhoto } from '../helpers/photos.js';
import { runCli, TOY_MODEL } from '../helpers/cli.js';

let tmp: string;
let lib: string;
let data: string;
const sums = new Map<string, string>();
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-hostile-'));
  lib = path.join(tmp, 'photos');
  data = path.join(tmp, 'data');
  mkdirSync(lib, { recursive: true });
  const good = await writeColourPhoto(path.join(lib, 'good red.jpg'), 'red', { width: 400, height: 300 });
  await writeColourPhoto(path.join(lib, `it's "quoted" 🙂 照片.png`), 'blue');
  writeFileSync(path.join(lib, 'empty.jpg'), '');
  writeFileSync(path.join(lib, 'text.png'), 'hello, I am a text file pretending to be a PNG\n');
  writeFileSync(path.join(lib, 'random.webp'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const full = readFileSync(good);
  writeFileSync(path.join(lib, 'truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
  // A decompression bomb: 105 megapixels (over the 100 MP limit) in ~3 MB on disk.
  await sharp({ limitInputPixels: false, create: { width: 10500, height: 10000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png({ compressionLevel: 1 })
    .toFile(path.join(lib, 'bomb.png'));
  writeFileSync(path.join(lib, 'notes.txt'), 'not a photo extension: never even tried');
  for (const f of ['good red.jpg', 'truncated.jpg', 'bomb.png', 'text.png']) sums.set(f, sha(path.join(lib, f)));
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hostile and broken files', () => {
  it('indexes the good photos and lists each bad one with a reason', async () => {
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { indexed: number; failed: { path: string; error: string }[] };
    expect(summary.indexed).toBe(2);
    const byName = new Map(summary.failed.map((f) => [path.basename(f.path), f.error]));
    expect([...byName.keys()].sort()).toEqual(['bomb.png', 'empty.jpg', 'random.webp', 'text.png', 'truncated.jpg']);
    expect(byName.get('empty.jpg')).toMatch(/empty/i);
    expect(byName.get('bomb.png')).toMatch(/too large|pixel/i);
    expect(byName.get('truncated.jpg')).toMatch(/truncat|corrupt/i);
    expect(byName.get('text.png')).toMatch(/not an image|unsupported|unrecogni[sz]ed|corrupt/i);
  }, 120_000);

  it('does not retry unchanged bad files on every run, and never modifies any file', async () => {
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ indexed: 0, unchanged: 7, failed: [] });
    for (const [f, s] of sums) expect(sha(path.join(lib, f))).toBe(s);
  });

  it('odd file names are found by search', async () => {
    const r = await runCli(['search', '蓝色', '--data', data, '--model', TOY_MODEL, '--json']);
    const { results } = JSON.parse(r.stdout);
    expect(results[0].path).toBe(path.join(lib, `it's "quoted" 🙂 照片.png`));
  });

  it('a bad file that gets fixed is indexed on the next run', async () => {
    const file = path.join(lib, 'truncated.jpg');
    await writeColourPhoto(file, 'green');
    const later = new Date(Date.now() + 2000);
    const { utimesSync } = await import('node:fs');
    utimesSync(file, later, later);
    expect(statSync(file).size).toBeGreaterThan(0);
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ indexed: 1, failed: [] });
  });
});
