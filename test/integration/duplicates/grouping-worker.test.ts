// Duplicate groups are built in a worker thread on its own read-only connection (grouping.ts):
// the groups it sends back are the ones this thread would build, a change to the library is
// seen by the next build, and closing the library stops the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { buildGroups } from '../../../main/core/duplicates/find.js';
import { GroupBuilder } from '../../../main/core/duplicates/grouping.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { EXIF_SAMPLES } from '../../helpers/cli.js';

const SOURCE = path.join(EXIF_SAMPLES, 'jpg', 'exif-org/canon-ixus.jpg');
let tmp: string;
let lib: string;
let k: Kanjian;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-grouping-worker-'));
  lib = path.join(tmp, 'library');
  mkdirSync(lib, { recursive: true });
  await sharp(SOURCE).rotate().jpeg({ quality: 92 }).toFile(path.join(lib, 'original.jpg'));
  await sharp(SOURCE).rotate().resize({ width: 320 }).jpeg({ quality: 70 }).toFile(path.join(lib, 'small copy.jpg'));
  await sharp(SOURCE).rotate().png().toFile(path.join(lib, 'png copy.png'));
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), ocr: false, model: null });
  await k.indexFolder(lib);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const names = (groups: { photos: { path: string }[] }[]) => groups.map((g) => g.photos.map((p) => path.basename(p.path)).sort());

describe('grouping in a worker thread', () => {
  it('sends back the groups this thread builds, and sees the next change', async () => {
    const builder = new GroupBuilder(k.store);
    try {
      const inWorker = await builder.build({}, null);
      const here = buildGroups(k.store, {}, { model: null });
      expect(names(inWorker.groups)).toEqual([['original.jpg', 'png copy.png', 'small copy.jpg']]);
      expect(inWorker).toEqual(here);

      // A photo removed by this thread's connection: the worker's next build no longer has it.
      k.store.photos.removePaths([path.join(lib, 'png copy.png')]);
      expect(names((await builder.build({ kind: 'near' }, null)).groups)).toEqual([['original.jpg', 'small copy.jpg']]);
    } finally {
      await builder.close();
    }
    await expect(builder.build({}, null)).resolves.toBeDefined(); // closed: built in this thread
  });

  it('the review answers through it (Kanjian.findDuplicates)', async () => {
    const res = await k.findDuplicates({});
    expect(names(res.groups)).toEqual([['original.jpg', 'small copy.jpg']]);
  });
});
