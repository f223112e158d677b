// The API's requests as valibot schemas: the one description of what each method takes. The
// argument types of KanjianApi (api.ts) are inferred from these, and the shells that take calls
// from outside the process (HTTP, Electron IPC) parse every argument with them
// (shell-common/validate.ts), so a method cannot exist without its schema.
//
// Browser-safe on purpose (no Node imports): api.ts imports its types from here and the
// renderer type-checks api.ts.
import * as v from 'valibot';

import {
  dateBound,
  DUPLICATE_KINDS,
  LIBRARY_SORTS,
  LIMITS,
  parsePhotoType,
  PHOTO_TYPES,
  type PhotoType,
  TIMELINE_GRANULARITIES,
} from './api-values.js';

/** POSIX '/…', Windows 'C:\…' or '\\server\share' (Node's path module is not available here). */
function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

// ---- building blocks ----

/**
 * Only plain objects: a class instance or an object with a custom prototype could hand the
 * core fields through its prototype chain.
 */
const plainObject = v.custom<Record<string, unknown>>((x) => {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}, 'must be a plain object');

/** Drops keys whose value is undefined, so the core gets exactly the fields that were given. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}

/** A request object: known keys kept (others dropped), fresh object out. */
function request<E extends v.ObjectEntries>(entries: E) {
  return v.pipe(plainObject, v.object(entries), v.transform(compact));
}

/** An optional request object: undefined and null mean "no options". */
function options<E extends v.ObjectEntries>(entries: E) {
  return v.pipe(
    v.nullish(v.pipe(plainObject, v.object(entries))),
    v.transform((o) => compact(o ?? ({} as v.InferOutput<v.ObjectSchema<E, undefined>>))),
  );
}

/** A field that may be missing or null (both mean absent). */
function opt<S extends v.GenericSchema>(schema: S) {
  return v.optional(v.pipe(v.nullable(schema), v.transform((x) => (x === null ? undefined : x))));
}

/** A text field where '' also means absent (forms send empty fields). */
function optText<S extends v.GenericSchema<string, unknown>>(schema: S) {
  return v.optional(
    v.pipe(
      v.unknown(),
      v.transform((x) => (x === null || x === '' ? undefined : x)),
      v.optional(schema),
    ),
  );
}

