// The OS's watch budget: a folder that would take more directories than the library's share of
// inotify watches is not watched (a watcher that stops half way would be worse) and says why,
// with the numbers; its photos are still indexed by the scan. Real watcher, real folders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../../main/core/kanjian.js';
import { countWatchedDirs, watchBudget } from '../../../main/core/library/watch-budget.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { until } from '../../helpers/until.js';

let tmp: string;
let small: string;
let big: string;
let k: Kanjian;

async function tree(root: string, dirs: number): Promise<void> {
  for (let i = 0; i < dirs; i++) mkdirSync(path.join(root, `d${i}`), { recursive: true });
  mkdirSync(path.join(root, '.hidden', 'deep'), { recursive: true }); // ignored by the watcher: not counted
  await writeColourPhoto(path.join(root, 'd0', 'red.jpg'), 'red', { seed: 1 });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-watch-budget-'));
  small = path.join(tmp, 'small');
  big = path.join(tmp, 'big');
  await tree(small, 3); // 4 directories with the root
  await tree(big, 5); // 6
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, ocr: false, watch: true, watchBudget: 6 });
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('watch budget', () => {
  it('counts the directories a watcher would watch, and stops counting past the budget', async () => {
    expect(await countWatchedDirs(small, 100)).toBe(4);
    expect(await countWatchedDirs(big, 2)).toBe(3);
    expect(await watchBudget('darwin')).toBeNull();
    if (process.platform === 'linux') expect(await watchBudget('linux')).toBeGreaterThan(0);
  });

  it('watches a folder within the budget live', async () => {
    const info = await k.addFolder(small);
    expect(info.watchProblem).toBeUndefined();
    const added = await writeColourPhoto(path.join(small, 'd2', 'blue.jpg'), 'blue', { seed: 2 });
    await until('photo added while watching is indexed', async () => (await k.listPhotos({})).photos.some((p) => p.path === added));
  });

  it('does not watch a folder past the budget, says why, and still indexes what is there', async () => {
    const info = await k.addFolder(big);
    expect(info.watchProblem).toEqual({ code: 'folder.watchLimit', params: { path: big, dirs: 3, limit: 6 } });
    await until('the scan indexed the big folder', async () => (await k.listPhotos({})).photos.some((p) => p.path === path.join(big, 'd0', 'red.jpg')));
    expect((await k.listFolders()).find((f) => f.path === big)?.watchProblem?.code).toBe('folder.watchLimit');
    expect((await k.listFolders()).find((f) => f.path === small)?.watchProblem).toBeUndefined();
  });
});
