// Filter parsing and the SQL they become, run against the real schema in an in-memory store.
import { describe, it, expect, beforeAll } from 'vitest';
import { Store } from '../../../main/core/store/index.js';
import { dateBound, parsePhotoType } from '../../../main/core/api-values.js';
import { filterSql, hasFilters } from '../../../main/core/search/filters.js';
import type { SearchFilters } from '../../../main/core/api.js';

describe('dateBound', () => {
  it('from is the start of the unit given', () => {
    expect(dateBound('2024', 'from')).toBe('2024-01-01T00:00:00');
    expect(dateBound('2024-05', 'from')).toBe('2024-05-01T00:00:00');
    expect(dateBound('2024-05-31T18:30', 'from')).toBe('2024-05-31T18:30:00');
  });
  it('to is the exclusive end of the unit given', () => {
    expect(dateBound('2024', 'to')).toBe('2025-01-01T00:00:00');
    expect(dateBound('2024-02', 'to')).toBe('2024-03-01T00:00:00');
    expect(dateBound('2024-12-31', 'to')).toBe('2025-01-01T00:00:00');
    expect(dateBound('2024-05-31 18:30:59', 'to')).toBe('2024-05-31T18:31:00');
  });
  it('refuses what is not a date', () => {
    expect(() => dateBound('yesterday', 'from')).toThrow(RangeError);
    expect(() => dateBound('2024-02-30', 'from')).toThrow(/not a valid date/);
    expect(() => dateBound('2024-13', 'to')).toThrow(RangeError);
  });
});

describe('parsePhotoType', () => {
  it('accepts names and common extensions', () => {
    expect(parsePhotoType('JPG')).toBe('jpeg');
    expect(parsePhotoType('.png')).toBe('png');
    expect(parsePhotoType('heif')).toBe('heic');
    expect(parsePhotoType('bmp')).toBeNull();
  });
});

describe('filterSql on the real schema', () => {
  let store: Store;
  beforeAll(() => {
    store = Store.open(':memory:');
    const folder = store.folders.add('/lib');
    const base = {
      folder_id: folder.id, size: 1, sha256: null, width: 1, height: 1, orientation: null, phash: null,
      has_thumb: 0, status: 'indexed' as const, error: null, indexed_at: 0,
    };
    const rows = [
      { path: '/lib/a.jpg', format: 'jpeg', taken_at: '2008-05-30T15:56:01', camera_make: 'Canon', camera_model: 'Canon EOS 40D', lat: null, lon: null, mtime_ms: 0 },
      { path: '/lib/trip/b.jpg', format: 'jpeg', taken_at: '2008-10-22T16:28:39', camera_make: 'NIKON', camera_model: 'COOLPIX P6000', lat: 43.46, lon: 11.88, mtime_ms: 0 },
      { path: '/lib/trip-2/c.png', format: 'png', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null, mtime_ms: Date.UTC(2024, 5, 1, 12) },
      { path: '/lib/fiji.jpg', format: 'jpeg', taken_at: '2019-01-01T10:00:00', camera_make: 'Apple', camera_model: 'iPhone X', lat: -17.7, lon: 179.5, mtime_ms: 0 },
    ];
    for (const r of rows) store.photos.upsert({ ...base, ...r });
  });

  const names = (f: SearchFilters) => {
    const sql = filterSql(f);
    return (store.db.prepare(`SELECT p.path FROM photos p WHERE ${sql.sql} ORDER BY p.path`).all(...sql.params) as { path: string }[]).map(
      (r) => r.path.split('/').pop(),
    ).sort();
  };

  it('no filters: every indexed photo, and not active', () => {
    expect(filterSql(undefined).active).toBe(false);
    expect(hasFilters({ camera: '  ' })).toBe(false);
    expect(names({})).toHaveLength(4);
  });
  it('a tag filter is active; a blank tag is no filter; without a tagging model no photo carries a tag', () => {
    expect(hasFilters({ tag: 'red' })).toBe(true);
    expect(hasFilters({ tag: ' ' })).toBe(false);
    expect(names({ tag: ' ' })).toHaveLength(4);
    expect(names({ tag: 'red' })).toEqual([]);
  });
  it('dates use the capture time, else the file time', () => {
    expect(names({ from: '2008-01-01', to: '2008-06-30' })).toEqual(['a.jpg']);
    expect(names({ from: '2008' , to: '2008' })).toEqual(['a.jpg', 'b.jpg']);
    expect(names({ from: '2024-06' })).toEqual(['c.png']);
  });
  it('folder matches the folder and below, not a sibling sharing a prefix', () => {
    expect(names({ folder: '/lib/trip' })).toEqual(['b.jpg']);
    expect(names({ folder: '/lib/trip/' })).toEqual(['b.jpg']);
    expect(() => filterSql({ folder: 'relative' })).toThrow(RangeError);
  });
  it('camera is a case-insensitive substring of make and model; LIKE wildcards are literal', () => {
    expect(names({ camera: 'eos 40' })).toEqual(['a.jpg']);
    expect(names({ camera: 'nikon coolpix' })).toEqual(['b.jpg']);
    expect(names({ camera: '%' })).toEqual([]);
  });
  it('GPS and bounding boxes, including one across the antimeridian', () => {
    expect(names({ hasGps: true })).toEqual(['b.jpg', 'fiji.jpg']);
    expect(names({ hasGps: false })).toEqual(['a.jpg', 'c.png']);
    expect(names({ bbox: [11, 43, 12, 44] })).toEqual(['b.jpg']);
    expect(names({ bbox: [179, -18, -179, -17] })).toEqual(['fiji.jpg']);
    expect(() => filterSql({ bbox: [0, 10, 1, 5] })).toThrow(RangeError);
  });
  it('types, with aliases', () => {
    expect(names({ types: ['png'] })).toEqual(['c.png']);
    expect(names({ types: ['jpg' as never, 'jpeg'] })).toEqual(['a.jpg', 'b.jpg', 'fiji.jpg']);
    expect(() => filterSql({ types: ['bmp' as never] })).toThrow(/unknown photo type/);
  });
  it('filters combine', () => {
    expect(names({ hasGps: true, from: '2010' })).toEqual(['fiji.jpg']);
  });
});
