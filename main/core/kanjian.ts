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
import { resolveProviderRequest } from './embed/providers.js';
import { Indexer } from './library/indexer.js';
import { ProgressTracker } from './library/progress.js';
import { scanFolder } from './library/scan.js';
import { FolderWatcher } from './library/watch.js';
import { thumbnailPathFor } from './media/thumbnail.js';
import { libraryPaths, type LibraryPaths } from './paths.js';
import { searchImages } from './search/search.js';
import { Store, toDetail, toSummary } from './store/index.js';
import { resolveModelDir } from './models/resolve.js';

export interface KanjianOptions {
  dataDir: string;
  /** A model package folder or an installed model id; default: the model chosen in settings. */
  model?: string | null;
  /** Watch library folders and index in the background (app, serve, watch); off for one-shot CLI runs. */
  watch?: boolean;
  /** Execution provider request ('auto' by default; also KANJIAN_EP). */
  provider?: string;
  /** Jobs in flight at once. */
  concurrency?: number;
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

  private constructor(
    readonly store: Store,
    private model: { model: EmbeddingModel; modelId: number } | null,
    private opts: KanjianOptions,
  ) {
    this.paths = libraryPaths(opts.dataDir);
    this.progress = new ProgressTracker(() => this.store.jobs.count('index'));
    this.indexer = new Indexer(
      store,
      { thumbDir: this.paths.thumbnails, model, concurrency: opts.concurrency },
      this.progress,
    );
  }

  static async open(opts: KanjianOptions): Promise<Kanjian> {
    const paths = libraryPaths(opts.dataDir);
    const store = Store.open(paths.database);
    let model: { model: EmbeddingModel; modelId: number } | null = null;
    try {
      const dir = await resolveModelDir(paths.dataDir, opts.model);
      if (dir) {
        const m = await openModel(dir, { provider: resolveProviderRequest(opts.provider) });
        model = { model: m, modelId: store.vectors.ensureModel(m.manifest.id, m.dim) };
        if (m.providerNote) opts.log?.(m.providerNote);
      }
    } catch (e) {
      store.close();
      throw e;
    }
    const k = new Kanjian(store, model, opts);
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
    void this.rescanAll();
  }

  private async watchFolder(id: number, root: string): Promise<void> {
    if (this.watchers.has(id) || !existsSync(root)) return;
    const w = new FolderWatcher(this.store, id, root, {
      onChange: () => {
        this.emitFolders();
        this.kick();
      },
      onError: (e) => this.opts.log?.(`watcher: ${e.message}`),
    });
    await w.start();
    this.watchers.set(id, w);
  }

  private async rescanAll(): Promise<void> {
    this.progress.start('scanning');
    for (const f of this.store.folders.all()) {
      if (!existsSync(f.path)) continue; // an unplugged drive is not a deletion
      await scanFolder(this.store, f.id, f.path);
    }
    this.progress.idle();
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
        } while (this.rekick && !this.closed);
        this.store.vectors.purgeOrphans(ORPHAN_GRACE_MS);
      } catch (e) {
        this.opts.log?.(`indexer: ${(e as Error).message}`);
      } finally {
        this.stopProgressTimer();
        this.kicking = null;
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

  /** Waits until background indexing has nothing left to do (tests, CLI). */
  async idle(): Promise<void> {
    while (this.kicking) await this.kicking;
  }

  /**
   * One-shot index of a folder (CLI `index`): adds it if needed, scans, drains the
   * queue, and reports what happened in this run.
   */
  async indexFolder(folder: string): Promise<IndexSummary> {
    const info = await this.addFolderRow(folder);
    this.progress.start('scanning');
    const scan = await scanFolder(this.store, info.id, info.path);
    const drained = await this.indexer.drain();
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
    if (typeof req?.query !== 'string') throw new TypeError('search: query must be a string');
    if (!this.model) {
      return {
        results: [],
        tookMs: 0,
        message:
          'No model is installed, so photos cannot be searched by meaning yet (they are still indexed: metadata and thumbnails). ' +
          'Download the default bilingual model with: npm run -s cli -- models download xlm-roberta-base-vit-b-32',
      };
    }
    return searchImages(this.store, this.model, req);
  }

  async listPhotos(req: { folderId?: number; offset?: number; limit?: number }) {
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
      void scanFolder(this.store, row.id, row.path).then(
        () => {
          this.emitFolders();
          this.kick();
        },
        (e) => this.opts.log?.(`scan: ${(e as Error).message}`),
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
    return {
      id: m?.manifest.id ?? null,
      name: m?.manifest.name ?? null,
      provider: m?.provider ?? null,
      providerNote: m?.providerNote ?? null,
      embeddingDim: m?.dim ?? null,
    };
  }

  async getStats(): Promise<LibraryStats> {
    const c = this.store.photos.counts();
    return { ...c, pending: this.store.jobs.count(), folders: this.store.folders.all().length };
  }

  // ---- for shells ----

  /** Thumbnail file of a photo in the library, or null. Shells serve only these paths. */
  thumbnailPath(photoId: number): string | null {
    const row = this.store.photos.byId(photoId);
    if (!row?.sha256 || !row.has_thumb) return null;
    return thumbnailPathFor(this.paths.thumbnails, row.sha256);
  }

  /** The original file of a photo in the library, or null. */
  originalPath(photoId: number): string | null {
    return this.store.photos.byId(photoId)?.path ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers.values()) await w.stop();
    this.watchers.clear();
    await this.indexer.stop();
    await this.kicking?.catch(() => undefined);
    this.stopProgressTimer();
    await this.model?.model.close();
    this.store.close();
    this.listeners.clear();
  }
}
