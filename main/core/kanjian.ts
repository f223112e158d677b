// The core, assembled: store + indexer + watchers + model + search behind the one API
// every shell exposes. No Electron import here; the shells (CLI, HTTP, Electron) wrap it.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type {
  FailedFile,
  FolderInfo,
  IndexProgress,
  IndexSummary,
  KanjianApi,
  KanjianEvent,
  LibraryStats,
  ModelStatus,
  PhotoDetail,
  SearchRequest,
  SearchResponse,
} from './api.js';
import { openModel, type EmbeddingModel } from './embed/encoder.js';
import { resolveProviderRequest, type Precision } from './embed/providers.js';
import { Indexer } from './library/indexer.js';
import { ProgressTracker } from './library/progress.js';
import { scanFolder } from './library/scan.js';
import { FolderWatcher } from './library/watch.js';
import { thumbnailPathFor } from './media/thumbnail.js';
import { libraryPaths, type LibraryPaths } from './paths.js';
import { searchPhotos } from './search/search.js';
import { OcrRunner, WorkerOcrEngine, ocrEnabled } from './ocr/index.js';
import { TagSequenceIndex } from './search/tag-sequences.js';
import { NameIndex } from './search/names.js';
import { isInside, Store, toDetail, toSummary } from './store/index.js';
import { resolveModelDir } from './models/resolve.js';
import { ModelDownloads } from './models/downloads.js';
import { installedModelDir, isInstalled } from './models/install.js';
import { readSettings, updateSettings, type Settings } from './models/settings.js';
import type { DownloadState, ModelInfo } from './api.js';
import type {
  DuplicatesRequest,
  DuplicatesResponse,
  FolderTag,
  PhotoSummary,
  PhotoTag,
  SearchResult,
  Tag,
  TagInfo,
  TrashOutcome,
  TrashPlan,
} from './api.js';
import { Duplicates, type TrashFile } from './duplicates/index.js';
import { Tags, type Vocabulary } from './tags/index.js';

/** An open model and its row id in the store (which names its vector table). */
type LoadedModel = { model: EmbeddingModel; modelId: number };

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
  /** Tag vocabulary for this run (CLI --vocabulary) instead of the built-in one. */
  vocabulary?: Vocabulary;
  log?: (message: string) => void;
}

/** Vectors of deleted photos are kept this long in watch mode, so a slow move keeps them. */
const ORPHAN_GRACE_MS = 10 * 60 * 1000;

export class Kanjian implements KanjianApi {
  readonly paths: LibraryPaths;
  private listeners = new Set<(e: KanjianEvent) => void>();
  private watchers = new Map<number, FolderWatcher>();
  private progress: ProgressTracker;
  private indexer: Indexer;
  private kicking: Promise<void> | null = null;
  private rekick = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private background = new Set<Promise<unknown>>();
  /** Models replaced by a switch, closed when nothing runs on them any more. */
  private retired: LoadedModel[] = [];
  private activeSearches = 0;
  /** Reads text in photos after indexing; null when OCR is turned off. */
  private ocr: OcrRunner | null;
  private downloads: ModelDownloads;
  /** Duplicate groups, "not duplicates", trash-only removal (main/core/duplicates). */
  readonly duplicates: Duplicates;
  /** Auto-tags of photos and folders (main/core/tags). */
  readonly tags: Tags;

