// An unmounted drive or a share going away looks, to a watcher, like every photo being deleted.
// As in a scan, a library folder that is gone or empty keeps its rows until it is back; a photo
// deleted from a folder that is still there goes. Real watcher, real folders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { until } from '../../helpers/until.js';

let tmp: string;
let root: string;
let k: Kanjian;
const files: string[] = [];
const listed = async () => (await k.listPhotos({})).photos.map((p) => path.basename(p.path)).sort();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-unmounted-'));
  root = path.join(tmp, 'drive');
  for (const [i, c] of (['red', 'green', 'blue'] as const).entries()) files.push(await writeColourPhoto(path.join(root, `${c}.jpg`), c, { seed: i + 1 }));
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false, watch: true });
  await k.addFolder(root);
  await until('all three indexed', async () => (await listed()).length === 3);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a library folder that goes away', () => {
  it('a photo deleted while the folder is there leaves the library', async () => {
    unlinkSync(files[0]);
    await until('red gone', async () => !(await listed()).includes('red.jpg'));
    expect(await listed()).toEqual(['blue.jpg', 'green.jpg']);
  });

  it('the folder going away (an unmount) keeps its rows; they are there when it comes back', async () => {
    const away = path.join(tmp, 'unplugged');
    renameSync(root, away);
    // The watcher sees every file vanish. Give it several settle periods to (wrongly) drop them.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await listed()).toEqual(['blue.jpg', 'green.jpg']);
    renameSync(away, root);
    expect(await listed()).toEqual(['blue.jpg', 'green.jpg']);
  });
});
