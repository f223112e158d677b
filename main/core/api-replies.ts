// The API's replies as valibot schemas, kept equal to the reply types in api.ts by the
// compile-time checks at the bottom (a field added to a reply type without its schema, or the
// other way round, does not compile). Tests parse what the HTTP shell really answers with these
// (test/integration/server/replies.test.ts), so a reply that breaks its contract fails a test.
import * as v from 'valibot';
import {
  DUPLICATE_KINDS,
  MESSAGE_CODES,
  type ApiMethod,
  type DownloadState,
  type DuplicatesResponse,
  type FailedFile,
  type FolderInfo,
  type FolderNode,
  type LibraryFacets,
  type TimelineResponse,
  type FolderTag,
  type IndexProgress,
  type KanjianApi,
  type LibraryStats,
  type ModelInfo,
  type ModelStatus,
  type PhotoDetail,
  type PhotoSummary,
  type PhotoTag,
  type SearchResponse,
  type Tag,
  type TagInfo,
  type TrashOutcome,
  type TrashPlan,
  type UserMessage,
} from './api.js';

const int = v.pipe(v.number(), v.integer());
const count = v.pipe(int, v.minValue(0));
const id = v.pipe(int, v.minValue(1));
const num = v.pipe(v.number(), v.finite());
const str = v.string();
const nstr = v.nullable(v.string());

export const UserMessageSchema = v.object({
  code: v.picklist(MESSAGE_CODES),
  params: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
});


const MATCH_VIEWS = ['similar', 'image', 'tags', 'ocr', 'metadata', 'place'] as const;

const PlaceNameSchema = v.object({ en: str, zh: v.optional(str) });
const PhotoPlaceSchema = v.object({ cityId: id, city: PlaceNameSchema, region: v.optional(PlaceNameSchema), country: str, countryName: PlaceNameSchema });
const PlacesOverviewSchema = v.object({
  countries: v.array(
    v.object({
      code: str,
      name: PlaceNameSchema,
      count: count,
      coverPhotoId: v.nullable(id),
      cities: v.array(
        v.object({
          id,
          name: PlaceNameSchema,
          region: v.optional(PlaceNameSchema),
          lat: num,
          lon: num,
          count: count,
          coverPhotoId: v.nullable(id),
        }),
      ),
    }),
  ),
  photos: count,
});

const photoSummaryEntries = {
  id,
  path: str,
  folderId: id,
  name: str,
  width: v.nullable(count),
  height: v.nullable(count),
  takenAt: nstr,
  hasThumbnail: v.boolean(),
};
export const PhotoSummarySchema = v.object(photoSummaryEntries);

export const PhotoDetailSchema = v.object({
  ...photoSummaryEntries,
  size: count,
  mtimeMs: num,
  sha256: nstr,
  format: nstr,
  cameraMake: nstr,
  cameraModel: nstr,
  lat: v.nullable(num),
  lon: v.nullable(num),
  orientation: v.nullable(int),
  status: v.picklist(['pending', 'indexed', 'failed']),
  error: nstr,
  errorCode: v.nullable(v.picklist(MESSAGE_CODES)),
  errorParams: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
  lens: nstr,
  fNumber: v.nullable(num),
  exposureTime: v.nullable(num),
  iso: v.nullable(num),
  focalLength: v.nullable(num),
  place: v.optional(PhotoPlaceSchema),
});

export const SearchResponseSchema = v.object({
  results: v.array(
    v.object({
      photo: PhotoSummarySchema,
      score: num,
      views: v.array(v.picklist(MATCH_VIEWS)),
      viewScores: v.optional(v.partial(v.object({ image: num, tags: num, ocr: num, metadata: num, place: num }))),
      ocr: v.optional(v.object({ text: str, matches: v.array(str) })),
      metadata: v.optional(v.object({ matches: v.array(str) })),
      tags: v.optional(v.object({ tags: v.array(str) })),
      place: v.optional(v.object({ matches: v.array(str) })),
    }),
  ),
  notice: v.optional(UserMessageSchema),
  mode: v.picklist(['search', 'listing']),
  missingVectors: v.optional(count),
  model: v.optional(str),
  tookMs: num,
});

export const FolderInfoSchema = v.object({
  id,
  path: str,
  photoCount: count,
  indexedCount: count,
  failedCount: count,
  pendingCount: count,
  addedAt: str,
  watchProblem: v.optional(UserMessageSchema),
});

export const FailedFileSchema = v.object({
  path: str,
  error: str,
  code: v.picklist(MESSAGE_CODES),
  params: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
});

const PHASES = ['scanning', 'indexing', 'embedding', 'ocr', 'tagging', 'similar'] as const;

export const IndexProgressSchema = v.object({
  phase: v.picklist(['idle', ...PHASES]),
  phases: v.array(v.object({ phase: v.picklist(PHASES), done: count, total: count, etaSeconds: v.nullable(num) })),
  state: v.picklist(['idle', 'scanning', 'indexing']),
  done: count,
  total: count,
  failed: count,
  rate: num,
  etaSeconds: v.nullable(num),
  currentPath: nstr,
});

