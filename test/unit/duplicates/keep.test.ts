import { describe, expect, it } from 'vitest';
import { chooseKeeper, type KeepCandidate } from '../../../main/core/duplicates/keep.js';

const base: KeepCandidate = {
  id: 1,
  path: '/p/original.jpg',
  width: 4000,
  height: 3000,
  format: 'jpeg',
  size: 3_000_000,
  hasExif: true,
  takenAt: '2024-05-01T10:00:00',
  mtimeMs: Date.parse('2024-05-01T10:00:00Z'),
};
const copy = (over: Partial<KeepCandidate>): KeepCandidate => ({ ...base, ...over });

describe('keep-best', () => {
  it('prefers higher resolution and says so', () => {
    const d = chooseKeeper([copy({ id: 2, width: 2000, height: 1500, size: 9_000_000 }), base]);
    expect(d.keepId).toBe(1);
    expect(d.rule).toBe('resolution');
    expect(d.keepReason).toMatch(/highest resolution: 4000×3000/);
    expect(d.otherReasons.get(2)).toMatch(/lower resolution \(2000×1500\)/);
  });

  it('prefers the camera format over a PNG/WebP re-save of the same size, even when larger', () => {
    const d = chooseKeeper([copy({ id: 2, format: 'png', size: 20_000_000, hasExif: false }), copy({ id: 3, format: 'webp', size: 500_000 }), base]);
    expect(d.keepId).toBe(1);
    expect(d.rule).toBe('format');
    expect(d.keepReason).toMatch(/original camera format \(JPEG\).*PNG\/WebP/);
    expect(d.otherReasons.get(2)).toMatch(/PNG re-save of a JPEG original/);
  });

  it('prefers the copy with EXIF over a stripped re-encode, then the larger file', () => {
    const stripped = copy({ id: 2, hasExif: false, takenAt: null, size: 3_500_000 });
    expect(chooseKeeper([stripped, base])).toMatchObject({ keepId: 1, rule: 'exif' });
    const smaller = copy({ id: 3, size: 1_000_000 });
    const d = chooseKeeper([smaller, base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'size' });
    expect(d.keepReason).toMatch(/largest file at the same resolution \(3\.0 MB vs 1\.0 MB\)/);
  });

  it('then the earliest date taken, then the oldest file, then the path', () => {
    expect(chooseKeeper([copy({ id: 2, takenAt: '2024-05-02T10:00:00' }), base])).toMatchObject({ keepId: 1, rule: 'taken' });
    const d = chooseKeeper([copy({ id: 2, path: '/p/a.jpg', mtimeMs: base.mtimeMs + 1000 }), base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'mtime' });
    expect(d.keepReason).toMatch(/identical; kept the oldest copy/);
    expect(chooseKeeper([copy({ id: 2, path: '/p/a.jpg' }), base])).toMatchObject({ keepId: 2, rule: 'path' });
    // "IMG_1 (1).jpg" sorts before "IMG_1.jpg" but is the copy: the shorter name wins.
    const named = chooseKeeper([copy({ id: 2, path: '/p/IMG_1 (1).jpg' }), copy({ path: '/p/IMG_1.jpg' })]);
    expect(named).toMatchObject({ keepId: 1, rule: 'path' });
    expect(named.keepReason).toMatch(/shortest name/);
  });

  it('words similar shots as different photos, not copies', () => {
    const d = chooseKeeper([copy({ id: 2, format: 'png' }), base], { shots: true });
    expect(d.keepReason).not.toMatch(/re-save/);
    expect(d.otherReasons.get(2)).toMatch(/PNG, not a camera format/);
  });

  it('does not let an unknown value decide', () => {
    // Unknown size of one photo: resolution cannot judge, the next rule decides.
    const d = chooseKeeper([copy({ id: 2, width: null, height: null, format: 'png' }), base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'format' });
  });
});
