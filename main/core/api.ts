// The one API every shell exposes (Electron preload bridge, HTTP server, CLI).
// This file is all the renderer may import from main/: types, plus a few plain values
// (api-values.ts). Requests are described once, as valibot schemas (api-schemas.ts); the
// argument types below are inferred from them. Keep it free of Node imports so it
// type-checks in the browser build too.
import type { ApiArg, ApiRequests } from './api-schemas.js';

export { DUPLICATE_KINDS, PHOTO_TYPES, type DuplicateKind, type PhotoType } from './api-values.js';
export { LIBRARY_SORTS, TIMELINE_GRANULARITIES, type LibrarySort, type TimelineGranularity } from './api-values.js';
export type { ApiArg, DuplicatesRequest, SearchFilters, SearchRequest } from './api-schemas.js';
import type { DuplicateKind } from './api-values.js';

/**
 * Every message that can reach a user, as a code. The renderer's catalogues (en and zh) are typed
 * by this list, so a code without a translation does not compile. Add codes here, never free text.
 */
export const MESSAGE_CODES = [
  'internal',
  'validation',
  // duplicates (main/core/duplicates)
  'duplicates.lastCopy',
  'duplicates.needsModel',
  'duplicates.scanning',
  'duplicates.pairing',
  'trash.notConfirmed',
  'trash.planChanged',
  'trash.fileChanged',
  'trash.failed',
  'trash.outsideLibrary',
  // maintenance (cli maintenance, the daily collection)
  'maintenance.busy',
  // search
  'search.needsModel',
  'search.missingVectors',
  // folders (addFolder, browseFolders)
  'folder.notFound',
  'folder.notAFolder',
  'folder.alreadyAdded',
  'folder.insideLibrary',
  'folder.dataFolder',
  'folder.system',
  'folder.relative',
  'folder.unreadable',
  'folder.watchLimit',
  'folder.watchFailed',
  // photos that could not be read (FailedFile.code, from the media layer's reasons)
  'media.notFound',
  'media.permission',
  'media.empty',
  'media.notImage',
  'media.corrupt',
  'media.tooLarge',
  'media.unsupported',
  'media.io',
  'media.unexpected',
  // model downloads (DownloadState.errorCode)
  'download.offline',
  'download.blocked',
  'download.notFound',
  'download.diskFull',
  'download.corrupt',
  'download.timeout',
  'download.failed',
  'download.notPublished',
  // models
  'model.unknown',
  'model.notInstalled',
  'model.gpuUnavailable',
  'model.fixture',
  // install from a folder or zip (installModelFromFolder)
  'install.notFound',
  'install.noManifest',
  'install.badManifest',
  'install.missingFile',
  'install.sizeMismatch',
  'install.hashMismatch',
  'install.badZip',
  'install.alreadyInstalled',
  // settings
  'settings.badEndpoint',
  // moving photos to the trash (Electron's native confirm)
  'trash.cancelled',
  'trash.nothingOnDisk',
  'trash.tooMany',
  // photos like this one (main/core/search/by-image.ts)
  'similar.needsModel',
  'search.imageExpired',
  'search.imageTooLarge',
  'photo.notFound',
  // albums and favourites (main/core/albums)
  'album.notFound',
  'album.nameTaken',
  'album.badName',
  // copy to a folder (main/core/copy)
  'copy.insideLibrary',
  'copy.notInLibrary',
  'copy.diskFull',
  'copy.failed',
] as const;
export type MessageCode = (typeof MESSAGE_CODES)[number];

/** A message for the user: the UI renders `code` with `params` in its language. */
export interface UserMessage {
  code: MessageCode;
  params?: Record<string, string | number>;
}

/**
 * The body of every failed API call (HTTP 4xx/5xx, or a rejected IPC call): `error` is English for
 * logs; the UI shows `code` + `params` in its language.
 */
export interface ApiErrorBody {
  error: string;
  code: MessageCode;
  params?: Record<string, string | number>;
}

/**
 * Where a result matched: its pixels, its tags, the text in it (OCR), its names and metadata,
 * where it was taken; 'similar': near the picture the search was given (`similarTo`, `image`).
 */