const int = (min: number, max: number) =>
  v.pipe(
    v.number('must be an integer'),
    v.safeInteger('must be an integer'),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`),
  );

const finite = (min = -Infinity, max = Infinity) =>
  v.pipe(
    v.number('must be a finite number'),
    v.finite('must be a finite number'),
    v.minValue(min, `must be between ${min} and ${max}`),
    v.maxValue(max, `must be between ${min} and ${max}`),
  );

/** Database ids are positive integers. */
export const IdSchema = int(1, Number.MAX_SAFE_INTEGER);

export const IdListSchema = v.pipe(
  v.array(IdSchema, 'must be an array of ids'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(LIMITS.batchIds, `may hold at most ${LIMITS.batchIds} ids`),
  v.transform((ids) => [...new Set(ids)]),
);

/** A folder the user typed or picked: absolute, no NUL, sane length. */
export const FolderPathSchema = v.pipe(
  v.string('must be a non-empty string'),
  v.maxLength(LIMITS.pathChars, 'is too long'),
  v.check((p) => !p.includes('\0'), 'must not contain NUL'),
  v.trim(),
  v.nonEmpty('must be a non-empty string'),
  // A relative path would resolve against the server's working directory, which the user
  // cannot see; ask for the full path instead of guessing.
  v.check(isAbsolutePath, 'must be an absolute folder path'),
);

/**
 * A path the core expands and checks itself ('~/Pictures'; a relative one it refuses with
 * folder.relative): only its shape is checked here, so the user gets the core's specific code.
 */
export const UserPathSchema = v.pipe(
  v.string('must be a non-empty string'),
  v.maxLength(LIMITS.pathChars, 'is too long'),
  v.check((p) => !p.includes('\0'), 'must not contain NUL'),
  v.trim(),
  v.nonEmpty('must be a non-empty string'),
);

/** Registry ids: letters, digits, dot, dash, underscore (they name folders on disk). */
export const ModelIdSchema = v.pipe(
  v.string('must be a model id'),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a model id (letters, digits, ".", "_", "-")'),
  v.check((s) => !s.includes('..'), 'must be a model id (letters, digits, ".", "_", "-")'),
);

/** A tag name (English or Chinese), as typed: trimmed, short, no control characters. */
const TagNameSchema = v.pipe(
  v.string('must be a non-empty string'),
  v.maxLength(200, 'is too long'),
  // eslint-disable-next-line no-control-regex
  v.check((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
  v.trim(),
  v.nonEmpty('must be a non-empty string'),
);

const TagWordSchema = v.pipe(TagNameSchema, v.maxLength(64, 'must be at most 64 characters'));

const DateSchema = (which: 'from' | 'to') =>
  v.pipe(
    v.string('must be a date string'),
    v.maxLength(40, 'must be a date string'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      try {
        dateBound(dataset.value, which);
      } catch (e) {
        addIssue({ message: (e as Error).message });
      }
    }),
  );

/** "No argument": nothing, null, or `{}` (what the HTTP contract sends for none). */
const NoArgSchema = v.pipe(
  v.union(
    [v.undefined(), v.null(), v.pipe(plainObject, v.check((o) => Object.keys(o).length === 0, 'takes no argument'))],
    'takes no argument',
  ),
  v.transform((): undefined => undefined),
);

// ---- requests ----

/** SearchRequest.filters: known keys only (a misspelt filter would silently widen a search). */
export const SearchFiltersSchema = v.pipe(
  plainObject,
  v.strictObject(
    {
      /**
       * Inclusive date range, 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:mm[:ss]', compared with the photo's
       * date: the camera's capture time (local, as recorded), else the file's modified time (local).
       */
      from: optText(DateSchema('from')),
      to: optText(DateSchema('to')),
      /** Absolute path of a folder: photos at or below it. */
      folder: optText(FolderPathSchema),
      /** Case-insensitive text in the camera make or model ("canon", "iPhone 15"). */
      camera: optText(v.pipe(v.string('must be a short string'), v.maxLength(200, 'must be a short string'))),
      /** The lens as recorded in EXIF, exactly (as facets() lists it). */
      lens: optText(v.pipe(v.string('must be a short string'), v.maxLength(200, 'must be a short string'))),
      /** true: only photos with a GPS position; false: only photos without one. */
      hasGps: opt(v.boolean('must be true or false')),
      /** [minLon, minLat, maxLon, maxLat] in degrees; minLon > maxLon crosses the antimeridian. */
      bbox: opt(
        v.pipe(
          v.tuple([finite(-180, 180), finite(-90, 90), finite(-180, 180), finite(-90, 90)], 'must be [minLon, minLat, maxLon, maxLat] in degrees'),
          v.check((b) => b[1] <= b[3], 'must be [minLon, minLat, maxLon, maxLat] in degrees with minLat <= maxLat'),
          v.transform((b): [number, number, number, number] => [b[0], b[1], b[2], b[3]]),
        ),
      ),
      /** Any of these file types ('JPG' is read as 'jpeg'). */
      types: opt(
        v.pipe(
          v.array(v.string(), 'must be an array of photo types'),
          v.maxLength(PHOTO_TYPES.length * 2, 'must be an array of photo types'),
          v.check((ts) => ts.every((t) => parsePhotoType(t) !== null), `unknown photo type (known: ${PHOTO_TYPES.join(', ')})`),
          v.transform((ts): PhotoType[] => [...new Set(ts.map((t) => parsePhotoType(t)!))]),
        ),
      ),
      /** A tag name in English or Chinese ("beach", "海滩"), case-insensitive: photos carrying it. */
      tag: optText(TagNameSchema),
      /** An album's id: photos in it. */
      album: opt(IdSchema),
      /** true: only favourites. */
      favourite: opt(v.boolean('must be true or false')),
      /** Photos taken in this country (ISO 3166-1 alpha-2) and, optionally, city (GeoNames id). */
      place: opt(
        v.strictObject(
          {
            country: v.pipe(v.string('must be a country code'), v.regex(/^[A-Z]{2}$/, 'must be a country code like "CN"')),
            cityId: opt(v.pipe(v.number('must be a city id'), v.integer('must be a city id'), v.minValue(1, 'must be a city id'))),
          },
          (issue) => `unknown place key "${String(issue.input ?? '').slice(0, 40)}"`,
        ),
      ),
    },
    (issue) => `unknown filter "${String(issue.input ?? '').slice(0, 40)}"`,
  ),
  v.check((f) => !f.from || !f.to || dateBound(f.from, 'from') < dateBound(f.to, 'to'), 'from is after to: the range holds no date'),
  v.transform(compact),
);

export const SearchRequestSchema = request({
  /** Chinese, English or both. Empty with filters: lists the photos the filters match. */
  query: v.pipe(v.string('must be a string'), v.maxLength(LIMITS.queryChars, `is longer than ${LIMITS.queryChars} characters`)),
  limit: opt(int(1, LIMITS.pageSize)),
  /**
   * Relevance cut-off of the image view (cosine similarity); default is the model's calibrated
   * one. The other views have their own rules (a text view matches when a query word does).
   */
  minScore: opt(finite()),
  /** Narrow any query (or an empty one) by metadata. All given filters must hold. */
  filters: opt(SearchFiltersSchema),
  /** Photos like this library photo (its image vector is the query; with `query`, both fused). */
  similarTo: opt(IdSchema),
  /** Photos like a held query image (addQueryImage's `imageId`). */
  image: opt(v.pipe(v.string('must be an image id'), v.regex(/^[0-9a-f]{32}$/, 'must be an image id from addQueryImage'))),
});

export const ListPhotosRequestSchema = options({
  folderId: opt(IdSchema),
  offset: opt(int(0, Number.MAX_SAFE_INTEGER)),
  limit: opt(int(1, LIMITS.pageSize)),
  /** A tag name in English or Chinese; only photos carrying it. */
  tag: opt(TagNameSchema),
  /** Default 'taken' (capture date, else file date; newest first). */
  sort: opt(v.picklist(LIBRARY_SORTS, `must be one of ${LIBRARY_SORTS.join(', ')}`)),
  /** The search filters, for browsing (the timeline) rather than ranking. */
  filters: opt(SearchFiltersSchema),
});

export const TimelineRequestSchema = options({
  by: opt(v.picklist(TIMELINE_GRANULARITIES, `must be one of ${TIMELINE_GRANULARITIES.join(', ')}`)),
  filters: opt(SearchFiltersSchema),
});

export const FacetsRequestSchema = options({ filters: opt(SearchFiltersSchema) });

export const FolderPathTagsRequestSchema = request({ path: FolderPathSchema });

export const ListFailedRequestSchema = options({
  folderId: opt(IdSchema),
  limit: opt(int(1, LIMITS.pageSize)),
});

export const DuplicatesRequestSchema = options({
  /** Default: all three kinds. */
  kind: opt(v.picklist(DUPLICATE_KINDS, `must be one of ${DUPLICATE_KINDS.join(', ')}`)),
  /** Only groups with at least one photo in this library folder. */
  folderId: opt(IdSchema),
  offset: opt(int(0, Number.MAX_SAFE_INTEGER)),
  /** Groups per page (default 100). */
  limit: opt(int(1, LIMITS.pageSize)),
  /** Override the calibrated pHash threshold (bits of 64) for 'near'. */
  maxDistance: opt(int(0, 32)),
  /** Override the model's calibrated cosine threshold for 'similar'. */
  minSimilarity: opt(finite(0, 1)),
});

export const DismissRequestSchema = request({
  photoIds: v.pipe(IdListSchema, v.minLength(2, 'must name at least two photos')),
});

/**
 * `allowLastCopy`: the user confirmed a second time that these photos are the last copies of
 * their pictures (main/core/duplicates/last-copy.ts); only a literal boolean is accepted.
 */
const AllowLastCopySchema = opt(v.boolean('must be true or false'));

export const PlanTrashRequestSchema = request({
  photoIds: IdListSchema,
  allowLastCopy: AllowLastCopySchema,
});

export const TrashRequestSchema = request({
  photoIds: IdListSchema,
  allowLastCopy: AllowLastCopySchema,
  confirmToken: v.pipe(v.string('must be the token planTrash returned'), v.regex(/^[0-9a-f]{16,128}$/, 'must be the token planTrash returned')),
});

export const ListTagsRequestSchema = options({
  query: optText(TagNameSchema),
  limit: opt(int(1, LIMITS.pageSize)),
});

export const CustomTagRequestSchema = v.pipe(
  request({ en: optText(TagWordSchema), zh: optText(TagWordSchema) }),
  v.check((t) => !!(t.en || t.zh), 'needs an English or a Chinese name (or both)'),
);

/**
 * App settings to change. Only the shape here: the core checks each value (an https endpoint …)
 * and answers with its own code (settings.badEndpoint).
 */
export const SettingsPatchSchema = v.pipe(
  plainObject,
  v.strictObject(
    {
      language: v.optional(v.nullable(v.picklist(['zh', 'en'], 'must be zh, en or null'))),
      theme: v.optional(v.picklist(['light', 'dark', 'system'], 'must be light, dark or system')),
      hfEndpoint: v.optional(v.nullable(v.pipe(v.string('must be a URL or null'), v.maxLength(2048, 'is too long')))),
      downloadSource: v.optional(v.picklist(['huggingface', 'modelscope'], 'must be huggingface or modelscope')),
    },
    (issue) => `unknown setting "${String(issue.input ?? '').slice(0, 40)}"`,
  ),
  v.transform(compact),
);

export const BrowseFoldersRequestSchema = options({ path: optText(UserPathSchema) });

export const InstallFromFolderRequestSchema = request({ path: UserPathSchema });

/** Raw image bytes (HTTP: the request body; Electron: a Uint8Array over IPC). */
export const QueryImageSchema = v.pipe(
  v.instance(Uint8Array, 'must be the image bytes'),
  v.check((b) => b.length > 0, 'must not be empty'),
  v.check((b) => b.length <= LIMITS.queryImageBytes, `must be at most ${LIMITS.queryImageBytes} bytes`),
);

const AlbumNameSchema = v.pipe(TagNameSchema, v.maxLength(120, 'must be at most 120 characters'));

export const AlbumPhotosRequestSchema = request({ albumId: IdSchema, photoIds: IdListSchema });

/**
 * Every API method and the schema of its one argument (NoArg for none). API_METHODS, the
 * argument types of KanjianApi and the shells' validation all come from this table.
 */
export const API_REQUESTS = {
  search: SearchRequestSchema,
  listPhotos: ListPhotosRequestSchema,
  getPhoto: IdSchema,
  listFolders: NoArgSchema,
  /** '~' is expanded and every refusal has its own code (core: library/folder-rules.ts). */
  addFolder: UserPathSchema,
  /** Removes the folder from the library only; files on disk are never touched. */
  removeFolder: IdSchema,
  listFailed: ListFailedRequestSchema,
  getProgress: NoArgSchema,
  getModel: NoArgSchema,
  getStats: NoArgSchema,
  listModels: NoArgSchema,
  downloadModel: ModelIdSchema,
  cancelDownload: ModelIdSchema,
  useModel: ModelIdSchema,
  findDuplicates: DuplicatesRequestSchema,
  dismissDuplicates: DismissRequestSchema,
  planTrash: PlanTrashRequestSchema,
  trashPhotos: TrashRequestSchema,
  photoTags: IdSchema,
  folderTags: IdSchema,
  listTags: ListTagsRequestSchema,
  addCustomTag: CustomTagRequestSchema,
  removeCustomTag: IdSchema,
  getSettings: NoArgSchema,
  updateSettings: SettingsPatchSchema,
  browseFolders: BrowseFoldersRequestSchema,
  installModelFromFolder: InstallFromFolderRequestSchema,
  timeline: TimelineRequestSchema,
  folderTree: IdSchema,
  folderPathTags: FolderPathTagsRequestSchema,
  facets: FacetsRequestSchema,
  addQueryImage: QueryImageSchema,
  listAlbums: NoArgSchema,
  createAlbum: request({ name: AlbumNameSchema }),
  renameAlbum: request({ id: IdSchema, name: AlbumNameSchema }),
  deleteAlbum: IdSchema,
  addToAlbum: AlbumPhotosRequestSchema,
  removeFromAlbum: AlbumPhotosRequestSchema,
  setFavourite: request({ photoIds: IdListSchema, favourite: v.boolean('must be true or false') }),
  photoCollections: IdSchema,
  /** `destination`: an absolute folder outside the library (the core checks and resolves it). */
  copyPhotos: request({ photoIds: IdListSchema, destination: FolderPathSchema }),
  listPlaces: NoArgSchema,
} as const satisfies Record<string, v.GenericSchema>;

export type ApiRequests = typeof API_REQUESTS;
/** What each method receives once validated (undefined: no argument). */
export type ApiArg<M extends keyof ApiRequests> = v.InferOutput<ApiRequests[M]>;

export type SearchFilters = v.InferOutput<typeof SearchFiltersSchema>;
export type SearchRequest = v.InferOutput<typeof SearchRequestSchema>;
export type DuplicatesRequest = v.InferOutput<typeof DuplicatesRequestSchema>;
