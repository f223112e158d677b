import { describe, expect, it } from 'vitest';
import { API_METHODS, type KanjianApi } from '../../../main/core/api.js';
import {
  callApi,
  folderPath,
  isApiMethod,
  LIMITS,
  photoIdList,
  validateApiArg,
  ValidationError,
} from '../../../main/shell-common/validate.js';

const abs = process.platform === 'win32' ? 'C:\\Photos' : '/home/me/Photos';

describe('isApiMethod', () => {
  it('accepts exactly the API methods', () => {
    for (const m of API_METHODS) expect(isApiMethod(m)).toBe(true);
    for (const bad of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'close', 'onEvent', 'thumbnailPath', '', 'SEARCH', 1, null, undefined]) {
      expect(isApiMethod(bad)).toBe(false);
    }
  });
});

describe('validateApiArg', () => {
  const bad = (m: Parameters<typeof validateApiArg>[0], arg: unknown) => expect(() => validateApiArg(m, arg)).toThrow(ValidationError);

  it('search: needs a string query, bounded limit, finite minScore; drops unknown fields', () => {
    expect(validateApiArg('search', { query: '红色' })).toEqual({ query: '红色' });
    expect(validateApiArg('search', { query: 'red', limit: 10, minScore: 0.2, evil: 1 })).toEqual({ query: 'red', limit: 10, minScore: 0.2 });
    expect(validateApiArg('search', { query: '', limit: null })).toEqual({ query: '' });
    bad('search', undefined);
    bad('search', null);
    bad('search', 'red');
    bad('search', ['red']);
    bad('search', {});
    bad('search', { query: 5 });
    bad('search', { query: 'x'.repeat(LIMITS.queryChars + 1) });
    bad('search', { query: 'red', limit: 0 });
    bad('search', { query: 'red', limit: 1.5 });
    bad('search', { query: 'red', limit: '10' });
    bad('search', { query: 'red', limit: LIMITS.pageSize + 1 });
    bad('search', { query: 'red', minScore: Number.NaN });
    bad('search', { query: 'red', minScore: Infinity });
    bad('search', { query: 'red', minScore: '0.1' });
  });

  it('never reads fields through the prototype chain', () => {
    const polluted = JSON.parse('{"__proto__": {"query": "x"}}');
    bad('search', polluted);
    const withProto = Object.create({ query: 'inherited' });
    bad('search', withProto);
    class Req {
      query = 'red';
    }
    bad('search', new Req());
  });

  it('listPhotos / listFailed: optional paging fields', () => {
    expect(validateApiArg('listPhotos', undefined)).toEqual({});
    expect(validateApiArg('listPhotos', {})).toEqual({});
    expect(validateApiArg('listPhotos', { folderId: 2, offset: 0, limit: 50, x: 1 })).toEqual({ folderId: 2, offset: 0, limit: 50 });
    bad('listPhotos', { folderId: 0 });
    bad('listPhotos', { folderId: -1 });
    bad('listPhotos', { offset: -1 });
    bad('listPhotos', { limit: 100000 });
    bad('listPhotos', { folderId: '1' });
    bad('listPhotos', 7);
    expect(validateApiArg('listFailed', { folderId: 1, limit: 5 })).toEqual({ folderId: 1, limit: 5 });
    expect(validateApiArg('listFailed', null)).toEqual({});
    bad('listFailed', { limit: -3 });
  });

  it('getPhoto / removeFolder: a positive safe integer', () => {
    expect(validateApiArg('getPhoto', 12)).toBe(12);
    expect(validateApiArg('removeFolder', 1)).toBe(1);
    for (const v of [0, -1, 1.5, '12', null, undefined, {}, [1], Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      bad('getPhoto', v);
      bad('removeFolder', v);
    }
  });

  it('addFolder: a path string without NUL (the core expands ~ and refuses relative paths with its own code)', () => {
    expect(validateApiArg('addFolder', abs)).toBe(abs);
    expect(validateApiArg('addFolder', `  ${abs}  `)).toBe(abs);
    expect(validateApiArg('addFolder', '~/Pictures')).toBe('~/Pictures');
    for (const v of ['', '   ', `${abs}\0/etc`, 5, null, { path: abs }, 'x'.repeat(LIMITS.pathChars + 1)]) bad('addFolder', v);
  });

  it('no-argument methods take nothing, null or {}', () => {
    for (const m of ['listFolders', 'getProgress', 'getModel', 'getStats'] as const) {
      expect(validateApiArg(m, undefined)).toBeUndefined();
      expect(validateApiArg(m, null)).toBeUndefined();
      expect(validateApiArg(m, {})).toBeUndefined();
      bad(m, { a: 1 });
      bad(m, 'x');
      bad(m, [1]);
    }
  });

  it('rejects unknown methods', () => {
    expect(() => validateApiArg('close' as never, undefined)).toThrow(ValidationError);
  });
});

describe('desktop argument validators', () => {
  it('photoIdList: non-empty, bounded, deduplicated', () => {
    expect(photoIdList([3, 1, 3])).toEqual([3, 1]);
    expect(() => photoIdList([])).toThrow(ValidationError);
    expect(() => photoIdList([1, '2'])).toThrow(ValidationError);
    expect(() => photoIdList('1')).toThrow(ValidationError);
    expect(() => photoIdList(new Array(LIMITS.batchIds + 1).fill(1))).toThrow(ValidationError);
  });
  it('folderPath refuses relative paths', () => {
    expect(() => folderPath('Photos')).toThrow(/absolute/);
  });
});

describe('callApi', () => {
  it('passes the cleaned argument to the method, with `this` bound', async () => {
    const seen: unknown[] = [];
    const api = {
      marker: 'me',
      async search(this: { marker: string }, req: unknown) {
        seen.push(this.marker, req);
        return { results: [], tookMs: 0 };
      },
    } as unknown as KanjianApi;
    await callApi(api, 'search', { query: 'red', extra: true });
    expect(seen).toEqual(['me', { query: 'red' }]);
    await expect(callApi(api, 'search', { query: 1 })).rejects.toBeInstanceOf(ValidationError);
  });
});
