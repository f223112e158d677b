import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePhotoId, resolveMedia, type MediaSource } from '../../../main/shell-common/media.js';

let tmp: string;
let source: MediaSource;
const originals = new Map<number, string>();
const thumbs = new Map<number, string>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-media-'));
  const lib = path.join(tmp, 'library');
  const thumbDir = path.join(tmp, 'data', 'thumbnails');
  mkdirSync(path.join(lib, '子目录'), { recursive: true });
  mkdirSync(path.join(thumbDir, 'ab'), { recursive: true });
  mkdirSync(path.join(tmp, 'library-evil'));
  writeFileSync(path.join(lib, '子目录', '红.jpg'), 'JPEG');
  writeFileSync(path.join(thumbDir, 'ab', 'abcd.webp'), 'WEBP');
  writeFileSync(path.join(tmp, 'secret.jpg'), 'SECRET');
  writeFileSync(path.join(tmp, 'library-evil', 'x.jpg'), 'SECRET');
  writeFileSync(path.join(lib, 'notes.txt'), 'text');
  originals.set(1, path.join(lib, '子目录', '红.jpg'));
  originals.set(2, path.join(tmp, 'secret.jpg')); // a row pointing outside the library
  originals.set(3, path.join(lib, '..', 'secret.jpg'));
  originals.set(4, path.join(tmp, 'library-evil', 'x.jpg'));
  originals.set(5, path.join(lib, 'notes.txt'));
  originals.set(6, 'relative/红.jpg');
  originals.set(9, path.join(lib, 'gone.jpg'));
  originals.set(10, path.join(lib, '子目录'));
  thumbs.set(1, path.join(thumbDir, 'ab', 'abcd.webp'));
  thumbs.set(2, path.join(tmp, 'secret.jpg'));
  if (process.platform !== 'win32') {
    symlinkSync(path.join(tmp, 'secret.jpg'), path.join(lib, 'escape.jpg'));
    originals.set(7, path.join(lib, 'escape.jpg'));
    symlinkSync(path.join(tmp, 'secret.jpg'), path.join(thumbDir, 'ab', 'link.webp'));
    thumbs.set(7, path.join(thumbDir, 'ab', 'link.webp'));
    symlinkSync(path.join(lib, 'notes.txt'), path.join(lib, 'renamed.jpg'));
    originals.set(8, path.join(lib, 'renamed.jpg'));
  }
  source = {
    thumbnailPath: (id) => thumbs.get(id) ?? null,
    originalPath: (id) => originals.get(id) ?? null,
    previewPath: async () => null,
    previewRoot: path.join(thumbDir, 'no-previews'),
    thumbnailRoot: thumbDir,
    libraryRoots: async () => [lib],
  };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parsePhotoId', () => {
  it('accepts plain positive decimal integers only', () => {
    expect(parsePhotoId('1')).toBe(1);
    expect(parsePhotoId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ['0', '-1', '01', '1.0', '1e3', '0x10', ' 1', '1 ', '+1', '', '9007199254740993', '１', '1%00', '..', '../1', 'NaN', 1, null]) {
      expect(parsePhotoId(bad), String(bad)).toBeNull();
    }
  });
});

describe('resolveMedia', () => {
  it('serves the core\'s files for an id with the right type', async () => {
    expect(await resolveMedia(source, 'original', '1')).toMatchObject({ ok: true, contentType: 'image/jpeg', size: 4 });
    const t = await resolveMedia(source, 'thumb', '1');
    expect(t).toMatchObject({ ok: true, contentType: 'image/webp' });
    if (t.ok) expect(t.etag).toMatch(/^"thumb-1-/);
  });

  it('400 for ids that are not integers, 404 for unknown kinds and ids', async () => {
    for (const id of ['abc', '../../etc/passwd', '%2e%2e', '/etc/passwd', '1.5', '-1', '0']) {
      expect(await resolveMedia(source, 'original', id), id).toMatchObject({ ok: false, status: 400 });
    }
    expect(await resolveMedia(source, 'file', '1')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveMedia(source, '..', '1')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveMedia(source, 'original', '999')).toMatchObject({ ok: false, status: 404 });
  });

  it('never serves a file outside the library, even when the core names one', async () => {
    for (const id of ['2', '3', '4', '5', '6', '9', '10']) {
      expect(await resolveMedia(source, 'original', id), id).toMatchObject({ ok: false, status: 404 });
    }
    expect(await resolveMedia(source, 'thumb', '2')).toMatchObject({ ok: false, status: 404 });
  });

  it.skipIf(process.platform === 'win32')('refuses symlinks that escape, or that change the file type', async () => {
    expect(await resolveMedia(source, 'original', '7')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveMedia(source, 'thumb', '7')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveMedia(source, 'original', '8')).toMatchObject({ ok: false, status: 404 });
  });
});
