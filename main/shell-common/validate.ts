// Argument validators shared by the shells that take calls from outside the process: the HTTP
// server (JSON bodies) and Electron's IPC (structured clones from the renderer). Both receive
// untrusted data, so each method's argument is checked here and rebuilt as a fresh object with
// only the known fields; nothing the caller sent is passed through to the core as-is.
import path from 'node:path';
import { API_METHODS, type ApiMethod, type KanjianApi } from '../core/api.js';

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
    return { query, ...(limit !== undefined && { limit }), ...(minScore !== undefined && { minScore }) };
  },
  listPhotos(arg) {
    const o = optionsObject(arg, 'listPhotos: request');
    const folderId = optionalInt(o, 'folderId', 'listPhotos', 1, Number.MAX_SAFE_INTEGER);
    const offset = optionalInt(o, 'offset', 'listPhotos', 0, Number.MAX_SAFE_INTEGER);
    const limit = optionalInt(o, 'limit', 'listPhotos', 1, LIMITS.pageSize);
    return {
      ...(folderId !== undefined && { folderId }),
      ...(offset !== undefined && { offset }),
      ...(limit !== undefined && { limit }),
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