export type MatchView = 'similar' | 'image' | 'tags' | 'ocr' | 'metadata' | 'place';

/** A place name in English and, where the GeoNames data has one, Chinese. */
export interface PlaceName {
  en: string;
  zh?: string;
}

/** Where a photo was taken (offline reverse geocoding of its GPS position, main/core/places). */
export interface PhotoPlace {
  /** GeoNames id of the nearest city or town. */
  cityId: number;
  city: PlaceName;
  /** Province, state or region (GeoNames admin1), when known. */
  region?: PlaceName;
  /** ISO 3166-1 alpha-2. */
  country: string;
  countryName: PlaceName;
}

export interface PlaceCity {
  id: number;
  name: PlaceName;
  region?: PlaceName;
  lat: number;
  lon: number;
  count: number;
  /** The newest photo there with a thumbnail. */
  coverPhotoId: number | null;
}

export interface PlaceCountry {
  code: string;
  name: PlaceName;
  count: number;
  coverPhotoId: number | null;
  /** Most photos first. */
  cities: PlaceCity[];
}

/** The library's places: countries (most photos first) → cities. */
export interface PlacesOverview {
  countries: PlaceCountry[];
  /** Photos with a place. */
  photos: number;
}

export interface PhotoSummary {
  id: number;
  /** Absolute path on disk. */
  path: string;
  folderId: number;
  name: string;
  width: number | null;
  height: number | null;
  /** ISO 8601 (local time as recorded by the camera, no zone) or null. */
  takenAt: string | null;
  /** True when a thumbnail exists; fetch it via `thumbnailUrl` in the shell. */
  hasThumbnail: boolean;
}

export interface PhotoDetail extends PhotoSummary {
  size: number;
  mtimeMs: number;
  sha256: string | null;
  format: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lat: number | null;
  lon: number | null;
  /** EXIF orientation 1..8 as found in the file (already applied to pixels we show). */
  orientation: number | null;
  status: PhotoStatus;
  /** English reason (logs); the UI shows `errorCode`. */
  error: string | null;
  /** Why the photo could not be read, as a code (null when it was read). */
  errorCode: MessageCode | null;
  errorParams?: Record<string, string | number>;
  /** Exposure from EXIF, read at index time; null when the camera did not record it. */
  lens: string | null;
  fNumber: number | null;
  /** Seconds (1/250 s is 0.004). */
  exposureTime: number | null;
  iso: number | null;
  /** Millimetres, as recorded (not 35 mm equivalent). */
  focalLength: number | null;
  /** Where it was taken, when it has GPS near a known place. */
  place?: PhotoPlace;
}

export type PhotoStatus = 'pending' | 'indexed' | 'failed';

export interface SearchResult {
  photo: PhotoSummary;
  /**
   * Higher is better: the fused relevance over all views (reciprocal-rank fusion, scaled so the
   * top hit of one view alone scores 1; agreeing views add up). Per-view scores are in `viewScores`.
   */
  score: number;
  /** Every view that matched this photo, in the order image, tags, ocr, metadata. */
  views: MatchView[];
  /**
   * Each matching view's own score: cosine similarity for 'image' and 'tags'; for 'ocr' and
   * 'metadata' the share of the query's words found (0..1).
   */
  viewScores?: Partial<Record<MatchView, number>>;
  /** When the text in the photo matched: the lines that hold the matched words, and the words. */
  ocr?: { text: string; matches: string[] };
  /** When the file, folder or camera name matched: the query words found there. */
  metadata?: { matches: string[] };
  /** When the photo's tags matched: its tags, best first. */
  tags?: { tags: string[] };
  /** When the place it was taken in matched: the query words found in its names. */
  place?: { matches: string[] };
}

export interface SearchResponse {
  results: SearchResult[];
  /**
   * Set when part of search could not run, e.g. `{ code: 'search.needsModel' }`: no model is
   * installed, so the text, name and filter views answered alone.
   */
  notice?: UserMessage;
  /** 'listing' for filter-only requests (no query): the UI shows a listing, not ranked results. */
  mode: 'search' | 'listing';
  /** Indexed photos the search model has no vector for yet (embedding in the background). */
  missingVectors?: number;
  model?: string;
  tookMs: number;
}

