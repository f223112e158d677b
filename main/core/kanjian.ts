// The core, assembled: store + model slots + folders/watchers + the background pipeline +
// search behind the one API every shell exposes. No Electron import here; the shells (CLI,
// HTTP, Electron) wrap it. Each job lives in its own part under app/; this class wires them
// and delegates.
import path from 'node:path';
import type {
  MaintenanceReport,
  Album,
  AppSettings,
  CopyOutcome,
  DownloadState,
  DuplicatesRequest,
  DuplicatesResponse,
  FailedFile,
  FolderInfo,
  FolderListing,
  FolderNode,
  FolderTag,
  IndexProgress,
  IndexSummary,
  KanjianApi,
  KanjianEvent,
  LibraryFacets,
  LibraryStats,
  ModelInfo,
  ModelStatus,
  PhotoDetail,
  PhotoTag,
  QueryImageInfo,
  PlacesOverview,
  SearchRequest,
  SearchResponse,
  Tag,
  TagInfo,
  TimelineResponse,
  TrashOutcome,
  TrashPlan,
  TrashRequest,
} from './api.js';
import type { ApiArg } from './api-schemas.js';
import { Albums } from './albums/index.js';
import { BackgroundWork, EventHub } from './app/events.js';
import { copyPhotos } from './copy/index.js';
import { LibraryFolders } from './app/folders.js';
import type { ModelSlots } from './app/model-slots.js';
import { chooseModel, loadInstalledModel, modelStatus, openModelSlots, requireInstalled, settleSwitch } from './app/models.js';
import { ORPHAN_GRACE_MS, Pipeline } from './app/pipeline.js';
import { LibrarySearch } from './app/search.js';
import { Duplicates, type TrashFile } from './duplicates/index.js';
import type { LoadedModel } from './embed/loaded.js';
import type { Precision } from './embed/providers.js';
import { KanjianError } from './errors.js';
import { browseFolders } from './library/browse.js';
import { folderTree } from './library/folder-tree.js';
import { realPathInside } from './library/folder-rules.js';
import { Indexer } from './library/indexer.js';
import { keepIndexesForNextStart } from './knn/registry.js';
import { ProgressTracker } from './library/progress.js';
import { ensurePreview } from './media/preview.js';
import { thumbnailPathFor } from './media/thumbnail.js';
import { Maintenance } from './maintenance/index.js';
import { ModelDownloads } from './models/downloads.js';
import { installModelFromPath } from './models/install-local.js';
import { effectiveHfEndpoint, getAppSettings, updateAppSettings } from './settings/app-settings.js';
import { OcrRunner, WorkerOcrEngine, ocrEnabled } from './ocr/index.js';
import { indexPhases } from './app/run-report.js';
import { defaultCacheDir, libraryPaths, type LibraryPaths } from './paths.js';
import { Places } from './places/index.js';
import { Store, toDetail } from './store/index.js';
import { WriterLease } from './store/lease.js';
import { Tags, TagVectorCache, type Vocabulary } from './tags/index.js';

export interface KanjianOptions {
  dataDir: string;
  /** A model package folder or an installed model id; default: the model chosen in settings. */
  model?: string | null;
  /** Watch library folders and index in the background (app, serve, watch); off for one-shot CLI runs. */
  watch?: boolean;
  /** Execution provider request ('auto' by default; also KANJIAN_EP, or settings.provider). */
  provider?: string;
  /** 'int8' runs the package's quantised towers where it has them (CPU users); also settings.precision. */
  precision?: Precision;
  /** Jobs in flight at once. */
  concurrency?: number;
  /** Read the text in photos (OCR) in the background; default on unless KANJIAN_OCR=0. */
  ocr?: boolean;
  /**
   * Moves one file to the OS trash (trashPhotos). Default: the `trash` package (also in Electron,
   * whose utility process has no `shell`; its main process shows the native confirm first).
   * The core never deletes a file itself.
   */
  trashFile?: TrashFile;
  /** Directories the watchers may take (default: half of the OS's inotify budget on Linux; tests shrink it). */
  watchBudget?: number | null;
  /** Idle timeout of model downloads (tests shorten it). */
  downloadIdleTimeoutMs?: number;
  /** Tag vocabulary for this run (CLI --vocabulary) instead of the built-in one. */
  vocabulary?: Vocabulary;
  /**
   * The per-machine cache folder shared by every library (tag vectors, tags/vector-cache.ts);
   * default `defaultCacheDir()` (KANJIAN_CACHE, else the OS's per-user cache folder); null: none.
   */
  cacheDir?: string | null;
  log?: (message: string) => void;
  /** How other processes see this one while it writes the library ("kanjian watch"). */
  role?: string;
}