export const ModelStatusSchema = v.object({
  id: nstr,
  name: nstr,
  provider: v.nullable(v.picklist(['cpu', 'cuda', 'dml', 'coreml'])),
  providerNote: v.nullable(UserMessageSchema),
  embeddingDim: v.nullable(id),
  searchModelId: nstr,
  reembedding: v.nullable(v.object({ done: count, total: count })),
});

export const DownloadStateSchema = v.object({
  id: str,
  state: v.picklist(['downloading', 'done', 'failed', 'cancelled']),
  bytes: count,
  totalBytes: v.nullable(count),
  rate: num,
  etaSeconds: v.nullable(num),
  file: nstr,
  error: nstr,
  errorCode: v.nullable(v.picklist(MESSAGE_CODES)),
  errorParams: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
});

export const ModelInfoSchema = v.object({
  id: str,
  name: str,
  languages: v.array(str),
  license: str,
  sizeBytes: count,
  downloadable: v.boolean(),
  installed: v.boolean(),
  default: v.boolean(),
  current: v.boolean(),
  role: v.picklist(['default', 'chinese', 'quality', 'english', 'seed']),
  sources: v.array(v.picklist(['huggingface', 'modelscope'])),
  download: v.nullable(DownloadStateSchema),
});

export const AppSettingsSchema = v.object({
  language: v.nullable(v.picklist(['zh', 'en'])),
  theme: v.picklist(['light', 'dark', 'system']),
  hfEndpoint: nstr,
  downloadSource: v.picklist(['huggingface', 'modelscope']),
});

export const FolderListingSchema = v.object({
  path: str,
  parent: nstr,
  entries: v.array(v.object({ name: str, path: str })),
  places: v.array(v.object({ kind: v.picklist(['home', 'pictures', 'drive', 'root']), path: str, label: str })),
  inLibrary: v.boolean(),
});

export const LibraryStatsSchema = v.object({ photos: count, indexed: count, failed: count, pending: count, folders: count });

const KEEP_RULES = ['resolution', 'format', 'exif', 'size', 'taken', 'mtime', 'path'] as const;
const DIFFERENCES = ['cropped', 'smaller', 'larger', 'reencoded', 'rotated', 'brighter', 'darker', 'otherFormat', 'noExif'] as const;
const params = v.record(v.string(), v.union([v.string(), v.number()]));

export const DuplicatesResponseSchema = v.object({
  groups: v.array(
    v.object({
      key: str,
      kind: v.picklist(DUPLICATE_KINDS),
      photos: v.array(
        v.object({
          ...photoSummaryEntries,
          size: count,
          format: nstr,
          keep: v.boolean(),
          reason: v.object({ rule: v.picklist(KEEP_RULES), params }),
          rank: count,
          differences: v.array(v.picklist(DIFFERENCES)),
          distance: v.optional(num),
          similarity: v.optional(num),
        }),
      ),
      reclaimableBytes: count,
    }),
  ),
  total: count,
  thresholds: v.object({ nearMaxDistance: count, similarMinScore: v.nullable(num) }),
  notice: v.optional(UserMessageSchema),
  message: v.optional(str),
});

const trashedPhoto = v.object({ id, path: str, size: count });

export const TrashPlanSchema = v.object({
  confirmToken: str,
  count,
  bytes: count,
  photos: v.array(trashedPhoto),
  missing: v.array(id),
  lastCopies: v.array(v.object({ groupKey: nstr, photoIds: v.array(id) })),
  expiresAt: str,
});

export const TrashOutcomeSchema = v.object({
  trashed: v.array(trashedPhoto),
  failed: v.array(v.object({ id, path: str, code: v.picklist(MESSAGE_CODES), params: v.optional(params), error: str })),
  bytesFreed: count,
});

const tagEntries = { id, key: str, en: str, zh: str, custom: v.boolean() };
export const TagSchema = v.object(tagEntries);
export const PhotoTagSchema = v.object({ ...tagEntries, score: num });
export const FolderTagSchema = v.object({ ...tagEntries, score: num, photos: count });
export const TagInfoSchema = v.object({ ...tagEntries, photos: count });

export const TimelineResponseSchema = v.object({
  by: v.picklist(['day', 'month']),
  buckets: v.array(v.object({ key: str, count, offset: count })),
  total: count,
});

// A recursive object schema needs its type spelt out (v.lazy).
export const FolderNodeSchema: v.GenericSchema<FolderNode> = v.object({
  path: str,
  name: str,
  photoCount: count,
  ownCount: count,
  children: v.array(v.lazy(() => FolderNodeSchema)),
});

export const LibraryFacetsSchema = v.object({
  cameras: v.array(v.object({ camera: str, count })),
  lenses: v.array(v.object({ lens: str, count })),
  years: v.array(v.object({ year: int, count })),
});

export const AlbumSchema = v.object({ id, name: str, createdAt: str, photoCount: count, coverPhotoId: v.nullable(id) });
export const QueryImageInfoSchema = v.object({ imageId: str, width: count, height: count, embedded: v.boolean() });
export const CopyOutcomeSchema = v.object({
  destination: str,
  copied: v.array(v.object({ id, from: str, to: str })),
  failed: v.array(v.object({ id, path: str, code: v.picklist(MESSAGE_CODES), params: v.optional(params), error: str })),
});

