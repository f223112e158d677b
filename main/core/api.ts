// The one API every shell exposes (Electron preload bridge, HTTP server, CLI).
// This file holds types only: it is all the renderer may import from main/.
// Keep it free of Node imports so it type-checks in the browser build too.

/** Where a result matched. Later issues add 'tags', 'ocr', 'metadata'. */
export type MatchView = 'image' | 'tags' | 'ocr' | 'metadata';

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
  error: string | null;
}

export type PhotoStatus = 'pending' | 'indexed' | 'failed';

export interface SearchRequest {
  query: string;
  limit?: number;
  /** Return only results with score >= this; default is the model's calibrated cut-off. */
  minScore?: number;
}

export interface SearchResult {
  photo: PhotoSummary;
  /** Higher is better. Cosine similarity for the image view. */
  score: number;
  views: MatchView[];
}

export interface SearchResponse {
  results: SearchResult[];
  /** Set when search could not run, e.g. no model installed; says what to do. */
  message?: string;
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
}

export interface FailedFile {
  path: string;
  error: string;
}

export interface IndexProgress {
  /** 'idle' when the queue is empty. */
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
  /** Human-readable note, e.g. why a GPU provider fell back to CPU. */
  providerNote: string | null;
  embeddingDim: number | null;
}

export interface IndexSummary {
  indexed: number;
  unchanged: number;
  removed: number;
  failed: FailedFile[];
}

export interface LibraryStats {
  photos: number;
  indexed: number;
  failed: number;
  pending: number;
  folders: number;
}

/** Events pushed to the UI (SSE in the browser, IPC in Electron). */
export type KanjianEvent =
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'folders'; folders: FolderInfo[] }
  | { type: 'model'; model: ModelStatus };

/**
 * The API. Every method is async and takes/returns plain JSON-able data so it
 * crosses IPC and HTTP unchanged.
 */
export interface KanjianApi {
  search(req: SearchRequest): Promise<SearchResponse>;
  listPhotos(req: { folderId?: number; offset?: number; limit?: number }): Promise<{ photos: PhotoSummary[]; total: number }>;
  getPhoto(id: number): Promise<PhotoDetail | null>;
  listFolders(): Promise<FolderInfo[]>;
  addFolder(path: string): Promise<FolderInfo>;
  /** Removes the folder from the library only; files on disk are never touched. */
  removeFolder(id: number): Promise<void>;
  listFailed(req: { folderId?: number; limit?: number }): Promise<FailedFile[]>;
  getProgress(): Promise<IndexProgress>;
  getModel(): Promise<ModelStatus>;
  getStats(): Promise<LibraryStats>;
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
 * errors are `{ "error": "…" }` with a 4xx/5xx status. Live events: `GET /api/events`
 * (Server-Sent Events, each `data:` line one KanjianEvent). Media: `GET /media/thumb/<id>`
 * and `GET /media/original/<id>`. Every request carries the per-run token, either as
 * `Authorization: Bearer <token>` or as `?token=<token>` (EventSource and <img> cannot set
 * headers); the page itself is opened as `/?token=<token>`.
 */
export interface KanjianClient extends KanjianApi {
  shell: 'electron' | 'browser';
  onEvent(listener: (event: KanjianEvent) => void): () => void;
  thumbnailUrl(photoId: number): string;
  originalUrl(photoId: number): string;
  desktop?: DesktopActions;
}

/** Method names callable over IPC/HTTP; shells validate against this list. */
export const API_METHODS = [
  'search', 'listPhotos', 'getPhoto', 'listFolders', 'addFolder', 'removeFolder',
  'listFailed', 'getProgress', 'getModel', 'getStats',
] as const satisfies readonly (keyof KanjianApi)[];
export type ApiMethod = (typeof API_METHODS)[number];
