import { describe, expect, it } from 'vitest';
import { chooseKeeper, rankCandidates, type KeepCandidate } from '../../../main/core/duplicates/keep.js';
import { reasonText } from '../../../main/cli/commands/duplicate-reasons.js';

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
  it('prefers higher resolution and gives the facts as data', () => {
    const d = chooseKeeper([copy({ id: 2, width: 2000, height: 1500, size: 9_000_000 }), base]);
    expect(d.keepId).toBe(1);
    expect(d.rule).toBe('resolution');
    expect(d.keepReason).toEqual({ rule: 'resolution', params: { width: 4000, height: 3000, keptWidth: 4000, keptHeight: 3000 } });
    expect(d.otherReasons.get(2)).toEqual({ rule: 'resolution', params: { width: 2000, height: 1500, keptWidth: 4000, keptHeight: 3000 } });
    expect(reasonText(d.otherReasons.get(2)!, false)).toBe('lower resolution (2000×1500) than the kept photo (4000×3000)');
  });

  it('prefers the camera format over a PNG/WebP re-save of the same size, even when larger', () => {
    const d = chooseKeeper([copy({ id: 2, format: 'png', size: 20_000_000, hasExif: false }), copy({ id: 3, format: 'webp', size: 500_000 }), base]);
    expect(d.keepId).toBe(1);
    expect(d.rule).toBe('format');
    expect(d.otherReasons.get(2)).toEqual({ rule: 'format', params: { format: 'png', keptFormat: 'jpeg' } });
    expect(reasonText(d.otherReasons.get(2)!, false)).toBe('PNG re-save of a JPEG original');
    // Similar shots are different pictures: no re-save wording.
    expect(reasonText(d.otherReasons.get(2)!, false, true)).toBe('PNG, not a camera format');
  });

  it('prefers the copy with EXIF over a stripped re-encode, then the larger file', () => {
    const stripped = copy({ id: 2, hasExif: false, takenAt: null, size: 3_500_000 });
    expect(chooseKeeper([stripped, base])).toMatchObject({ keepId: 1, rule: 'exif' });
    const smaller = copy({ id: 3, size: 1_000_000 });
    const d = chooseKeeper([smaller, base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'size' });
    expect(d.otherReasons.get(3)).toEqual({ rule: 'size', params: { bytes: 1_000_000, keptBytes: 3_000_000 } });
  });

  it('then the earliest date taken, then the oldest file, then the path', () => {
    expect(chooseKeeper([copy({ id: 2, takenAt: '2024-05-02T10:00:00' }), base])).toMatchObject({ keepId: 1, rule: 'taken' });
    const d = chooseKeeper([copy({ id: 2, path: '/p/a.jpg', mtimeMs: base.mtimeMs + 1000 }), base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'mtime' });
    expect(reasonText(d.keepReason, true)).toMatch(/identical; kept the oldest copy/);
    expect(chooseKeeper([copy({ id: 2, path: '/p/a.jpg' }), base])).toMatchObject({ keepId: 2, rule: 'path' });
    // "IMG_1 (1).jpg" sorts before "IMG_1.jpg" but is the copy: the shorter name wins.
    const named = chooseKeeper([copy({ id: 2, path: '/p/IMG_1 (1).jpg' }), copy({ path: '/p/IMG_1.jpg' })]);
    expect(named).toMatchObject({ keepId: 1, rule: 'path' });
    expect(named.otherReasons.get(2)).toEqual({ rule: 'path', params: { keptName: 'IMG_1.jpg' } });
  });

  it('does not let an unknown value decide', () => {
    // Unknown size of one photo: resolution cannot judge, the next rule decides.
    const d = chooseKeeper([copy({ id: 2, width: null, height: null, format: 'png' }), base]);
    expect(d).toMatchObject({ keepId: 1, rule: 'format' });
  });

  it('ranks every member, so a marked keeper hands over to the next best', () => {
    const small = copy({ id: 2, width: 2000, height: 1500 });
    const png = copy({ id: 3, format: 'png' });
    const tiny = copy({ id: 4, width: 1000, height: 750 });
    expect(rankCandidates([tiny, small, png, base])).toEqual([1, 3, 2, 4]);
  });
});
