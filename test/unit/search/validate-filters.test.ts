// The shells' validator for SearchRequest.filters (HTTP bodies, IPC from the renderer).
import { describe, it, expect } from 'vitest';
import { validateApiArg, ValidationError } from '../../../main/shell-common/validate.js';

const search = (filters: unknown) => validateApiArg('search', { query: '', filters });

describe('search filters validation', () => {
  it('passes good filters through as a fresh object, canonicalising types', () => {
    expect(
      search({ from: '2024-01', to: '2024-12-31', folder: '/photos/trip', camera: 'canon', hasGps: true, bbox: [11, 43, 12, 44], types: ['JPG', 'png', 'jpeg'] }),
    ).toEqual({
      query: '',
      filters: { from: '2024-01', to: '2024-12-31', folder: '/photos/trip', camera: 'canon', hasGps: true, bbox: [11, 43, 12, 44], types: ['jpeg', 'png'] },
    });
    expect(validateApiArg('search', { query: 'x' })).toEqual({ query: 'x' });
    expect(search(null)).toEqual({ query: '' });
  });
  it('drops empty values', () => {
    expect(search({ from: '', camera: '', folder: '' })).toEqual({ query: '', filters: {} });
  });
  it('rejects unknown keys and bad values', () => {
    for (const bad of [
      { form: '2024' },
      { from: 'yesterday' },
      { to: '2024-02-30' },
      { folder: 'relative/path' },
      { camera: 42 },
      { hasGps: 'yes' },
      { bbox: [1, 2, 3] },
      { bbox: [0, 50, 1, 40] },
      { bbox: [0, 0, 200, 1] },
      { types: ['bmp'] },
      { types: 'jpeg' },
      [],
      'from=2024',
    ]) {
      expect(() => search(bad), JSON.stringify(bad)).toThrow(ValidationError);
    }
  });
  it('never lets prototype keys through', () => {
    expect(() => search(JSON.parse('{"__proto__": {"from": "2024"}}'))).toThrow(ValidationError);
  });
});