export interface FolderInfo {
  id: number;
  path: string;
  photoCount: number;
  indexedCount: number;
  failedCount: number;
  pendingCount: number;
  addedAt: string;
  /**
   * Why the folder is not watched live (folder.watchLimit: more directories than the OS's watch
   * budget allows; folder.watchFailed): its changes are found at the next start. Absent when
   * watched, or when nothing watches (the CLI).
   */
  watchProblem?: UserMessage;
}

export interface FailedFile {
  path: string;
  /** English reason, for logs and the CLI. */
  error: string;
  /** The reason as a code (media.corrupt, media.tooLarge …) for the UI. */
  code: MessageCode;
  params?: Record<string, string | number>;
}

/** Background work, in the order it runs for a new photo. */
export type IndexPhase = 'idle' | 'scanning' | 'indexing' | 'embedding' | 'ocr' | 'tagging' | 'similar';
export const INDEX_PHASES = ['scanning', 'indexing', 'embedding', 'ocr', 'tagging', 'similar'] as const satisfies readonly IndexPhase[];

export interface PhaseProgress {
  phase: Exclude<IndexPhase, 'idle'>;
  done: number;
  total: number;
  /** Seconds left at this phase's recent rate, or null when unknown. */
  etaSeconds: number | null;
}

export interface IndexProgress {
  /** The phase running now; 'idle' when nothing is left to do. */
  phase: IndexPhase;
  /** Every phase with work done or left in this run (and the running one), in running order. */
  phases: PhaseProgress[];
  /** 'idle' when the indexing queue is empty (kept for older clients; see `phase`). */
  state: 'idle' | 'scanning' | 'indexing';
  done: number;
  total: number;
  failed: number;
  /** Photos per second over the recent window, 0 when idle. */
  rate: number;
  /** Seconds left at the current rate, or null when unknown. */
  etaSeconds: number | null;
  currentPath: string | null;
}

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml';

export interface ModelStatus {
  /** Installed model in use, or null when none is installed. */
  id: string | null;
  name: string | null;
  provider: ExecutionProvider | null;
  /**
   * Only when a GPU provider was asked for explicitly and could not be used (then the provider in
   * use is the CPU); null otherwise, also on CPU-only machines with the provider on auto.
   */
  providerNote: UserMessage | null;
  embeddingDim: number | null;
  /**
   * While a newly chosen model re-embeds the library, search keeps using the previous model
   * (its id here) so results never go empty; null when search uses `id`.
   */
  searchModelId: string | null;
  /** Re-embedding progress after a model switch; null when every photo has a vector. */
  reembedding: { done: number; total: number } | null;
}

/** A model Kanjian can download or has installed (the registry merged with the disk). */
export interface ModelInfo {
  id: string;
  name: string;
  languages: string[];
  license: string;
  sizeBytes: number;
  /** False for models that must be built with an export script (see models/README.md). */
  downloadable: boolean;
  installed: boolean;
  /** The recommended model (offered on first run). */
  default: boolean;
  /** The model chosen in settings. */
  current: boolean;
  /** What the model is for; the UI shows a plain name per role ("Bilingual, fast (default)" …). */
  role: ModelRole;
  /** Download sources this model is published on (the `downloadSource` setting picks one). */
  sources: DownloadSource[];
  /** Set while a download of this model runs. */
  download: DownloadState | null;
}

export type ModelRole = 'default' | 'chinese' | 'quality' | 'english' | 'seed';

export interface DownloadState {
  id: string;
  state: 'downloading' | 'done' | 'failed' | 'cancelled';
  bytes: number;
  totalBytes: number | null;
  /** Bytes per second. */
  rate: number;
  etaSeconds: number | null;
  /** File being fetched, relative to the package. */
  file: string | null;
  /** English reason when failed (e.g. "HTTP 404 Not Found for visual/model.onnx"), for logs. */
  error: string | null;
  /** Why it failed, as a code (download.offline, download.blocked …), null unless failed. */
  errorCode: MessageCode | null;
  errorParams?: Record<string, string | number>;
}