/** The schema of each method's reply (`v.undefined()` for none). */
export const API_REPLIES = {
  search: SearchResponseSchema,
  listPhotos: v.object({ photos: v.array(PhotoSummarySchema), total: count }),
  getPhoto: v.nullable(PhotoDetailSchema),
  listFolders: v.array(FolderInfoSchema),
  addFolder: FolderInfoSchema,
  removeFolder: v.undefined(),
  listFailed: v.array(FailedFileSchema),
  getProgress: IndexProgressSchema,
  getModel: ModelStatusSchema,
  getStats: LibraryStatsSchema,
  listModels: v.array(ModelInfoSchema),
  downloadModel: DownloadStateSchema,
  cancelDownload: v.undefined(),
  useModel: ModelStatusSchema,
  findDuplicates: DuplicatesResponseSchema,
  dismissDuplicates: v.object({ pairs: count }),
  planTrash: TrashPlanSchema,
  trashPhotos: TrashOutcomeSchema,
  photoTags: v.array(PhotoTagSchema),
  folderTags: v.array(FolderTagSchema),
  listTags: v.array(TagInfoSchema),
  addCustomTag: TagSchema,
  removeCustomTag: v.undefined(),
  getSettings: AppSettingsSchema,
  updateSettings: AppSettingsSchema,
  browseFolders: FolderListingSchema,
  installModelFromFolder: ModelInfoSchema,
  timeline: TimelineResponseSchema,
  folderTree: v.nullable(FolderNodeSchema),
  folderPathTags: v.array(FolderTagSchema),
  facets: LibraryFacetsSchema,
  addQueryImage: QueryImageInfoSchema,
  listAlbums: v.array(AlbumSchema),
  createAlbum: AlbumSchema,
  renameAlbum: AlbumSchema,
  deleteAlbum: v.undefined(),
  addToAlbum: AlbumSchema,
  removeFromAlbum: AlbumSchema,
  setFavourite: v.object({ favourites: v.array(id) }),
  photoCollections: v.object({ albums: v.array(id), favourite: v.boolean() }),
  copyPhotos: CopyOutcomeSchema,
  listPlaces: PlacesOverviewSchema,
} as const satisfies Record<ApiMethod, v.GenericSchema>;

// ---- compile-time: each schema's output is exactly the reply type in api.ts ----

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Returned<M extends ApiMethod> = Awaited<ReturnType<KanjianApi[M]>>;
/** A method that returns nothing (void) answers JSON `undefined`. */
type Reply<M extends ApiMethod> = [Returned<M>] extends [void] ? undefined : Returned<M>;

export type ReplyContractChecks = [
  Assert<{ [M in ApiMethod]: Same<v.InferOutput<(typeof API_REPLIES)[M]>, Reply<M>> }[ApiMethod]>,
  Assert<Same<v.InferOutput<typeof UserMessageSchema>, UserMessage>>,
  // The building blocks too, so a mismatch names the type rather than only the method.
  Assert<Same<v.InferOutput<typeof PhotoSummarySchema>, PhotoSummary>>,
  Assert<Same<v.InferOutput<typeof PhotoDetailSchema>, PhotoDetail>>,
  Assert<Same<v.InferOutput<typeof SearchResponseSchema>, SearchResponse>>,
  Assert<Same<v.InferOutput<typeof FolderInfoSchema>, FolderInfo>>,
  Assert<Same<v.InferOutput<typeof FailedFileSchema>, FailedFile>>,
  Assert<Same<v.InferOutput<typeof IndexProgressSchema>, IndexProgress>>,
  Assert<Same<v.InferOutput<typeof ModelStatusSchema>, ModelStatus>>,
  Assert<Same<v.InferOutput<typeof ModelInfoSchema>, ModelInfo>>,
  Assert<Same<v.InferOutput<typeof DownloadStateSchema>, DownloadState>>,
  Assert<Same<v.InferOutput<typeof LibraryStatsSchema>, LibraryStats>>,
  Assert<Same<v.InferOutput<typeof DuplicatesResponseSchema>, DuplicatesResponse>>,
  Assert<Same<v.InferOutput<typeof TrashPlanSchema>, TrashPlan>>,
  Assert<Same<v.InferOutput<typeof TrashOutcomeSchema>, TrashOutcome>>,
  Assert<Same<v.InferOutput<typeof TagSchema>, Tag>>,
  Assert<Same<v.InferOutput<typeof PhotoTagSchema>, PhotoTag>>,
  Assert<Same<v.InferOutput<typeof FolderTagSchema>, FolderTag>>,
  Assert<Same<v.InferOutput<typeof TagInfoSchema>, TagInfo>>,
  Assert<Same<v.InferOutput<typeof TimelineResponseSchema>, TimelineResponse>>,
  Assert<Same<v.InferOutput<typeof LibraryFacetsSchema>, LibraryFacets>>,
];
