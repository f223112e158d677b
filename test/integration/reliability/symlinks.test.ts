// One symlink policy on real components (real watcher, SQLite file, sharp, the toy model): links
// are never followed, and nothing whose real path leaves the library is indexed or trashed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../../main/core/kanjian.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { until } from '../../helpers/until.js';
import { TOY_MODEL } from '../../helpers/cli.js';

let tmp: string;

/** A stand-in for the OS trash that really moves the file (to a folder of the test's own). */
function testTrash(dir: string, moved: string[]) {
  mkdirSync(dir, { recursive: true });
  return async (file: string) => {
    moved.push(file);
    renameSync(file, path.join(dir, `${moved.length}-${path.basename(file)}`));
  };
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-links-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('symlinks while watching', () => {
  it('a symlinked folder (and file) created while watching is never indexed; a rescan lists them as skipped', async () => {
    const lib = path.join(tmp, 'w-photos');
    const outside = path.join(tmp, 'w-outside');
    await writeColourPhoto(path.join(lib, 'red.jpg'), 'red', { seed: 1 });
    await writeColourPhoto(path.join(outside, 'secret-blue.jpg'), 'blue', { seed: 2 });
    await writeColourPhoto(path.join(outside, 'deep/secret-green.jpg'), 'green', { seed: 3 });
    const moved: string[] = [];
    const dataDir = path.join(tmp, 'w-data');
    const k = await Kanjian.open({ dataDir, model: TOY_MODEL, watch: true, ocr: false, trashFile: testTrash(path.join(tmp, 'w-trash'), moved) });
    try {
      await k.addFolder(lib);
      await until('red indexed', async () => (await k.listPhotos({})).total === 1);
      symlinkSync(outside, path.join(lib, 'linked'), 'dir');
      symlinkSync(path.join(outside, 'secret-blue.jpg'), path.join(lib, 'link.jpg'), 'file');
      // A real photo created after the links: once it is indexed, the watcher has seen them too.
      const canary = await writeColourPhoto(path.join(lib, 'canary-yellow.jpg'), 'yellow', { seed: 4 });
      await until('canary indexed', async () => (await k.listPhotos({})).photos.some((p) => p.path === canary));
      await k.idle();
      const listed = (await k.listPhotos({})).photos.map((p) => p.path).sort();
      expect(listed).toEqual([canary, path.join(lib, 'red.jpg')].sort());
      const blue = await k.search({ query: 'blue' });
      expect(blue.results.map((r) => r.photo.path)).toEqual([]);
    } finally {
      await k.close();
    }
    // A one-shot run over the same library agrees with the watcher and says what it left out.
    const once = await Kanjian.open({ dataDir, model: TOY_MODEL, ocr: false });
    try {
      const summary = await once.indexFolder(lib);
      expect(summary.skipped.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: path.join(lib, 'link.jpg'), reason: 'symlink' },
        { path: path.join(lib, 'linked'), reason: 'symlink' },
      ]);
      expect(summary.removed).toBe(0);
      expect((await once.listPhotos({})).total).toBe(2);
    } finally {
      await once.close();
    }
    expect(moved).toEqual([]);
  });
});

describe('the trash refuses anything whose real path is outside the library', () => {
  it('a photo replaced by a link to an identical file outside, and a folder replaced by a link: not planned, not moved', async () => {
    const lib = path.join(tmp, 't-photos');
    const outside = path.join(tmp, 't-outside');
    mkdirSync(outside, { recursive: true });
    const single = await writeColourPhoto(path.join(lib, 'single.jpg'), 'red', { seed: 5 });
    const inAlbum = await writeColourPhoto(path.join(lib, 'album/in-album.jpg'), 'blue', { seed: 6 });
    const keep = await writeColourPhoto(path.join(lib, 'keep.jpg'), 'green', { seed: 7 });
    const moved: string[] = [];
    const k = await Kanjian.open({ dataDir: path.join(tmp, 't-data'), model: TOY_MODEL, ocr: false, trashFile: testTrash(path.join(tmp, 't-trash'), moved) });
    try {
      await k.indexFolder(lib);
      const ids = new Map((await k.listPhotos({})).photos.map((p) => [p.path, p.id]));
      expect(ids.size).toBe(3);
      // Planned while the files are real (what the user confirmed) …
      const plan = await k.planTrash({ photoIds: [ids.get(single)!, ids.get(inAlbum)!], allowLastCopy: true });
      expect(plan.count).toBe(2);

      // … then swapped for links to outside copies with the same size and mtime (so only the
      // real-path check can tell), without a watcher to notice.
      const victim = path.join(outside, 'victim.jpg');
      cpSync(single, victim);
      const st = statSync(single);
      utimesSync(victim, st.atime, st.mtime);
      unlinkSync(single);
      symlinkSync(victim, single, 'file');
      renameSync(path.join(lib, 'album'), path.join(outside, 'album'));
      symlinkSync(path.join(outside, 'album'), path.join(lib, 'album'), 'dir');

      const outcome = await k.trashPhotos({ photoIds: plan.photos.map((p) => p.id), confirmToken: plan.confirmToken });
      expect(outcome.trashed).toEqual([]);
      expect(outcome.failed.map((f) => f.path).sort()).toEqual([inAlbum, single].sort());
      expect(outcome.failed.map((f) => f.code)).toEqual(['trash.outsideLibrary', 'trash.outsideLibrary']);
      expect(moved).toEqual([]);
      expect(existsSync(victim)).toBe(true);
      expect(existsSync(path.join(outside, 'album/in-album.jpg'))).toBe(true);

      // A new plan does not offer them at all; a real file still can be trashed.
      const again = await k.planTrash({ photoIds: [ids.get(single)!, ids.get(inAlbum)!, ids.get(keep)!], allowLastCopy: true });
      expect(again.missing.sort()).toEqual([ids.get(single)!, ids.get(inAlbum)!].sort());
      expect(again.photos.map((p) => p.path)).toEqual([keep]);
      const done = await k.trashPhotos({ photoIds: again.photos.map((p) => p.id), confirmToken: again.confirmToken });
      expect(done.trashed.map((t) => t.path)).toEqual([keep]);
      expect(moved).toEqual([keep]);
    } finally {
      await k.close();
    }
  });
});
