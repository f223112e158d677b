import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isInsidePath, pathKey, samePath } from '../../../main/core/fs/path-key.js';
import { checkInLibrary } from '../../../main/core/fs/real-path.js';

describe('path keys per platform', () => {
  const nfd = '/Users/a/Fotos/Ka\u0308se'; // "Käse" as macOS writes it
  const nfc = '/Users/a/Fotos/K\u00e4se';

  it('Unicode normalisation: NFD and NFC name the same folder everywhere', () => {
    expect(samePath(nfd, nfc, 'darwin')).toBe(true);
    expect(samePath(nfd, nfc, 'linux')).toBe(true);
    expect(isInsidePath(nfd, `${nfc}/x.jpg`, 'darwin')).toBe(true);
  });

  it('letter case counts on Linux only', () => {
    expect(isInsidePath('/Users/a/Pictures', '/users/A/pictures/x.jpg', 'darwin')).toBe(true);
    expect(isInsidePath('C:\\Users\\a\\Pictures', 'c:\\users\\A\\PICTURES\\x.jpg', 'win32')).toBe(true);
    expect(isInsidePath('/home/a/Pictures', '/home/a/pictures/x.jpg', 'linux')).toBe(false);
    expect(pathKey('/A/B', 'linux')).toBe('/A/B');
  });

  it('siblings with a common prefix are not inside', () => {
    expect(isInsidePath('/p/photos', '/p/photos-old/x.jpg', 'linux')).toBe(false);
    expect(isInsidePath('/p/photos', '/p/photos/..foo', 'linux')).toBe(true);
    expect(isInsidePath('/p/photos', '/p/other', 'linux')).toBe(false);
  });
});

describe('checkInLibrary (real files)', () => {
  let tmp: string;
  let lib: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-real-'));
    lib = path.join(tmp, 'lib');
    mkdirSync(path.join(lib, 'sub'), { recursive: true });
    mkdirSync(path.join(tmp, 'out'));
    writeFileSync(path.join(lib, 'sub/a.jpg'), 'x');
    writeFileSync(path.join(tmp, 'out/b.jpg'), 'x');
    symlinkSync(path.join(tmp, 'out/b.jpg'), path.join(lib, 'file-link.jpg'));
    symlinkSync(path.join(tmp, 'out'), path.join(lib, 'dir-link'));
    symlinkSync(path.join(lib, 'sub'), path.join(lib, 'inner-link'));
    symlinkSync(lib, path.join(tmp, 'lib-alias'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a real file below the root passes, with its real path', async () => {
    expect(await checkInLibrary(path.join(lib, 'sub/a.jpg'), [lib])).toEqual({ ok: true, real: path.join(lib, 'sub/a.jpg') });
  });

  it('links are refused, whether they point out of the library or back into it', async () => {
    expect(await checkInLibrary(path.join(lib, 'file-link.jpg'), [lib])).toEqual({ ok: false, reason: 'link' });
    expect(await checkInLibrary(path.join(lib, 'dir-link/b.jpg'), [lib])).toEqual({ ok: false, reason: 'outside' });
    expect(await checkInLibrary(path.join(lib, 'inner-link/a.jpg'), [lib])).toEqual({ ok: false, reason: 'link' });
  });

  it('a root that is itself reached through a link is fine; missing and unrelated paths are not', async () => {
    expect((await checkInLibrary(path.join(tmp, 'lib-alias/sub/a.jpg'), [path.join(tmp, 'lib-alias')])).ok).toBe(true);
    expect(await checkInLibrary(path.join(lib, 'nope.jpg'), [lib])).toEqual({ ok: false, reason: 'missing' });
    expect(await checkInLibrary(path.join(tmp, 'out/b.jpg'), [lib])).toEqual({ ok: false, reason: 'outside' });
    expect(await checkInLibrary('relative/a.jpg', [lib])).toEqual({ ok: false, reason: 'outside' });
  });
});