/** A file a scan deliberately left out (clutter such as .DS_Store is not listed). */
export interface SkippedFile {
  path: string;
  /** 'symlink': links are never followed; 'special-file': a FIFO, socket or device with a photo's name; 'undecodable-name': a name that is not valid UTF-8 text. */
  reason: 'symlink' | 'special-file' | 'undecodable-name';
}

export interface IndexSummary {
  indexed: number;
  unchanged: number;
  removed: number;
  failed: FailedFile[];
  skipped: SkippedFile[];
  /**
   * The run phase by phase: after `indexing` every photo is searchable by its pixels; `ocr`
   * reads the text in them afterwards (null when OCR is off). `noText`: photos the no-text gate
   * cleared while indexing, never read; `read`: photos OCR read; `pending`: left queued.
   */
  phases?: {
    indexing: { photos: number; seconds: number };
    ocr: { read: number; noText: number; failed: number; pending: number; seconds: number } | null;
  };
}

export interface LibraryStats {
  photos: number;
  indexed: number;
  failed: number;
  pending: number;
  folders: number;
}

// ---- duplicates (main/core/duplicates) ----

/**
 * 'exact': byte-identical copies (same SHA-256). 'near': the same picture re-encoded, resized,
 * lightly cropped or brightened, or rotated by EXIF (perceptual hash). 'similar': different
 * shots of one moment — bursts, the same scene (image embeddings). A pair is labelled with the
 * strongest kind only.
 */
export interface DuplicatePhoto extends PhotoSummary {
  size: number;
  format: string | null;
  /** Exactly one photo per group is the suggested keeper; it is never marked for the trash up front. */
  keep: boolean;
  /**
   * For the keeper: why it is the one to keep; for the others: why not. A rule plus facts
   * (sizes, formats, dates) the UI words in its language; `reasonText` in keep.ts words it in
   * English for the CLI.
   */
  reason: KeepReason;
  /** Rank in the keep order (0 = the keeper): if the keeper is marked, the next unmarked one keeps. */
  rank: number;
  /** How this photo differs from the keeper (none for the keeper itself). */
  differences: PhotoDifference[];
  /** 'near': differing pHash bits to the group's anchor; 'similar': cosine to the anchor. */
  distance?: number;
  similarity?: number;
}

/** Keep-best rules, in the order they are tried. */
export type KeepRule = 'resolution' | 'format' | 'exif' | 'size' | 'taken' | 'mtime' | 'path';

/**
 * A keep reason as data. Params by rule (numbers raw, dates ISO):
 * resolution {width, height, keptWidth, keptHeight} · format {format, keptFormat} ·
 * size {bytes, keptBytes} · taken {takenAt, keptTakenAt} · mtime {mtime, keptMtime} · path {keptName};
 * `kept…` are the keeper's (equal to the photo's own for the keeper).
 */
export interface KeepReason {
  rule: KeepRule;
  params: Record<string, string | number>;
}

/**
 * How a member differs from the keeper, as the compare view names it: 'cropped' (less of the
 * scene), 'smaller' (fewer pixels), 'larger', 'reencoded' (same size, other bytes), 'rotated'
 * (turned by 90°/180° in its pixels), 'brighter'/'darker', 'otherFormat', 'noExif'.
 */
export type PhotoDifference = 'cropped' | 'smaller' | 'larger' | 'reencoded' | 'rotated' | 'brighter' | 'darker' | 'otherFormat' | 'noExif';

export interface DuplicateGroup {
  /** Stable for the same kind and contents (use it as a list key). */
  key: string;
  kind: DuplicateKind;
  /** The keeper first, then by rank. */
  photos: DuplicatePhoto[];
  /** Bytes freed if every photo but the keeper goes. */
  reclaimableBytes: number;
}

