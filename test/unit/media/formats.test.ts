import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isClutterName, isIgnoredPath, isPhotoPath, photoFormatFromPath } from '../../../main/core/media/formats.js';

describe('photoFormatFromPath / isPhotoPath', () => {
  it.each([
    ['a.jpg', 'jpeg'],
    ['a.JPEG', 'jpeg'],
    ['a.Jpe', 'jpeg'],
    ['a.png', 'png'],
    ['a.webp', 'webp'],
    ['a.AVIF', 'avif'],
    ['a.gif', 'gif'],
    ['a.tif', 'tiff'],
    ['a.TIFF', 'tiff'],
    ['IMG_0001.HEIC', 'heic'],
    ['a.heif', 'heic'],
    ['/photos/旅行 2024/照片 🙂 "best".jpg', 'jpeg'],
  ])('%s → %s', (name, format) => {
    expect(photoFormatFromPath(name)).toBe(format);
    expect(isPhotoPath(name)).toBe(true);
  });

  it.each(['a.txt', 'a.jpg.part', 'a.mov', 'a.svg', 'a.pdf', 'jpg', 'a.', 'README'])('%s is not a photo', (name) => {
    expect(photoFormatFromPath(name)).toBeNull();
    expect(isPhotoPath(name)).toBe(false);
  });

  it('refuses AppleDouble and hidden files even with a photo extension', () => {
    expect(isPhotoPath('/p/._IMG_0001.JPG')).toBe(false);
    expect(isPhotoPath('/p/.hidden.jpg')).toBe(false);
  });
});

describe('isClutterName', () => {
  it.each(['.DS_Store', '._IMG_0001.jpg', 'Thumbs.db', 'thumbs.db', 'desktop.ini', 'Desktop.ini', '@eaDir', '$RECYCLE.BIN', '.Trash-1000', '.git', '.thumbnails', '#recycle'])(
    '%s is clutter',
    (name) => expect(isClutterName(name)).toBe(true),
  );
  it.each(['IMG_0001.jpg', '2024 Holiday', '照片', 'eaDir', 'Thumbs.db.jpg', 'photo.DS_Store', ''])('%s is not clutter', (name) =>
    expect(isClutterName(name)).toBe(false),
  );
});

describe('isIgnoredPath', () => {
  const root = path.resolve('/library/Photos');
  const under = (...parts: string[]) => path.join(root, ...parts);

  it('keeps ordinary paths below the root', () => {
    expect(isIgnoredPath(root, under('2024', 'IMG_1.jpg'))).toBe(false);
    expect(isIgnoredPath(root, under('旅行', '照片 🙂.heic'))).toBe(false);
    expect(isIgnoredPath(root, root)).toBe(false);
  });

  it('ignores anything under a clutter or hidden folder, at any depth', () => {
    expect(isIgnoredPath(root, under('2024', '@eaDir', 'IMG_1.jpg', 'SYNOPHOTO_THUMB_XL.jpg'))).toBe(true);
    expect(isIgnoredPath(root, under('.Trash-1000', 'files', 'a.jpg'))).toBe(true);
    expect(isIgnoredPath(root, under('$RECYCLE.BIN', 'S-1-5', 'a.jpg'))).toBe(true);
    expect(isIgnoredPath(root, under('a', '.DS_Store'))).toBe(true);
    expect(isIgnoredPath(root, under('a', '._b.jpg'))).toBe(true);
  });

  it('only judges segments below the root: a hidden root is still the user’s choice', () => {
    const hiddenRoot = path.resolve('/home/me/.photos');
    expect(isIgnoredPath(hiddenRoot, path.join(hiddenRoot, 'a.jpg'))).toBe(false);
  });

  it('treats paths outside the root as ignored', () => {
    expect(isIgnoredPath(root, path.resolve('/library/Other/a.jpg'))).toBe(true);
    expect(isIgnoredPath(root, path.resolve('/library/Photos-2/a.jpg'))).toBe(true);
  });
});