  private constructor(
    readonly store: Store,
    /** The model new photos are embedded with. */
    private model: LoadedModel | null,
    /** The model queries use: the previous one while a switch re-embeds the library. */
    private searchModel: LoadedModel | null,
    private opts: KanjianOptions,
  ) {
    this.paths = libraryPaths(opts.dataDir);
    this.downloads = new ModelDownloads(
      this.paths.dataDir,
      (download) => this.emit({ type: 'download', download }),
      // The first model a user downloads is the one they want to search with.
      async (id) => {
        if (!this.model) await this.useModel(id);
      },
    );
    this.progress = new ProgressTracker(() => this.store.jobs.count('index'));
    this.indexer = new Indexer(
      store,
      { thumbDir: this.paths.thumbnails, model, concurrency: opts.concurrency },
      this.progress,
    );
    // OCR waits for indexing: it yields between photos as soon as new files are signalled.
    this.ocr = ocrEnabled(opts.ocr)
      ? new OcrRunner(store, new WorkerOcrEngine(), { shouldYield: () => this.closed || this.rekick })
      : null;
    // Both work from the model whose vectors cover the library (search's), and step aside for
    // newly arrived files like OCR does.
    const yieldNow = () => this.closed || this.rekick;
    this.duplicates = new Duplicates(store, () => this.searchModel, opts.trashFile, yieldNow);
    this.tags = new Tags(store, () => this.searchModel, { vocabulary: opts.vocabulary, shouldStop: yieldNow, log: opts.log });
  }

  static async open(opts: KanjianOptions): Promise<Kanjian> {
    const paths = libraryPaths(opts.dataDir);
    const store = Store.open(paths.database);
    let model: LoadedModel | null = null;
    let searchModel: LoadedModel | null = null;
    try {
      const settings = await readSettings(paths.dataDir);
      const runtime = runtimeChoice(opts, settings);
      const dir = await resolveModelDir(paths.dataDir, opts.model);
      if (dir) {
        model = await loadModel(store, dir, runtime, opts.log);
        searchModel = model;
        // A switch that had not finished re-embedding: keep searching with the previous model.
        const prev = settings.previousModel;
        if (!opts.model && prev && prev !== model.model.manifest.id && !isComplete(store, model)) {
          if (await isInstalled(prev, paths.dataDir)) {
            searchModel = await loadModel(store, installedModelDir(prev, paths.dataDir), runtime, opts.log);
          }
        }
      }
    } catch (e) {
      await model?.model.close();
      store.close();
      throw e;
    }
    const k = new Kanjian(store, model, searchModel, opts);
    if (model) k.queueMissingVectors();
    if (opts.watch) await k.startWatching();
    return k;
  }

  // ---- events ----