export interface DuplicatesResponse {
  groups: DuplicateGroup[];
  /** Groups in all pages. */
  total: number;
  thresholds: { nearMaxDistance: number; similarMinScore: number | null };
  /** For the UI: why 'similar' found nothing (no model) or is still looking. */
  notice?: UserMessage;
  /** The same in English, for the CLI and logs. */
  message?: string;
}

/**
 * A trash request. The core refuses (KanjianError `duplicates.lastCopy`, naming the groups and
 * photos) to plan or move photos that would leave a duplicate group — or a photo that has no
 * copy at all — with nothing on disk, unless `allowLastCopy` is true, which the UI sends only
 * after a second confirmation naming those photos.
 */
export type TrashRequest = ApiArg<'planTrash'>;

/** Photos whose trashing leaves no copy of a picture on disk (a whole group, or a photo with no copy). */
export interface LastCopy {
  /** The duplicate group's key; null for a photo in no group. */
  groupKey: string | null;
  photoIds: number[];
}

/**
 * What moving photos to the OS trash would do. The shell shows count and bytes in its confirm
 * dialog, then passes `confirmToken` to trashPhotos; a token is single-use and expires.
 */
export interface TrashPlan {
  confirmToken: string;
  /** Distinct files. */
  count: number;
  bytes: number;
  photos: { id: number; path: string; size: number }[];
  /** Ids not in the library (or whose file is already gone); they are not part of the plan. */
  missing: number[];
  /** Only with allowLastCopy: the pictures this plan removes entirely. */
  lastCopies: LastCopy[];
  expiresAt: string;
}

/** What a garbage collection removed (or, with dryRun, would remove): `cli maintenance --json`. */
export interface MaintenanceReport {
  dryRun: boolean;
  /** Thumbnail and preview files of contents no photo has any more. */
  thumbnails: number;
  previews: number;
  /** Temp files left by interrupted writes. */
  tempFiles: number;
  bytesFreed: number;
  /** Rows removed per side table (only tables with removals are listed). */
  rows: Record<string, number>;
  /** Identities of models whose vectors were dropped (not installed, not in use, or old weights). */
  modelsDropped: string[];
}

export interface TrashOutcome {
  /** Moved to the OS trash and removed from the library. */
  trashed: { id: number; path: string; size: number }[];
  /** Still in the library (and on disk): why each one could not be moved (`error` in English). */
  failed: { id: number; path: string; code: MessageCode; params?: Record<string, string | number>; error: string }[];
  bytesFreed: number;
}

// ---- tags (main/core/tags) ----

export interface Tag {
  id: number;
  /** Stable vocabulary id ("beach"), or "custom:…" for a tag the user added. */
  key: string;
  /** Either may be '' for a custom tag given in one language only. */
  en: string;
  zh: string;
  custom: boolean;
}

export interface PhotoTag extends Tag {
  /** Calibrated probability (0..1) that the tag applies; see README "Tags". */
  score: number;
}

export interface FolderTag extends Tag {
  /** Share of the folder's tagged photos carrying the tag (0..1). */
  score: number;
  photos: number;
}

export interface TagInfo extends Tag {
  /** Photos in the library carrying it. */
  photos: number;
}

// ---- photos like this one, albums, favourites, copy to a folder ----

/** A dropped or pasted image held (in memory only) as a search query; pass `imageId` to search. */
export interface QueryImageInfo {
  imageId: string;
  width: number;
  height: number;
  /** False without a model: only near copies of the same picture can be found. */
  embedded: boolean;
}

export interface Album {
  id: number;
  name: string;
  createdAt: string;
  /** Photos in the library whose content is in the album (copies count each). */
  photoCount: number;
  /** The photo added last, for a cover thumbnail; null when empty. */
  coverPhotoId: number | null;
}

export interface CopyOutcome {
  /** The destination folder as resolved (real path). */
  destination: string;
  copied: { id: number; from: string; to: string }[];
  /** Not copied, each with its reason (`error` in English); the source is never touched. */
  failed: { id: number; path: string; code: MessageCode; params?: Record<string, string | number>; error: string }[];
}

// ---- settings and folders ----

export type DownloadSource = 'huggingface' | 'modelscope';

