// Argument validation shared by the shells that take calls from outside the process: the HTTP
// server (JSON bodies) and Electron's IPC (structured clones from the renderer). Both receive
// untrusted data, so each method's argument is parsed with its schema (main/core/api-schemas.ts)
// into a fresh value holding only the known fields; nothing the caller sent reaches the core as-is.
import * as v from 'valibot';
import { API_METHODS, type ApiArg, type ApiMethod, type KanjianApi } from '../core/api.js';
import { API_REQUESTS, FolderPathSchema, IdListSchema, IdSchema } from '../core/api-schemas.js';

export { LIMITS } from '../core/api-values.js';

/** The caller sent an argument of the wrong shape; shells answer 400 / reject the IPC call. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export type { ApiArg };

const METHOD_SET: ReadonlySet<string> = new Set(API_METHODS);

/** True for the names in API_METHODS only (never inherited names like `constructor`). */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && METHOD_SET.has(name);
}

/** "search: filters.bbox: must be [minLon, …]" — where in the argument, and what is wrong. */
function describe(what: string, issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  const at = v.getDotPath(issue);
  return `${what}${at ? `.${at}` : ''}: ${issue.message}`;
}

/** Parses `value` with `schema` or throws ValidationError naming `what` and the issue. */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortEarly: true });
  if (!r.success) throw new ValidationError(describe(what, r.issues));
  return r.output;
}

/** Database ids are positive integers. */
export function photoId(value: unknown, what = 'id'): number {
  return parseWith(IdSchema, value, what);
}

export function photoIdList(value: unknown, what = 'ids'): number[] {
  return parseWith(IdListSchema, value, what);
}

/** A folder the user typed or picked: absolute, no NUL, sane length. */
export function folderPath(value: unknown, what = 'path'): string {
  return parseWith(FolderPathSchema, value, what);
}

/** Checks `arg` for `method` and returns a clean copy to hand to the core. */
export function validateApiArg<M extends ApiMethod>(method: M, arg: unknown): ApiArg<M> {
  if (!isApiMethod(method)) throw new ValidationError(`unknown method`);
  return parseWith(API_REQUESTS[method], arg, method) as ApiArg<M>;
}

/** Calls `method` on `api` with a validated argument: the one way shells reach the core. */
export async function callApi(api: KanjianApi, method: ApiMethod, arg: unknown): Promise<unknown> {
  const clean = validateApiArg(method, arg);
  const fn = api[method] as (a: unknown) => Promise<unknown>;
  return fn.call(api, clean);
}