export class Kanjian implements KanjianApi {
  readonly paths: LibraryPaths;
  private events = new EventHub();
  private progress: ProgressTracker;
  private indexer: Indexer;
  private pipeline: Pipeline;
  private folders: LibraryFolders;
  private finder: LibrarySearch;
  private maintenance: Maintenance;
  private ocr: OcrRunner | null;
  private downloads: ModelDownloads;
  private closed = false;
  /** Duplicate groups, "not duplicates", trash-only removal (main/core/duplicates). */
  readonly duplicates: Duplicates;
  /** Auto-tags of photos and folders (main/core/tags). */
  readonly tags: Tags;
  /** The user's albums and favourites, by content (main/core/albums). */
  readonly albums: Albums;

  /** One writer per library (store/lease.ts); released on close. */
  private lease: WriterLease;

  private constructor(
    readonly store: Store,
    private slots: ModelSlots<LoadedModel>,
    private background: BackgroundWork,
    private opts: KanjianOptions,
  ) {
    this.paths = libraryPaths(opts.dataDir);
    this.downloads = new ModelDownloads(
      this.paths.dataDir,
      (download) => this.events.emit({ type: 'download', download }),
      // The first model a user downloads is the one they want to search with.
      (id) => this.useFirstModel(id),
      { endpoint: async () => effectiveHfEndpoint(await this.getSettings()), idleTimeoutMs: opts.downloadIdleTimeoutMs },
    );
    const readText = ocrEnabled(opts.ocr);
    // With text reading off, queued OCR jobs are not work left for this run (no phase stuck at 0 / n).
    this.progress = new ProgressTracker(
      () => this.store.jobs.count('index'),
      readText ? { ocr: () => this.store.jobs.count('ocr') } : {},
    );
    this.indexer = new Indexer(
      store,
      { thumbDir: this.paths.thumbnails, model: slots.index, concurrency: opts.concurrency, textGate: readText },
      this.progress,
    );
    // Everything after indexing steps aside for newly arrived files (the pipeline says when).
    const yieldNow = () => this.pipeline.yielding;
    this.ocr = readText
      ? new OcrRunner(store, new WorkerOcrEngine(), { shouldYield: yieldNow, onProgress: () => this.progress.tick('ocr') })
      : null;
    // Both work from the model whose vectors cover the library (search's).
    this.duplicates = new Duplicates(store, () => this.slots.search, opts.trashFile, yieldNow);
    const cacheDir = opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir;
    this.tags = new Tags(store, () => this.slots.search, {
      vocabulary: opts.vocabulary,
      shouldStop: yieldNow,
      log: opts.log,
      vectorCache: cacheDir ? new TagVectorCache(path.join(cacheDir, 'tag-vectors'), opts.log) : null,
    });
    this.folders = new LibraryFolders(store, this.events, this.progress, background, {
      dataDir: this.paths.dataDir,
      onChange: () => this.pipeline.kick(),
      isClosed: () => this.closed,
      watchBudget: opts.watchBudget,
      log: opts.log,
    });
    this.lease = new WriterLease(store.db, opts.role ?? 'kanjian');
    this.pipeline = new Pipeline({
      lease: this.lease,
      store,
      indexer: this.indexer,
      progress: this.progress,
      events: this.events,
      slots,
      ocr: () => this.ocr,
      tags: () => this.tags,
      duplicates: () => this.duplicates,
      emitFolders: () => this.folders.emitInfo(),
      emitModel: () => {
        this.emitModel();
        const done = this.slots.search;
        if (done && done === this.slots.index) {
          this.background.track(settleSwitch(this.paths.dataDir, done.model.manifest.id).catch((e) => opts.log?.(`settings: ${(e as Error).message}`)));
        }
      },
      log: opts.log,
    });
    this.finder = new LibrarySearch(store, slots, () => this.tags);
    this.maintenance = new Maintenance({
      store,
      paths: this.paths,
      lease: this.lease,
      loadedKeys: () => [slots.index?.key, slots.search?.key],
      busy: () => this.pipeline.busy,
      log: opts.log,
    });
    this.albums = new Albums(store);
  }