/** App settings (settings.json in the data folder), shared by every shell. */
export interface AppSettings {
  /** null: follow the system. */
  language: 'zh' | 'en' | null;
  theme: 'light' | 'dark' | 'system';
  /**
   * Hugging Face endpoint (what HF_ENDPOINT sets); null = https://huggingface.co. https unless the
   * host is loopback. When set here it wins over the HF_ENDPOINT variable.
   */
  hfEndpoint: string | null;
  /** Where downloads come from when a model is published in both places. */
  downloadSource: DownloadSource;
}

export interface FolderEntry {
  name: string;
  path: string;
}

export interface FolderPlace {
  kind: 'home' | 'pictures' | 'drive' | 'root';
  path: string;
  label: string;
}

export interface FolderListing {
  path: string;
  /** null at a file-system root. */
  parent: string | null;
  /** Sub-folders only, sorted by name, hidden ones skipped. */
  entries: FolderEntry[];
  /** Home, ~/Pictures, mounted drives. */
  places: FolderPlace[];
  /** The path is a library folder or inside one. */
  inLibrary: boolean;
}

// ---- timeline, folder tree, facets (main/core/library/timeline.ts, folder-tree.ts, facets.ts) ----

export interface TimelineBucket {
  /** 'YYYY-MM-DD' (by day) or 'YYYY-MM' (by month): the photo's capture date, else its file date. */
  key: string;
  count: number;
  /** Position of the bucket's first photo in listPhotos' 'taken' order under the same filters. */
  offset: number;
}

export interface TimelineResponse {
  by: 'day' | 'month';
  /** Newest first. */
  buckets: TimelineBucket[];
  total: number;
}

/** A folder inside a library folder, with its sub-folders that hold photos. */
export interface FolderNode {
  path: string;
  name: string;
  /** Indexed photos here and in every sub-folder. */
  photoCount: number;
  /** Indexed photos directly in this folder. */
  ownCount: number;
  /** Sorted by name (numbers in names in numeric order). */
  children: FolderNode[];
}

/** Lists to filter by, built from the library, most photos first (years newest first). */
export interface LibraryFacets {
  /** `camera` is the text to pass as the camera filter. */
  cameras: { camera: string; count: number }[];
  /** `lens` is the text to pass as the lens filter. */
  lenses: { lens: string; count: number }[];
  years: { year: number; count: number }[];
}

/** Events pushed to the UI (SSE in the browser, IPC in Electron). */
export type KanjianEvent =
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'folders'; folders: FolderInfo[] }
  | { type: 'model'; model: ModelStatus }
  | { type: 'download'; download: DownloadState }
  | { type: 'settings'; settings: AppSettings };

/**
 * The API. Every method is async and takes/returns plain JSON-able data so it
 * crosses IPC and HTTP unchanged.
 */
export interface KanjianApi {
  search(req: ApiArg<'search'>): Promise<SearchResponse>;
  /** `tag`: a tag name in English or Chinese; only photos carrying it. */
  listPhotos(req: ApiArg<'listPhotos'>): Promise<{ photos: PhotoSummary[]; total: number }>;
  getPhoto(id: ApiArg<'getPhoto'>): Promise<PhotoDetail | null>;
  listFolders(): Promise<FolderInfo[]>;
  addFolder(path: ApiArg<'addFolder'>): Promise<FolderInfo>;
  /** Removes the folder from the library only; files on disk are never touched. */
  removeFolder(id: ApiArg<'removeFolder'>): Promise<void>;
  listFailed(req: ApiArg<'listFailed'>): Promise<FailedFile[]>;
  getProgress(): Promise<IndexProgress>;
  getModel(): Promise<ModelStatus>;
  getStats(): Promise<LibraryStats>;
  listModels(): Promise<ModelInfo[]>;
  /** Starts downloading a model in the background; progress comes as 'download' events. */
  downloadModel(id: ApiArg<'downloadModel'>): Promise<DownloadState>;
  cancelDownload(id: ApiArg<'cancelDownload'>): Promise<void>;
  /** Switches to an installed model; the library is re-embedded in the background. */
  useModel(id: ApiArg<'useModel'>): Promise<ModelStatus>;

