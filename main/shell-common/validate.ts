// Argument validators shared by the shells that take calls from outside the process: the HTTP
// server (JSON bodies) and Electron's IPC (structured clones from the renderer). Both receive
// untrusted data, so each method's argument is checked here and rebuilt as a fresh object with
// only the known fields; nothing the caller sent is passed through to the core as-is.
import path from 'node:path';
import { API_METHODS, DUPLICATE_KINDS, type ApiMethod, type DuplicateKind, type KanjianApi } from '../core/api.js';
import { PHOTO_TYPES, type SearchFilters } from '../core/api.js';
import { dateBound, parsePhotoType } from '../core/search/filters.js';

/** The caller sent an argument of the wrong shape; shells answer 400 / reject the IPC call. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** What each method receives once validated. */
export type ApiArg<M extends ApiMethod> = Parameters<KanjianApi[M]> extends [infer A, ...unknown[]] ? A : undefined;

const METHOD_SET: ReadonlySet<string> = new Set(API_METHODS);

/** True for the names in API_METHODS only (never inherited names like `constructor`). */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && METHOD_SET.has(name);
}

export const LIMITS = {
  queryChars: 1000,
  pathChars: 4096,
  pageSize: 1000,
  /** Photos in one desktop action (trash, …). */
  batchIds: 10_000,
} as const;

type Fields = Record<string, unknown>;

function plainObject(v: unknown, what: string): Fields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(`${what} must be an object`);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw new ValidationError(`${what} must be a plain object`);
  return v as Fields;
}

/** Optional request object: undefined and null mean "no options". */
function optionsObject(v: unknown, what: string): Fields {
  return v === undefined || v === null ? {} : plainObject(v, what);
}

/** An own property only: `__proto__` or `constructor` never reach the core via the prototype chain. */
function field(o: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function intIn(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ValidationError(`${what} must be an integer`);
  if (v < min || v > max) throw new ValidationError(`${what} must be between ${min} and ${max}`);
  return v;
}

function optionalInt(o: Fields, key: string, what: string, min: number, max: number): number | undefined {
  const v = field(o, key);
  return v === undefined || v === null ? undefined : intIn(v, `${what}.${key}`, min, max);
}

/** Database ids are positive integers. */
export function photoId(v: unknown, what = 'id'): number {
  return intIn(v, what, 1, Number.MAX_SAFE_INTEGER);
}

export function photoIdList(v: unknown, what = 'ids'): number[] {
  if (!Array.isArray(v)) throw new ValidationError(`${what} must be an array of ids`);
  if (v.length === 0) throw new ValidationError(`${what} must not be empty`);
  if (v.length > LIMITS.batchIds) throw new ValidationError(`${what} may hold at most ${LIMITS.batchIds} ids`);
  return [...new Set(v.map((x, i) => photoId(x, `${what}[${i}]`)))];
}

function noArg(v: unknown, method: string): undefined {
  // `{}` is what the HTTP contract sends for "no argument"; anything with content is a mistake.
  if (v === undefined || v === null) return undefined;
  const o = plainObject(v, `${method}: argument`);
  if (Object.keys(o).length) throw new ValidationError(`${method} takes no argument`);
  return undefined;
}

/** A folder the user typed or picked: absolute, no NUL, sane length. */
export function folderPath(v: unknown, what = 'path'): string {
  if (typeof v !== 'string' || !v.trim()) throw new ValidationError(`${what} must be a non-empty string`);
  if (v.length > LIMITS.pathChars) throw new ValidationError(`${what} is too long`);
  if (v.includes('\0')) throw new ValidationError(`${what} must not contain NUL`);
  const p = v.trim();
  // A relative path would resolve against the server's working directory, which the user
  // cannot see; ask for the full path instead of guessing.
  if (!path.isAbsolute(p)) throw new ValidationError(`${what} must be an absolute folder path`);
  return p;
}

/** Registry ids: letters, digits, dot, dash, underscore (they name folders on disk). */
export function modelId(v: unknown, what = 'id'): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(v) || v.includes('..')) {
    throw new ValidationError(`${what} must be a model id (letters, digits, ".", "_", "-")`);
  }
  return v;
}