  static async open(opts: KanjianOptions): Promise<Kanjian> {
    const paths = libraryPaths(opts.dataDir);
    const store = Store.open(paths.database);
    const background = new BackgroundWork(opts.log);
    let slots: ModelSlots<LoadedModel>;
    try {
      slots = await openModelSlots(store, paths.dataDir, opts.model, { ...opts, backgroundClose: (p) => background.track(p) });
    } catch (e) {
      store.close();
      throw e;
    }
    const k = new Kanjian(store, slots, background, opts);
    k.pipeline.queueMissingVectors();
    // Photos indexed before places existed get theirs now (a no-op once done).
    await k.pipeline.backfillPlaces();
    if (opts.watch) {
      await k.folders.startWatching();
      k.maintenance.schedule();
    }
    return k;
  }

  // ---- events ----

  onEvent(listener: (e: KanjianEvent) => void): () => void {
    return this.events.on(listener);
  }

  private emitModel(): void {
    this.events.emit({ type: 'model', model: modelStatus(this.store, this.slots) });
  }

  // ---- indexing ----

  /** After indexing: tags new photos and finds their similar-shot neighbours. */
  analyseLibrary(): Promise<void> {
    return this.pipeline.analyse();
  }

  /** Waits until background indexing has nothing left to do (tests, CLI). */
  idle(): Promise<void> {
    return this.pipeline.idle();
  }

  /**
   * One-shot index of a folder (CLI `index`): adds it if needed, scans, drains the
   * queue, and reports what happened in this run.
   */
  async indexFolder(folder: string, opts: { analyse?: boolean } = {}): Promise<IndexSummary> {
    const row = await this.folders.addRow(folder, { allowExisting: true });
    this.progress.start('scanning');
    const scan = await this.folders.scan(row);
    const run = await this.pipeline.runOnce({ analyse: opts.analyse, graceMs: this.opts.watch ? ORPHAN_GRACE_MS : 0 });
    const { drained } = run;
    return {
      indexed: drained.indexed,
      unchanged: scan.unchanged,
      removed: scan.removed + drained.removed,
      failed: [...scan.unreadable, ...drained.failed],
      skipped: [...scan.skipped, ...drained.skipped],
      phases: indexPhases(run),
    };
  }

  // ---- API ----

  search(req: SearchRequest): Promise<SearchResponse> {
    return this.finder.search(req);
  }

  async listPhotos(req: ApiArg<'listPhotos'>) {
    return this.finder.listPhotos(req);
  }

  // ---- timeline, folder tree, facets (library/timeline.ts, folder-tree.ts, facets.ts) ----

  async timeline(req: ApiArg<'timeline'>): Promise<TimelineResponse> {
    return this.finder.timeline(req);
  }

  async facets(req: ApiArg<'facets'>): Promise<LibraryFacets> {
    return this.finder.facets(req);
  }

  async folderTree(id: number): Promise<FolderNode | null> {
    return folderTree(this.store.db, id);
  }

  async folderPathTags(req: ApiArg<'folderPathTags'>): Promise<FolderTag[]> {
    return this.tags.tagsUnder(req.path);
  }

  async getPhoto(id: number): Promise<PhotoDetail | null> {
    const row = this.store.photos.byId(id);
    if (!row) return null;
    const place = await new Places(this.store.db).photoPlace(id);
    return { ...toDetail(row), ...(place && { place }) };
  }

  async listPlaces(): Promise<PlacesOverview> {
    return new Places(this.store.db).overview();
  }

  async listFolders(): Promise<FolderInfo[]> {
    return this.folders.list();
  }

  /** `allowExisting`: the CLI's `watch` of a folder already in the library (re-watches it). */
  async addFolder(folder: string, opts: { allowExisting?: boolean } = {}): Promise<FolderInfo> {
    if (this.opts.watch) return this.folders.addWatched(folder, opts);
    const row = await this.folders.addRow(folder, opts);
    return this.folders.info(row.id);
  }

  removeFolder(id: number): Promise<void> {
    return this.folders.remove(id);
  }

  async listFailed(req: { folderId?: number; limit?: number }): Promise<FailedFile[]> {
    return this.store.photos.failed({ folderId: req?.folderId, limit: req?.limit });
  }