  /** Duplicate groups with a keep suggestion each; dismissed groups never come back. */
  findDuplicates(req: ApiArg<'findDuplicates'>): Promise<DuplicatesResponse>;
  /** "These are not duplicates": remembered by content, so renames do not bring them back. */
  dismissDuplicates(req: ApiArg<'dismissDuplicates'>): Promise<{ pairs: number }>;
  /** Count and bytes of what trashPhotos would move, and the token it needs. Touches nothing. */
  planTrash(photoIds: ApiArg<'planTrash'>): Promise<TrashPlan>;
  /** Moves the planned photos to the OS trash (never deletes) and drops them from the library. */
  trashPhotos(req: ApiArg<'trashPhotos'>): Promise<TrashOutcome>;

  /** Tags of a photo, best first (empty until it is tagged, or without a model). */
  photoTags(id: ApiArg<'photoTags'>): Promise<PhotoTag[]>;
  /** Tags shared by a library folder's photos, most common first. */
  folderTags(id: ApiArg<'folderTags'>): Promise<FolderTag[]>;
  /** Tags in use, most photos first; `query` matches English or Chinese names (prefix/substring). */
  listTags(req: ApiArg<'listTags'>): Promise<TagInfo[]>;
  /** Adds the user's own tag word (either language or both); photos are re-tagged in the background. */
  addCustomTag(req: ApiArg<'addCustomTag'>): Promise<Tag>;
  removeCustomTag(id: ApiArg<'removeCustomTag'>): Promise<void>;

  getSettings(): Promise<AppSettings>;
  /** Saves the given keys; emits { type: 'settings' }. A bad value is refused (settings.badEndpoint …). */
  updateSettings(patch: ApiArg<'updateSettings'>): Promise<AppSettings>;
  /** Sub-folders of `path` ('~' expanded; default: home) for the browser-mode folder picker. */
  browseFolders(req: ApiArg<'browseFolders'>): Promise<FolderListing>;
  /** Installs a model package copied from elsewhere (a folder or a .zip), verified first. */
  installModelFromFolder(req: ApiArg<'installModelFromFolder'>): Promise<ModelInfo>;

  /** Photos per day or month (newest first) under the filters, each with its first photo's offset. */
  timeline(req: ApiArg<'timeline'>): Promise<TimelineResponse>;
  /** The sub-folders of a library folder that hold photos, with counts; null for an unknown id. */
  folderTree(id: ApiArg<'folderTree'>): Promise<FolderNode | null>;
  /** Tags shared by the photos at or below any folder inside the library. */
  folderPathTags(req: ApiArg<'folderPathTags'>): Promise<FolderTag[]>;
  /** Cameras, lenses and years in the library (under the other filters), with photo counts. */
  facets(req: ApiArg<'facets'>): Promise<LibraryFacets>;
  /**
   * Holds a dropped or pasted image as a query (decoded and embedded like indexing does, never
   * written anywhere); then `search({ query, image: imageId })`. Over HTTP the body is the raw
   * image (Content-Type image/* or application/octet-stream), not JSON.
   */
  addQueryImage(bytes: ApiArg<'addQueryImage'>): Promise<QueryImageInfo>;
  listAlbums(): Promise<Album[]>;
  createAlbum(req: ApiArg<'createAlbum'>): Promise<Album>;
  renameAlbum(req: ApiArg<'renameAlbum'>): Promise<Album>;
  /** Forgets the album; its photos stay in the library and on disk. */
  deleteAlbum(id: ApiArg<'deleteAlbum'>): Promise<void>;
  addToAlbum(req: ApiArg<'addToAlbum'>): Promise<Album>;
  removeFromAlbum(req: ApiArg<'removeFromAlbum'>): Promise<Album>;
  /** Stars or unstars photos (by content); answers the ids among them that are favourites now. */
  setFavourite(req: ApiArg<'setFavourite'>): Promise<{ favourites: number[] }>;
  /** A photo's albums and star (for the viewer). */
  photoCollections(id: ApiArg<'photoCollections'>): Promise<{ albums: number[]; favourite: boolean }>;
  /** Copies photos into a folder outside the library (never moves; a taken name gets a new one). */
  copyPhotos(req: ApiArg<'copyPhotos'>): Promise<CopyOutcome>;
  /** Countries → cities where the library's photos were taken, with counts and covers. */
  listPlaces(): Promise<PlacesOverview>;
}

