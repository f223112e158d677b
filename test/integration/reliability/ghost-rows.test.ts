// No ghost rows: a delete or a rename seen while the photo's index job is in flight wins over
// what the job read. Real watcher, real files; a large noisy photo keeps its job busy for a while.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { until } from '../../helpers/until.js';

let tmp: string;
let lib: string;
let k: Kanjian;

/** A photo that takes long to read: 6000×4000 of noise (sharp cannot shortcut its decode). */
async function slowPhoto(file: string, seed: number): Promise<string> {
  await sharp({ create: { width: 6000, height: 4000, channels: 3, background: { r: seed * 40, g: 90, b: 20 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .jpeg({ quality: 95 })
    .toFile(file);
  return file;
}

/** Waits until the indexer has claimed `file` (it is the job in flight). */
async function inFlight(file: string): Promise<void> {
  await until(`${path.basename(file)} in flight`, async () => (await k.getProgress()).currentPath === file, 60_000);
}

const rows = () => (k.store.db.prepare('SELECT path FROM photos ORDER BY path').all() as { path: string }[]).map((r) => r.path);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-ghost-'));
  lib = path.join(tmp, 'photos');
  mkdirSync(lib);
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, watch: true, ocr: false, concurrency: 1 });
  await k.addFolder(lib);
  await k.idle();
}, 60_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('deletes and renames during an in-flight job', () => {
  it('a photo deleted while its job runs leaves no row', async () => {
    // Made outside and moved in, so the watcher sees one finished file appear.
    const made = await slowPhoto(path.join(tmp, 'doomed.jpg'), 1);
    const file = path.join(lib, 'doomed.jpg');
    renameSync(made, file);
    await inFlight(file);
    unlinkSync(file);
    await until('queue drained', async () => (await k.getStats()).pending === 0 && (await k.getProgress()).state === 'idle', 60_000);
    await k.idle();
    expect(rows()).toEqual([]);
  }, 120_000);

  it('a photo renamed while its job runs is in the library once, under its new name', async () => {
    const made = await slowPhoto(path.join(tmp, 'before.jpg'), 2);
    const from = path.join(lib, 'before.jpg');
    const to = path.join(lib, 'after.jpg');
    renameSync(made, from);
    await inFlight(from);
    renameSync(from, to);
    await until('renamed photo indexed', async () => rows().includes(to), 60_000);
    await until('queue drained', async () => (await k.getStats()).pending === 0 && (await k.getProgress()).state === 'idle', 60_000);
    await k.idle();
    expect(rows()).toEqual([to]);
    // No exact-duplicate group of the photo and its own ghost.
    const groups = await k.findDuplicates({ kind: 'exact' });
    expect(groups.groups).toEqual([]);
  }, 120_000);
});