  async getProgress(): Promise<IndexProgress> {
    return this.progress.snapshot();
  }

  async getModel(): Promise<ModelStatus> {
    return modelStatus(this.store, this.slots);
  }

  async getStats(): Promise<LibraryStats> {
    const c = this.store.photos.counts();
    return { ...c, pending: this.store.jobs.count('index'), folders: this.store.folders.all().length };
  }

  // ---- models ----

  async listModels(): Promise<ModelInfo[]> {
    return this.downloads.list();
  }

  async downloadModel(id: string): Promise<DownloadState> {
    return this.downloads.start(id);
  }

  async cancelDownload(id: string): Promise<void> {
    this.downloads.cancel(id);
  }

  /**
   * Switches to an installed model. New photos use it at once; the library is re-embedded in
   * the background while search keeps the previous model, so results never go empty.
   */
  async useModel(id: string): Promise<ModelStatus> {
    await requireInstalled(id, this.paths.dataDir);
    if (this.slots.index?.model.manifest.id === id) return this.getModel();
    const next = await loadInstalledModel(this.store, this.paths.dataDir, id, this.opts);
    // Let jobs in flight finish with the old model; the queue below catches what they wrote.
    await this.indexer.stop();
    const searching = this.slots.search?.model.manifest.id ?? null;
    this.slots.switchTo(next);
    this.indexer.setModel(next);
    // Search stays on the model that last covered the library, so a restart mid-switch does too.
    await chooseModel(id, this.paths.dataDir, { searching });
    this.pipeline.queueMissingVectors();
    this.slots.finishIfComplete();
    this.emitModel();
    this.pipeline.kick();
    return this.getModel();
  }

  /** A model that arrived (download, install from a folder) is used when none is yet. */
  private async useFirstModel(id: string): Promise<void> {
    if (!this.slots.index) await this.useModel(id);
  }

  // ---- settings, folder browser, install from a folder ----

  async getSettings(): Promise<AppSettings> {
    return getAppSettings(this.paths.dataDir);
  }

  async updateSettings(patch: Partial<AppSettings>): Promise<AppSettings> {
    const settings = await updateAppSettings(this.paths.dataDir, patch);
    this.events.emit({ type: 'settings', settings });
    return settings;
  }

  async browseFolders(req: { path?: string }): Promise<FolderListing> {
    return browseFolders(req?.path, this.libraryRoots());
  }

  async installModelFromFolder(req: { path: string }): Promise<ModelInfo> {
    const { id } = await installModelFromPath(req.path, { dataDir: this.paths.dataDir });
    await this.useFirstModel(id);
    const info = (await this.listModels()).find((m) => m.id === id);
    if (!info) throw new KanjianError('internal', `Installed ${id} but cannot list it`, { client: false });
    this.emitModel();
    return info;
  }

  // ---- duplicates ----

  async findDuplicates(req: DuplicatesRequest): Promise<DuplicatesResponse> {
    return this.duplicates.find(req ?? {});
  }

  async dismissDuplicates(req: { photoIds: number[] }): Promise<{ pairs: number }> {
    return this.duplicates.dismiss(req.photoIds);
  }

  async planTrash(req: TrashRequest): Promise<TrashPlan> {
    return this.duplicates.planTrash(req);
  }

  async trashPhotos(req: TrashRequest & { confirmToken: string }): Promise<TrashOutcome> {
    const outcome = await this.duplicates.trashPhotos(req);
    if (outcome.trashed.length) {
      // Not beside another process's indexing: it could be re-adopting one of these vectors.
      this.pipeline.purgeIfWriter(this.opts.watch ? ORPHAN_GRACE_MS : 0);
      this.folders.emitInfo();
    }
    return outcome;
  }

  // ---- tags ----

  async photoTags(id: number): Promise<PhotoTag[]> {
    return this.tags.photoTags(id);
  }

  async folderTags(id: number): Promise<FolderTag[]> {
    return this.tags.folderTags(id);
  }

  async listTags(req: { query?: string; limit?: number }): Promise<TagInfo[]> {
    return this.tags.listTags(req ?? {});
  }

  async addCustomTag(req: { en?: string; zh?: string }): Promise<Tag> {
    const tag = this.tags.addCustomTag(req);
    // Every photo is re-scored with the new word in the vocabulary, in the background.
    this.retag();
    return tag;
  }