  onEvent(listener: (e: KanjianEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: KanjianEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a broken listener (closed SSE stream) must not stop indexing
      }
    }
  }

  // ---- indexing ----

  /** Photos indexed before this model was chosen get a vector in the background. */
  private queueMissingVectors(): void {
    if (!this.model) return;
    const rows = this.store.db
      .prepare(
        `SELECT p.path, p.folder_id AS folderId FROM photos p
          WHERE p.status = 'indexed' AND p.sha256 IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.sha256 = p.sha256)`,
      )
      .all(this.model.modelId) as { path: string; folderId: number }[];
    if (rows.length) this.store.jobs.enqueue('index', rows);
  }

  private async startWatching(): Promise<void> {
    for (const f of this.store.folders.all()) await this.watchFolder(f.id, f.path);
    // Catch up with what changed while we were not running, then resume the queue.
    this.track(this.rescanAll());
  }

  /** Background work that close() must wait for; its errors are logged, never unhandled. */
  private track(p: Promise<unknown>): void {
    const t = p.catch((e) => this.opts.log?.(`background: ${(e as Error).message}`)).finally(() => this.background.delete(t));
    this.background.add(t);
  }

  private async watchFolder(id: number, root: string): Promise<void> {
    if (this.watchers.has(id) || !existsSync(root)) return;
    const w = new FolderWatcher(this.store, id, root, {
      onChange: () => {
        this.emitFolders();
        this.kick();
      },
      onError: (e) => this.opts.log?.(`watcher: ${e.message}`),
      exclude: [this.paths.dataDir],
    });
    try {
      await w.start();
      this.watchers.set(id, w);
    } catch (e) {
      // E.g. the OS watch limit (inotify) is reached: the library still opens; changes in this
      // folder are picked up by the rescan at the next start.
      this.opts.log?.(`Cannot watch ${root}: ${(e as Error).message}. Changes there are found at the next start.`);
    }
  }

  private async rescanAll(): Promise<void> {
    this.progress.start('scanning');
    try {
      for (const f of this.store.folders.all()) {
        if (this.closed) return;
        if (!existsSync(f.path)) continue; // an unplugged drive is not a deletion
        await scanFolder(this.store, f.id, f.path, { exclude: [this.paths.dataDir] });
      }
    } finally {
      this.progress.idle();
    }
    this.kick();
  }

  /** Runs the indexer in the background until the queue is empty. */
  private kick(): void {
    if (this.closed) return;
    if (this.kicking) {
      this.rekick = true;
      return;
    }
    this.kicking = (async () => {
      this.startProgressTimer();
      try {
        do {
          this.rekick = false;
          await this.indexer.drain();
          // Counts and progress are final for the photos now; tags and views come after.
          this.emit({ type: 'progress', progress: this.progress.snapshot() });
          this.emitFolders();
          if (!this.rekick) await this.analyseLibrary();
          if (!this.rekick) await this.buildSearchViews();
        } while (this.rekick && !this.closed);
        this.store.vectors.purgeOrphans(ORPHAN_GRACE_MS);
        await this.finishSwitchIfComplete();
      } catch (e) {
        this.opts.log?.(`indexer: ${(e as Error).message}`);
      } finally {
        this.stopProgressTimer();
        this.kicking = null;
        this.releaseRetired();
        if (!this.closed) {
          this.emit({ type: 'progress', progress: this.progress.snapshot() });
          this.emitFolders();
        }
      }
    })();
  }

  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => {
      this.emit({ type: 'progress', progress: this.progress.snapshot() });
    }, 250);
  }

  private stopProgressTimer(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = null;
  }

  private emitFolders(): void {
    if (this.listeners.size) this.emit({ type: 'folders', folders: this.store.folders.info() });
  }

  /**
   * After tagging: indexes new names, embeds new tag sequences for the tag view, then reads the
   * text in indexed photos until the OCR queue is empty or new files arrive (main/core/search,
   * main/core/ocr).
   */
  private async buildSearchViews(): Promise<void> {
    if (this.closed) return;
    try {
      // Name entries of new photos now rather than at the next search (which also catches up).
      new NameIndex(this.store.db).sync();
      if (this.searchModel) await new TagSequenceIndex(this.store.db).sync(this.searchModel, () => this.closed || this.rekick);
    } catch (e) {
      this.opts.log?.(`search views: ${(e as Error).message}`);
    }
    if (!this.ocr || this.closed) return;
    const r = await this.ocr.drain();
    for (const f of r.failed) this.opts.log?.(`ocr: ${f.path}: ${f.error}`);
  }

  /**
   * After indexing: tags new photos and finds their similar-shot neighbours (both incremental,
   * both quick next to embedding). Errors are logged: indexing results stay either way.
   */
  async analyseLibrary(): Promise<void> {
    if (this.closed) return;
    try {
      await this.tags.tagPending();
      await this.duplicates.scan();
    } catch (e) {
      this.opts.log?.(`tags/duplicates: ${(e as Error).message}`);
    }
  }

  /** Waits until background indexing has nothing left to do (tests, CLI). */
  async idle(): Promise<void> {
    while (this.kicking) await this.kicking;
  }

  /**
   * One-shot index of a folder (CLI `index`): adds it if needed, scans, drains the
   * queue, and reports what happened in this run.
   */
  async indexFolder(folder: string, opts: { analyse?: boolean } = {}): Promise<IndexSummary> {
    const info = await this.addFolderRow(folder);
    this.progress.start('scanning');
    const scan = await scanFolder(this.store, info.id, info.path, { exclude: [this.paths.dataDir] });
    const drained = await this.indexer.drain();
    // Tags, duplicates and the search views build on the index; benches time them apart.
    if (opts.analyse !== false) {
      await this.analyseLibrary();
      await this.buildSearchViews();
    }
    this.store.vectors.purgeOrphans(this.opts.watch ? ORPHAN_GRACE_MS : 0);
    return {
      indexed: drained.indexed,
      unchanged: scan.unchanged,
      removed: scan.removed + drained.removed,
      failed: [...scan.unreadable, ...drained.failed],
    };
  }

  // ---- API ----

  async search(req: SearchRequest): Promise<SearchResponse> {
    this.activeSearches++;
    try {
      return await this.searchNow(req);
    } finally {
      this.activeSearches--;
      this.releaseRetired();
    }
  }

  private async searchNow(req: SearchRequest): Promise<SearchResponse> {
    if (typeof req?.query !== 'string') throw new TypeError('search: query must be a string');
    if (!this.searchModel) {
      return {
        results: [],
        tookMs: 0,
        message:
          'No model is installed, so photos cannot be searched by meaning yet (they are still indexed: metadata and thumbnails). ' +
          'Download the default bilingual model with: npm run -s cli -- models download xlm-roberta-base-vit-b-32',
      };
    }
    const tag = req.filters?.tag;
    if (tag === undefined) return searchPhotos(this.store, this.searchModel, req);
    // Tag filter: narrow what the other filters and views found to photos carrying the tag.
    const limit = Math.min(Math.max(1, Math.trunc(req.limit ?? 50)), 1000);
    const { tag: _tag, ...filters } = req.filters!;
    const onlyTag = !req.query.trim() && Object.keys(filters).length === 0;
    if (onlyTag) {
      const started = performance.now();
      const { photos } = this.tags.photosWithTag(tag, { limit });
      const results: SearchResult[] = photos.map((photo) => ({ photo, score: 1, views: ['tags'] }));
      return { results, model: this.searchModel.model.manifest.id, tookMs: Math.round(performance.now() - started) };
    }
    const res = await searchPhotos(this.store, this.searchModel, { ...req, filters, limit: 1000 });
    const contents = this.tags.contentsWithTag(tag) ?? new Set<string>();
    res.results = res.results
      .filter((r) => {
        const sha = this.store.photos.byId(r.photo.id)?.sha256;
        return !!sha && contents.has(sha);
      })
      .slice(0, limit);
    return res;
  }

  async listPhotos(req: { folderId?: number; offset?: number; limit?: number; tag?: string }) {
    if (req?.tag !== undefined) {
      return this.tags.photosWithTag(req.tag, { folderId: req.folderId, offset: req.offset, limit: Math.min(req.limit ?? 200, 1000) });
    }
    const { rows, total } = this.store.photos.list({
      folderId: req?.folderId,
      offset: req?.offset,
      limit: Math.min(req?.limit ?? 200, 1000),
    });
    return { photos: rows.map(toSummary), total };
  }

  async getPhoto(id: number): Promise<PhotoDetail | null> {
    const row = this.store.photos.byId(id);
    return row ? toDetail(row) : null;
  }

  async listFolders(): Promise<FolderInfo[]> {
    return this.store.folders.info();
  }

  private async addFolderRow(folder: string) {
    if (typeof folder !== 'string' || !folder) throw new TypeError('addFolder: path must be a non-empty string');
    const abs = path.resolve(folder);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new Error(`Folder not found: ${abs}`);
    }
    if (!st.isDirectory()) throw new Error(`Not a folder: ${abs}`);
    if (isInside(this.paths.dataDir, abs)) throw new Error(`That is Kanjian's own data folder: ${abs}`);
    // Absorbed child folders lose their watchers; the parent's watcher covers them.
    const before = new Set(this.store.folders.all().map((f) => f.id));
    const row = this.store.folders.add(abs);
    for (const id of before) {
      if (!this.store.folders.byId(id)) {
        await this.watchers.get(id)?.stop();
        this.watchers.delete(id);
      }
    }
    return row;
  }

  async addFolder(folder: string): Promise<FolderInfo> {
    const row = await this.addFolderRow(folder);
    if (this.opts.watch) {
      await this.watchFolder(row.id, row.path);
      this.progress.start('scanning');
      this.emit({ type: 'progress', progress: this.progress.snapshot() });
      this.track(
        scanFolder(this.store, row.id, row.path, { exclude: [this.paths.dataDir] }).then(() => {
          this.emitFolders();
          this.kick();
        }),
      );
    }
    return this.store.folders.info().find((f) => f.id === row.id)!;
  }

  async removeFolder(id: number): Promise<void> {
    if (!Number.isInteger(id)) throw new TypeError('removeFolder: id must be an integer');
    await this.watchers.get(id)?.stop();
    this.watchers.delete(id);
    this.store.tx(() => {
      this.store.folders.remove(id);
      this.store.vectors.markOrphans();
    });
    this.emitFolders();
  }

  async listFailed(req: { folderId?: number; limit?: number }): Promise<FailedFile[]> {
    return this.store.photos.failed({ folderId: req?.folderId, limit: req?.limit });
  }

  async getProgress(): Promise<IndexProgress> {
    return this.progress.snapshot();
  }

  async getModel(): Promise<ModelStatus> {
    const m = this.model?.model;
    const switching = this.model && this.searchModel && this.searchModel !== this.model;
    let reembedding: ModelStatus['reembedding'] = null;
    if (this.model) {
      const c = this.store.vectors.coverage(this.model.modelId);
      if (c.embedded < c.contents) reembedding = { done: c.embedded, total: c.contents };
    }
    return {
      id: m?.manifest.id ?? null,
      name: m?.manifest.name ?? null,
      provider: m?.provider ?? null,
      providerNote: m?.providerNote ?? null,
      embeddingDim: m?.dim ?? null,
      searchModelId: switching ? this.searchModel!.model.manifest.id : null,
      reembedding,
    };
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
    if (!(await isInstalled(id, this.paths.dataDir))) {
      throw new Error(`Model "${id}" is not installed. Download it first (npm run -s cli -- models download ${id}).`);
    }
    if (this.model?.model.manifest.id === id) return this.getModel();
    const settings = await readSettings(this.paths.dataDir);
    const next = await loadModel(
      this.store,
      installedModelDir(id, this.paths.dataDir),
      runtimeChoice(this.opts, settings),
      this.opts.log,
    );
    // Let jobs in flight finish with the old model; the queue below catches what they wrote.
    await this.indexer.stop();
    const previous = this.model;
    this.model = next;
    this.indexer.setModel(next);
    if (!this.searchModel) this.searchModel = next;
    // Search stays on the model that last covered the library, so a restart mid-switch does too.
    await updateSettings(this.paths.dataDir, { model: id, previousModel: this.searchModel.model.manifest.id });
    this.retire(previous);
    this.queueMissingVectors();
    await this.finishSwitchIfComplete();
    this.emit({ type: 'model', model: await this.getModel() });
    this.kick();
    return this.getModel();
  }

  /** Once the new model covers the library, search moves to it and the old one is released. */
  private async finishSwitchIfComplete(): Promise<void> {
    if (!this.model || this.searchModel === this.model || !isComplete(this.store, this.model)) return;
    const old = this.searchModel;
    this.searchModel = this.model;
    this.retire(old);
    this.emit({ type: 'model', model: await this.getModel() });
  }

  /**
   * A model no slot uses any more is closed once nothing can still be running on it: no
   * background pass (indexing, tagging, views) and no search in flight.
   */
  private retire(m: LoadedModel | null): void {
    if (m && m !== this.model && m !== this.searchModel && !this.retired.includes(m)) this.retired.push(m);
    this.releaseRetired();
  }

  private releaseRetired(): void {
    if (this.kicking || this.activeSearches > 0) return;
    for (const m of this.retired.splice(0)) {
      if (m !== this.model && m !== this.searchModel) this.track(m.model.close());
    }
  }

  async getStats(): Promise<LibraryStats> {
    const c = this.store.photos.counts();
    return { ...c, pending: this.store.jobs.count('index'), folders: this.store.folders.all().length };
  }

  // ---- duplicates ----

  async findDuplicates(req: DuplicatesRequest): Promise<DuplicatesResponse> {
    return this.duplicates.find(req ?? {});
  }

  async dismissDuplicates(req: { photoIds: number[] }): Promise<{ pairs: number }> {
    return this.duplicates.dismiss(req.photoIds);
  }

  async planTrash(photoIds: number[]): Promise<TrashPlan> {
    return this.duplicates.planTrash(photoIds);
  }

  async trashPhotos(req: { photoIds: number[]; confirmToken: string }): Promise<TrashOutcome> {
    const outcome = await this.duplicates.trashPhotos(req);
    if (outcome.trashed.length) {
      this.store.vectors.purgeOrphans(this.opts.watch ? ORPHAN_GRACE_MS : 0);
      this.emitFolders();
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
    void this.tags.tagPending().catch((e) => this.opts.log?.(`tags: ${(e as Error).message}`));
    return tag;
  }

  async removeCustomTag(id: number): Promise<void> {
    this.tags.removeCustomTag(id);
    void this.tags.tagPending().catch((e) => this.opts.log?.(`tags: ${(e as Error).message}`));
  }

  // ---- for shells ----

  /** Thumbnail file of a photo in the library, or null. Shells serve only these paths. */
  thumbnailPath(photoId: number): string | null {
    const row = this.store.photos.byId(photoId);
    if (!row?.sha256 || !row.has_thumb) return null;
    return thumbnailPathFor(this.paths.thumbnails, row.sha256);
  }

  /** Paths of the library folders (cheap: for per-request containment checks in the shells). */
  libraryRoots(): string[] {
    return this.store.folders.all().map((f) => f.path);
  }

  /** The original file of a photo in the library, or null. */
  originalPath(photoId: number): string | null {
    return this.store.photos.byId(photoId)?.path ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.background);
    for (const w of this.watchers.values()) await w.stop();
    this.watchers.clear();
    this.downloads.cancelAll();
    await this.indexer.stop();
    await this.ocr?.stop();
    await this.kicking?.catch(() => undefined);
    await this.ocr?.close();
    this.stopProgressTimer();
    await Promise.all(this.background);
    for (const m of this.retired.splice(0)) await m.model.close();
    await this.model?.model.close();
    if (this.searchModel !== this.model) await this.searchModel?.model.close();
    this.store.close();
    this.listeners.clear();
  }
}

interface RuntimeChoice {
  provider?: string;
  precision?: Precision;
}

/** Options win over settings.json; KANJIAN_EP still overrides an unset provider (providers.ts). */
function runtimeChoice(opts: KanjianOptions, settings: Settings): RuntimeChoice {
  const precision = opts.precision ?? (settings.precision === 'int8' ? 'int8' : undefined);
  return { provider: opts.provider ?? settings.provider, precision };
}

async function loadModel(store: Store, dir: string, runtime: RuntimeChoice, log?: (m: string) => void): Promise<LoadedModel> {
  const m = await openModel(dir, { provider: resolveProviderRequest(runtime.provider), precision: runtime.precision });
  if (m.providerNote) log?.(m.providerNote);
  try {
    return { model: m, modelId: store.vectors.ensureModel(m.manifest.id, m.dim) };
  } catch (e) {
    await m.close();
    throw e;
  }
}

function isComplete(store: Store, m: LoadedModel): boolean {
  const c = store.vectors.coverage(m.modelId);
  return c.embedded >= c.contents;
}
