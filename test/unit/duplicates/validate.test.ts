// What the HTTP and Electron shells let through to the duplicates API.
import { describe, expect, it } from 'vitest';
import { ValidationError, validateApiArg } from '../../../main/shell-common/validate.js';

describe('duplicates API arguments', () => {
  it('findDuplicates: known kinds, bounded numbers, nothing else', () => {
    expect(validateApiArg('findDuplicates', {})).toEqual({});
    expect(validateApiArg('findDuplicates', undefined)).toEqual({});
    expect(validateApiArg('findDuplicates', { kind: 'near', limit: 10, maxDistance: 6, minSimilarity: 0.95, extra: 1 })).toEqual({
      kind: 'near',
      limit: 10,
      maxDistance: 6,
      minSimilarity: 0.95,
    });
    expect(() => validateApiArg('findDuplicates', { kind: 'fuzzy' })).toThrow(ValidationError);
    expect(() => validateApiArg('findDuplicates', { maxDistance: 40 })).toThrow(/between 0 and 32/);
    expect(() => validateApiArg('findDuplicates', { minSimilarity: Number.NaN })).toThrow(ValidationError);
  });

  it('dismissDuplicates needs two or more photo ids', () => {
    expect(validateApiArg('dismissDuplicates', { photoIds: [3, 1, 3] })).toEqual({ photoIds: [3, 1] });
    expect(() => validateApiArg('dismissDuplicates', { photoIds: [1] })).toThrow(/at least two/);
    expect(() => validateApiArg('dismissDuplicates', { photoIds: ['1', 2] })).toThrow(ValidationError);
  });

  it('trash: a plan takes ids; trashing takes ids and the plan’s token', () => {
    expect(validateApiArg('planTrash', { photoIds: [1, 2] })).toEqual({ photoIds: [1, 2] });
    expect(validateApiArg('planTrash', { photoIds: [1], allowLastCopy: true })).toEqual({ photoIds: [1], allowLastCopy: true });
    expect(validateApiArg('planTrash', { photoIds: [1], allowLastCopy: false })).toEqual({ photoIds: [1], allowLastCopy: false });
    expect(() => validateApiArg('planTrash', { photoIds: [1], allowLastCopy: 'yes' })).toThrow(/allowLastCopy/);
    expect(() => validateApiArg('planTrash', { photoIds: [] })).toThrow(/must not be empty/);
    expect(() => validateApiArg('planTrash', [1, 2])).toThrow(/object/);
    const token = 'ab'.repeat(16);
    expect(validateApiArg('trashPhotos', { photoIds: [5], confirmToken: token })).toEqual({ photoIds: [5], confirmToken: token });
    expect(() => validateApiArg('trashPhotos', { photoIds: [5] })).toThrow(/confirmToken/);
    expect(() => validateApiArg('trashPhotos', { photoIds: [5], confirmToken: 'yes' })).toThrow(/confirmToken/);
  });
});

describe('tags API arguments', () => {
  it('custom tags need a short name in at least one language', () => {
    expect(validateApiArg('addCustomTag', { zh: ' 外婆家 ' })).toEqual({ zh: '外婆家' });
    expect(validateApiArg('addCustomTag', { en: 'Grandma', zh: '' })).toEqual({ en: 'Grandma' });
    expect(() => validateApiArg('addCustomTag', {})).toThrow(/English or a Chinese name/);
    expect(() => validateApiArg('addCustomTag', { en: 'x'.repeat(65) })).toThrow(/at most 64/);
    expect(() => validateApiArg('addCustomTag', { en: 'a\u0000b' })).toThrow(/control characters/);
  });

  it('tag filters and look-ups', () => {
    expect(validateApiArg('listPhotos', { tag: ' 海滩 ', limit: 5 })).toEqual({ tag: '海滩', limit: 5 });
    expect(() => validateApiArg('listPhotos', { tag: '' })).toThrow(ValidationError);
    expect(validateApiArg('listTags', { query: 'sun' })).toEqual({ query: 'sun' });
    expect(validateApiArg('photoTags', 7)).toBe(7);
    expect(() => validateApiArg('folderTags', 'x')).toThrow(ValidationError);
    expect(validateApiArg('removeCustomTag', 2)).toBe(2);
  });
});