  async removeCustomTag(id: number): Promise<void> {
    this.tags.removeCustomTag(id);
    this.retag();
  }

  private retag(): void {
    void this.slots.using(() => this.tags.tagPending()).catch((e) => this.opts.log?.(`tags: ${(e as Error).message}`));
  }

  // ---- photos like this one, albums, favourites, copy to a folder ----

  addQueryImage(bytes: Uint8Array): Promise<QueryImageInfo> {
    return this.finder.addQueryImage(bytes);
  }

  async listAlbums(): Promise<Album[]> {
    return this.albums.list();
  }

  async createAlbum(req: { name: string }): Promise<Album> {
    return this.albums.create(req.name);
  }

  async renameAlbum(req: { id: number; name: string }): Promise<Album> {
    return this.albums.rename(req.id, req.name);
  }

  async deleteAlbum(id: number): Promise<void> {
    this.albums.remove(id);
  }

  async addToAlbum(req: { albumId: number; photoIds: number[] }): Promise<Album> {
    return this.albums.addPhotos(req.albumId, req.photoIds);
  }

  async removeFromAlbum(req: { albumId: number; photoIds: number[] }): Promise<Album> {
    return this.albums.removePhotos(req.albumId, req.photoIds);
  }

  async setFavourite(req: { photoIds: number[]; favourite: boolean }): Promise<{ favourites: number[] }> {
    return { favourites: this.albums.setFavourite(req.photoIds, req.favourite) };
  }

  async photoCollections(id: number): Promise<{ albums: number[]; favourite: boolean }> {
    return { albums: this.albums.albumsOf(id), favourite: this.albums.favouriteIds([id]).length > 0 };
  }

  copyPhotos(req: { photoIds: number[]; destination: string }): Promise<CopyOutcome> {
    return copyPhotos(req.photoIds, req.destination, { store: this.store, roots: this.libraryRoots(), dataDir: this.paths.dataDir });
  }

  // ---- for shells ----

  /** Thumbnail file of a photo in the library, or null. Shells serve only these paths. */
  thumbnailPath(photoId: number): string | null {
    const row = this.store.photos.byId(photoId);
    if (!row?.sha256 || !row.has_thumb) return null;
    return thumbnailPathFor(this.paths.thumbnails, row.sha256);
  }

  /**
   * A screen-sized preview of an indexed photo (made and cached on first use), or null. The
   * original is read only when it lies inside a library folder by its real path.
   */
  async previewPath(photoId: number): Promise<string | null> {
    const row = this.store.photos.byId(photoId);
    if (!row?.sha256 || row.status !== 'indexed') return null;
    const file = realPathInside(row.path, this.libraryRoots());
    if (!file) return null;
    try {
      return await ensurePreview(file, row.sha256, this.paths.previews);
    } catch (e) {
      this.opts.log?.(`preview ${row.path}: ${(e as Error).message}`);
      return null;
    }
  }

  /** Paths of the library folders (cheap: for per-request containment checks in the shells). */
  libraryRoots(): string[] {
    return this.store.folders.all().map((f) => f.path);
  }

  /** The original file of a photo in the library, or null. */
  originalPath(photoId: number): string | null {
    return this.store.photos.byId(photoId)?.path ?? null;
  }

  // ---- maintenance ----

  /**
   * Removes what nothing references any more (thumbnails of gone contents, temp files, side rows,
   * vectors of models neither installed nor in use). Refused while photos are being indexed.
   */
  collectGarbage(opts: { dryRun?: boolean; minAgeMs?: number } = {}): Promise<MaintenanceReport> {
    return this.maintenance.run(opts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pipeline.markClosed();
    await this.maintenance.stop();
    await this.background.settle();
    await this.folders.stopAll();
    this.downloads.cancelAll();
    await this.pipeline.stop();
    await this.ocr?.close();
    await this.duplicates.close();
    await this.background.settle();
    for (const m of this.slots.takeAll()) await m.model.close();
    this.lease.releaseAll();
    try {
      // The image index's codes and a big library's filter facets, for the next start to read
      // back (knn/registry.ts).
      keepIndexesForNextStart(this.store.db);
    } catch {
      // Caches: the next start builds them from the library instead.
    }
    this.store.close();
    this.events.clear();
  }
}
