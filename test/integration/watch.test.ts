// Live watching on a real folder with the real watcher: add, rename, move, delete.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, renameSync, mkdirSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../main/core/kanjian.js';
import { writeColourPhoto } from '../helpers/photos.js';
import { until } from '../helpers/until.js';
import { TOY_MODEL } from '../helpers/cli.js';

let tmp: string;
let lib: string;
let k: Kanjian;

const paths = async (q: string) => (await k.search({ query: q })).results.map((r) => r.photo.path).sort();
const embeddingRows = () =>
  (k.store.db.prepare('SELECT id, sha256 FROM embeddings ORDER BY id').all() as { id: number; sha256: string }[]);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-watch-'));
  lib = path.join(tmp, 'photos');
  mkdirSync(lib);
  await writeColourPhoto(path.join(lib, 'start-red.jpg'), 'red', { seed: 1 });
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, watch: true });
  await k.addFolder(lib);
  await until('initial scan', async () => (await paths('red')).length === 1);
});

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('watching a folder', () => {
  it('indexes a photo added while watching', async () => {
    const file = await writeColourPhoto(path.join(lib, '新建/blue sky.png'), 'blue', { seed: 2 });
    await until('blue photo searchable', async () => (await paths('蓝色')).includes(file));
  });

  it('a renamed photo keeps its vector (no new embedding) and answers under its new name', async () => {
    const before = embeddingRows();
    const from = path.join(lib, 'start-red.jpg');
    const to = path.join(lib, '改名-red.jpg');
    renameSync(from, to);
    await until('renamed path in results', async () => {
      const p = await paths('red');
      return p.length === 1 && p[0] === to;
    });
    expect(embeddingRows()).toEqual(before);
  });

  it('a photo moved into a new subfolder keeps its vector too', async () => {
    const before = embeddingRows();
    const from = path.join(lib, '新建/blue sky.png');
    mkdirSync(path.join(lib, 'archive/2024'), { recursive: true });
    const to = path.join(lib, 'archive/2024/blue sky.png');
    renameSync(from, to);
    await until('moved path in results', async () => {
      const p = await paths('blue');
      return p.length === 1 && p[0] === to;
    });
    expect(embeddingRows()).toEqual(before);
  });

  it('a whole folder copied in is indexed', async () => {
    const src = path.join(tmp, 'outside');
    await writeColourPhoto(path.join(src, 'g1.jpg'), 'green', { seed: 3 });
    await writeColourPhoto(path.join(src, 'sub/g2.jpg'), 'green', { seed: 4 });
    cpSync(src, path.join(lib, 'copied'), { recursive: true });
    await until('both green photos', async () => (await paths('green')).length === 2);
  });

  it('a changed photo is re-embedded with its new content', async () => {
    const file = path.join(lib, 'copied/g1.jpg');
    await writeColourPhoto(file, 'yellow', { seed: 5 });
    await until('now yellow', async () => (await paths('yellow')).includes(file));
    expect(await paths('green')).not.toContain(file);
  });

  it('a deleted photo leaves the results', async () => {
    const file = path.join(lib, '改名-red.jpg');
    rmSync(file);
    await until('red gone', async () => (await paths('red')).length === 0);
  });

  it('a deleted folder takes its photos with it', async () => {
    rmSync(path.join(lib, 'copied'), { recursive: true });
    await until('copied photos gone', async () => (await paths('green')).length === 0 && (await paths('yellow')).length === 0);
    const stats = await k.getStats();
    expect(stats.photos).toBe(1); // the moved blue photo
  });

  it('ignores clutter and hidden files', async () => {
    await writeColourPhoto(path.join(lib, '.hidden/secret.jpg'), 'red', { seed: 6 });
    await writeColourPhoto(path.join(lib, '._appledouble.jpg'), 'red', { seed: 7 });
    await writeColourPhoto(path.join(lib, 'visible-white.jpg'), 'white', { seed: 8 });
    await until('white indexed', async () => (await paths('white')).length === 1);
    expect(await paths('red')).toEqual([]);
  });

  it('removing a folder from the library keeps the files on disk', async () => {
    const [folder] = await k.listFolders();
    await k.removeFolder(folder.id);
    expect(await k.listFolders()).toEqual([]);
    expect((await k.getStats()).photos).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(lib, 'visible-white.jpg'))).toBe(true);
  });
});
