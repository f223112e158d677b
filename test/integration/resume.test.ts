// A kill -9 in the middle of indexing loses no committed row and leaves no half-written
// one; the next run picks up exactly the files that were not done.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import * as sqliteVec from 'sqlite-vec';
import { runCli, spawnCli, TOY_MODEL } from '../helpers/cli.js';

let tmp: string;
let lib: string;
let data: string;
const N = 40;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-kill-'));
  lib = path.join(tmp, 'photos');
  data = path.join(tmp, 'data');
  // Large noisy photos so each one takes long enough to be killed in the middle.
  const { mkdirSync } = await import('node:fs');
  mkdirSync(lib, { recursive: true });
  for (let i = 0; i < N; i++) {
    await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: { r: (i * 37) % 255, g: (i * 91) % 255, b: (i * 53) % 255 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg({ quality: 92 })
      .toFile(path.join(lib, `photo-${String(i).padStart(3, '0')}.jpg`));
  }
  // Encoding 40 noisy 2-megapixel JPEGs takes minutes on a loaded 2-core machine.
}, 240_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function countIndexed(): number {
  try {
    const db = new Database(path.join(data, 'library.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM photos WHERE status = 'indexed'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

describe('kill -9 during indexing', () => {
  // Two CLI runs over 40 2-megapixel photos: minutes, not seconds, on a loaded 2-core machine.
  it('loses nothing committed, and the next run finishes without doing anything twice', { timeout: 240_000 }, async () => {
    const child = spawnCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    const exited = new Promise((r) => child.on('close', r));
    const deadline = Date.now() + 60_000;
    while (countIndexed() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;

    const db = new Database(path.join(data, 'library.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const committed = db.prepare("SELECT path, sha256 FROM photos WHERE status = 'indexed'").all() as { path: string; sha256: string }[];
    expect(committed.length).toBeGreaterThanOrEqual(5);
    expect(committed.length).toBeLessThan(N); // it really was interrupted
    // every committed photo has its vector: row and vector were written together
    const withoutVector = db
      .prepare("SELECT COUNT(*) AS n FROM photos p WHERE status='indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.sha256 = p.sha256)")
      .get() as { n: number };
    expect(withoutVector.n).toBe(0);
    // the remaining work is still queued (committed photos also wait for OCR: kind 'ocr')
    const queued = (db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'index'").get() as { n: number }).n;
    expect(queued).toBe(N - committed.length);
    db.close();

    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.unchanged).toBe(committed.length);
    expect(summary.indexed).toBe(N - committed.length);
    expect(summary.failed).toEqual([]);

    const db2 = new Database(path.join(data, 'library.db'), { readonly: true });
    sqliteVec.load(db2);
    expect((db2.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n).toBe(N);
    expect((db2.prepare('SELECT COUNT(*) AS n FROM embeddings').get() as { n: number }).n).toBe(N);
    expect((db2.prepare('SELECT COUNT(*) AS n FROM vec_image_1').get() as { n: number }).n).toBe(N);
    expect((db2.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
    db2.close();
  });
});