/** Desktop-only actions (Electron shell); absent in the browser shell. */
export interface DesktopActions {
  /** Opens the OS folder picker; null when the user cancels. */
  pickFolder(): Promise<string | null>;
  showInFolder(photoId: number): Promise<void>;
  openWithDefault(photoId: number): Promise<void>;
  /** The filesystem path of a dropped folder (Electron's webUtils.getPathForFile); null if none. */
  pathForFile?(file: File): string | null;
}

/**
 * What the renderer gets from its shell: the API, live events, media URLs and, on the
 * desktop, OS actions. Electron's preload exposes one as `window.kanjian`; in the browser
 * the renderer builds one over HTTP.
 *
 * HTTP contract (main/server): every API method is `POST /api/<method>` with the method's
 * single argument as the JSON body (`{}` for none) and its result as the JSON response;
 * errors are ApiErrorBody `{ error, code, params }` with a 4xx/5xx status. Live events:
 * `GET /api/events` (Server-Sent Events, each `data:` line one KanjianEvent). Media:
 * `GET /media/thumb/<id>`, `GET /media/preview/<id>` (a screen-sized JPEG of any indexed
 * format, ≤ 2560 px, made and cached by the core) and `GET /media/original/<id>`. Every request carries the per-run token, either as
 * `Authorization: Bearer <token>` or as `?token=<token>` (EventSource and <img> cannot set
 * headers); the page itself is opened as `/?token=<token>`.
 */
export interface KanjianClient extends KanjianApi {
  shell: 'electron' | 'browser';
  onEvent(listener: (event: KanjianEvent) => void): () => void;
  thumbnailUrl(photoId: number): string;
  originalUrl(photoId: number): string;
  /** A screen-sized preview any browser can show (HEIC and TIFF converted by the core). */
  previewUrl?(photoId: number): string;
  desktop?: DesktopActions;
}

/** Method names callable over IPC/HTTP; shells validate against this list. */
export const API_METHODS = [
  'search', 'listPhotos', 'getPhoto', 'listFolders', 'addFolder', 'removeFolder',
  'listFailed', 'getProgress', 'getModel', 'getStats',
  'listModels', 'downloadModel', 'cancelDownload', 'useModel',
  'findDuplicates', 'dismissDuplicates', 'planTrash', 'trashPhotos',
  'photoTags', 'folderTags', 'listTags', 'addCustomTag', 'removeCustomTag',
  'getSettings', 'updateSettings', 'browseFolders', 'installModelFromFolder',
  'timeline', 'folderTree', 'folderPathTags', 'facets',
  'addQueryImage', 'listAlbums', 'createAlbum', 'renameAlbum', 'deleteAlbum', 'addToAlbum', 'removeFromAlbum',
  'setFavourite', 'photoCollections', 'copyPhotos',
  'listPlaces',
] as const satisfies readonly (keyof KanjianApi)[];
export type ApiMethod = (typeof API_METHODS)[number];

// Compile-time guarantees (an error here names the method that breaks them): the methods of
// KanjianApi, API_METHODS and the schemas in api-schemas.ts are the same set, and each method
// takes exactly its schema's output (no argument for NoArg).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ArgOf<F> = F extends () => unknown ? undefined : F extends (arg: infer A) => unknown ? A : never;
type Assert<T extends true> = T;
export type ApiContractChecks = [
  Assert<Same<keyof KanjianApi, keyof ApiRequests>>,
  Assert<Same<ApiMethod, keyof ApiRequests>>,
  Assert<{ [M in keyof ApiRequests]: Same<ArgOf<KanjianApi[M]>, ApiArg<M>> }[keyof ApiRequests]>,
];