/** A tag name to filter by (English or Chinese), as typed: trimmed, short, no control characters. */
export function tagName(v: unknown, what = 'tag'): string {
  if (typeof v !== 'string' || !v.trim()) throw new ValidationError(`${what} must be a non-empty string`);
  if (v.length > 200) throw new ValidationError(`${what} is too long`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new ValidationError(`${what} must not contain control characters`);
  return v.trim();
}

function optionalTagWord(o: Fields, key: string, what: string): string | undefined {
  const v = field(o, key);
  if (v === undefined || v === null || v === '') return undefined;
  const word = tagName(v, `${what}.${key}`);
  if (word.length > 64) throw new ValidationError(`${what}.${key} must be at most 64 characters`);
  return word;
}

function optionalFinite(o: Fields, key: string, what: string, min: number, max: number): number | undefined {
  const v = field(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${what}.${key} must be a finite number`);
  if (v < min || v > max) throw new ValidationError(`${what}.${key} must be between ${min} and ${max}`);
  return v;
}

const FILTER_KEYS = new Set(['from', 'to', 'folder', 'camera', 'hasGps', 'bbox', 'types', 'tag']);

/** SearchRequest.filters: known keys only (a misspelt filter would silently widen a search). */
export function searchFilters(v: unknown): SearchFilters {
  const o = plainObject(v, 'search: filters');
  for (const key of Object.keys(o)) {
    if (!FILTER_KEYS.has(key)) throw new ValidationError(`search: unknown filter "${key.slice(0, 40)}"`);
  }
  const f: SearchFilters = {};
  for (const key of ['from', 'to'] as const) {
    const d = field(o, key);
    if (d === undefined || d === null || d === '') continue;
    if (typeof d !== 'string' || d.length > 40) throw new ValidationError(`search: filters.${key} must be a date string`);
    try {
      dateBound(d, key);
    } catch (e) {
      throw new ValidationError(`search: filters.${(e as Error).message}`);
    }
    f[key] = d;
  }
  const folder = field(o, 'folder');
  if (folder !== undefined && folder !== null && folder !== '') f.folder = folderPath(folder, 'search: filters.folder');
  const camera = field(o, 'camera');
  if (camera !== undefined && camera !== null && camera !== '') {
    if (typeof camera !== 'string' || camera.length > 200) throw new ValidationError('search: filters.camera must be a short string');
    f.camera = camera;
  }
  const hasGps = field(o, 'hasGps');
  if (hasGps !== undefined && hasGps !== null) {
    if (typeof hasGps !== 'boolean') throw new ValidationError('search: filters.hasGps must be true or false');
    f.hasGps = hasGps;
  }
  const bbox = field(o, 'bbox');
  if (bbox !== undefined && bbox !== null) {
    const ok =
      Array.isArray(bbox) && bbox.length === 4 && bbox.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
      Math.abs(bbox[0]) <= 180 && Math.abs(bbox[2]) <= 180 && Math.abs(bbox[1]) <= 90 && Math.abs(bbox[3]) <= 90 && bbox[1] <= bbox[3];
    if (!ok) throw new ValidationError('search: filters.bbox must be [minLon, minLat, maxLon, maxLat] in degrees');
    f.bbox = [bbox[0], bbox[1], bbox[2], bbox[3]];
  }
  const types = field(o, 'types');
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types) || types.length > PHOTO_TYPES.length * 2) throw new ValidationError('search: filters.types must be an array of photo types');
    f.types = [...new Set(types.map((t) => {
      const p = typeof t === 'string' ? parsePhotoType(t) : null;
      if (!p) throw new ValidationError(`search: filters.types: unknown photo type (known: ${PHOTO_TYPES.join(', ')})`);
      return p;
    }))];
  }
  const tag = field(o, 'tag');
  if (tag !== undefined && tag !== null && tag !== '') f.tag = tagName(tag, 'search: filters.tag');
  return f;
}

const validators: { [M in ApiMethod]: (arg: unknown) => ApiArg<M> } = {
  search(arg) {
    const o = plainObject(arg, 'search: request');
    const query = field(o, 'query');
    if (typeof query !== 'string') throw new ValidationError('search: query must be a string');
    if (query.length > LIMITS.queryChars) throw new ValidationError(`search: query is longer than ${LIMITS.queryChars} characters`);
    const limit = optionalInt(o, 'limit', 'search', 1, LIMITS.pageSize);
    const rawMin = field(o, 'minScore');
    let minScore: number | undefined;
    if (rawMin !== undefined && rawMin !== null) {
      if (typeof rawMin !== 'number' || !Number.isFinite(rawMin)) throw new ValidationError('search: minScore must be a finite number');
      minScore = rawMin;
    }
    const rawFilters = field(o, 'filters');
    const filters = rawFilters === undefined || rawFilters === null ? undefined : searchFilters(rawFilters);
    return {
      query,
      ...(limit !== undefined && { limit }),
      ...(minScore !== undefined && { minScore }),
      ...(filters !== undefined && { filters }),
    };
  },
  listPhotos(arg) {
    const o = optionsObject(arg, 'listPhotos: request');
    const folderId = optionalInt(o, 'folderId', 'listPhotos', 1, Number.MAX_SAFE_INTEGER);
    const offset = optionalInt(o, 'offset', 'listPhotos', 0, Number.MAX_SAFE_INTEGER);
    const limit = optionalInt(o, 'limit', 'listPhotos', 1, LIMITS.pageSize);
    const rawTag = field(o, 'tag');
    const tag = rawTag === undefined || rawTag === null ? undefined : tagName(rawTag, 'listPhotos.tag');
    return {
      ...(folderId !== undefined && { folderId }),
      ...(offset !== undefined && { offset }),
      ...(limit !== undefined && { limit }),
      ...(tag !== undefined && { tag }),
    };
  },
  getPhoto: (arg) => photoId(arg, 'getPhoto: id'),
  listFolders: (arg) => noArg(arg, 'listFolders'),
  addFolder: (arg) => folderPath(arg, 'addFolder: path'),
  removeFolder: (arg) => photoId(arg, 'removeFolder: id'),
  listFailed(arg) {
    const o = optionsObject(arg, 'listFailed: request');
    const folderId = optionalInt(o, 'folderId', 'listFailed', 1, Number.MAX_SAFE_INTEGER);
    const limit = optionalInt(o, 'limit', 'listFailed', 1, LIMITS.pageSize);
    return { ...(folderId !== undefined && { folderId }), ...(limit !== undefined && { limit }) };
  },
  getProgress: (arg) => noArg(arg, 'getProgress'),
  getModel: (arg) => noArg(arg, 'getModel'),
  getStats: (arg) => noArg(arg, 'getStats'),
  listModels: (arg) => noArg(arg, 'listModels'),
  downloadModel: (arg) => modelId(arg, 'downloadModel: id'),
  cancelDownload: (arg) => modelId(arg, 'cancelDownload: id'),
  useModel: (arg) => modelId(arg, 'useModel: id'),
  findDuplicates(arg) {
    const o = optionsObject(arg, 'findDuplicates: request');
    const rawKind = field(o, 'kind');
    let kind: DuplicateKind | undefined;
    if (rawKind !== undefined && rawKind !== null) {
      if (typeof rawKind !== 'string' || !(DUPLICATE_KINDS as readonly string[]).includes(rawKind)) {
        throw new ValidationError(`findDuplicates.kind must be one of ${DUPLICATE_KINDS.join(', ')}`);
      }
      kind = rawKind as DuplicateKind;
    }
    const folderId = optionalInt(o, 'folderId', 'findDuplicates', 1, Number.MAX_SAFE_INTEGER);
    const offset = optionalInt(o, 'offset', 'findDuplicates', 0, Number.MAX_SAFE_INTEGER);
    const limit = optionalInt(o, 'limit', 'findDuplicates', 1, LIMITS.pageSize);
    const maxDistance = optionalInt(o, 'maxDistance', 'findDuplicates', 0, 32);
    const minSimilarity = optionalFinite(o, 'minSimilarity', 'findDuplicates', 0, 1);
    return {
      ...(kind !== undefined && { kind }),
      ...(folderId !== undefined && { folderId }),
      ...(offset !== undefined && { offset }),
      ...(limit !== undefined && { limit }),
      ...(maxDistance !== undefined && { maxDistance }),
      ...(minSimilarity !== undefined && { minSimilarity }),
    };
  },
  dismissDuplicates(arg) {
    const o = plainObject(arg, 'dismissDuplicates: request');
    const photoIds = photoIdList(field(o, 'photoIds'), 'dismissDuplicates.photoIds');
    if (photoIds.length < 2) throw new ValidationError('dismissDuplicates.photoIds must name at least two photos');
    return { photoIds };
  },
  planTrash: (arg) => photoIdList(arg, 'planTrash: photoIds'),
  trashPhotos(arg) {
    const o = plainObject(arg, 'trashPhotos: request');
    const photoIds = photoIdList(field(o, 'photoIds'), 'trashPhotos.photoIds');
    const confirmToken = field(o, 'confirmToken');
    if (typeof confirmToken !== 'string' || !/^[0-9a-f]{16,128}$/.test(confirmToken)) {
      throw new ValidationError('trashPhotos.confirmToken must be the token planTrash returned');
    }
    return { photoIds, confirmToken };
  },
  photoTags: (arg) => photoId(arg, 'photoTags: id'),
  folderTags: (arg) => photoId(arg, 'folderTags: id'),
  listTags(arg) {
    const o = optionsObject(arg, 'listTags: request');
    const rawQuery = field(o, 'query');
    const query = rawQuery === undefined || rawQuery === null || rawQuery === '' ? undefined : tagName(rawQuery, 'listTags.query');
    const limit = optionalInt(o, 'limit', 'listTags', 1, LIMITS.pageSize);
    return { ...(query !== undefined && { query }), ...(limit !== undefined && { limit }) };
  },
  addCustomTag(arg) {
    const o = plainObject(arg, 'addCustomTag: request');
    const en = optionalTagWord(o, 'en', 'addCustomTag');
    const zh = optionalTagWord(o, 'zh', 'addCustomTag');
    if (!en && !zh) throw new ValidationError('addCustomTag needs an English or a Chinese name (or both)');
    return { ...(en !== undefined && { en }), ...(zh !== undefined && { zh }) };
  },
  removeCustomTag: (arg) => photoId(arg, 'removeCustomTag: id'),
};

/** Checks `arg` for `method` and returns a clean copy to hand to the core. */
export function validateApiArg<M extends ApiMethod>(method: M, arg: unknown): ApiArg<M> {
  if (!isApiMethod(method)) throw new ValidationError(`unknown method`);
  return (validators[method] as (a: unknown) => ApiArg<M>)(arg);
}

/** Calls `method` on `api` with a validated argument: the one way shells reach the core. */
export async function callApi(api: KanjianApi, method: ApiMethod, arg: unknown): Promise<unknown> {
  const clean = validateApiArg(method, arg);
  const fn = api[method] as (a: unknown) => Promise<unknown>;
  return fn.call(api, clean);
}
