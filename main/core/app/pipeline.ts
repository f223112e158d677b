// The background pipeline: after files change, index them (library/indexer), then tag and find
// similar shots, then build the search views (names, tag sequences) and read text in photos
// (OCR). New files arriving during a pass make the later steps yield and the pass start over,
// so indexing always goes first. Progress is sent to listeners while a pass runs.
import type { IndexProgress } from '../api.js';
import type { Duplicates } from '../duplicates/index.js';
import type { LoadedModel } from '../embed/loaded.js';
import type { DrainResult, Indexer } from '../library/indexer.js';
import type { ProgressTracker } from '../library/progress.js';
import type { OcrDrainResult, OcrRunner } from '../ocr/index.js';
import { Places } from '../places/index.js';
import { NameIndex } from '../search/names.js';
import { TagSequenceIndex } from '../search/tag-sequences.js';
import { refreshPlannerStats } from '../store/db.js';
import type { Store } from '../store/index.js';
import { describeHolder, type WriterLease } from '../store/lease.js';
import type { Tags } from '../tags/index.js';
import type { EventHub } from './events.js';
import type { ModelSlots } from './model-slots.js';

/** Vectors of deleted photos are kept this long in watch mode, so a slow move keeps them. */
export const ORPHAN_GRACE_MS = 10 * 60 * 1000;

export interface PipelineParts {
  store: Store;
  indexer: Indexer;
  progress: ProgressTracker;
  events: EventHub;
  slots: ModelSlots<LoadedModel>;
  /** Reads text in photos after indexing; null when OCR is turned off. */
  ocr: () => OcrRunner | null;
  tags: () => Tags;
  duplicates: () => Duplicates;
  /** After a pass: folder counts to listeners. */
  emitFolders: () => void;
  /** After a pass: the search model may have changed (a switch finished). */
  emitModel: () => void;
  /** Only its holder runs jobs, analyses and purges: another process may be on this library. */
  lease: WriterLease;
  log?: (message: string) => void;
}

/** What a foreground pass did, phase by phase (CLI `index` reports both). */
export interface RunOnceResult {
  drained: DrainResult;
  /** Wall time of the indexing phase: after it every photo is searchable by its pixels. */
  indexSeconds: number;
  /** The reading-text phase that followed, or null when OCR is off or was not run. */
  ocr: { result: OcrDrainResult; seconds: number; pending: number } | null;
}

export class Pipeline {
  private kicking: Promise<void> | null = null;
  private rekick = false;
  private closed = false;
  private progressTimer: NodeJS.Timeout | null = null;

  constructor(private p: PipelineParts) {}

  /** Work after indexing steps aside: the library is closing or new files arrived. */
  get yielding(): boolean {
    return this.closed || this.rekick;
  }

  /** True while a pass runs (indexing, analysis, views). */
  get busy(): boolean {
    return this.kicking !== null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs the pipeline in the background until the queue is empty. */
  kick(): void {
    if (this.closed) return;
    if (this.kicking) {
      this.rekick = true;
      return;
    }
    const release = this.p.slots.hold();
    this.kicking = (async () => {
      if (!(await this.acquireLease())) return release();
      this.startProgressTimer();
      try {
        do {
          this.rekick = false;
          const r = await this.p.indexer.drain();
          if (r.indexed || r.removed || r.failed.length) {
            this.p.log?.(`drain: indexed ${r.indexed}, removed ${r.removed}, failed ${r.failed.length}`);
          }
          this.syncNames();
          await this.syncPlaces();
          // Counts and progress are final for the photos now; tags and views come after.
          this.emitProgress();
          this.p.emitFolders();
          if (!this.rekick) await this.analyse();
          if (!this.rekick) await this.buildSearchViews();
        } while (this.rekick && !this.closed);
        this.p.store.vectors.purgeOrphans(ORPHAN_GRACE_MS);
        refreshPlannerStats(this.p.store.db);
        if (this.p.slots.finishIfComplete()) this.p.emitModel();
      } catch (e) {
        this.p.log?.(`indexer: ${(e as Error).message}`);
      } finally {
        this.p.lease.release();
        this.stopProgressTimer();
        this.p.progress.endRun();
        this.kicking = null;
        release();
        if (!this.closed) {
          this.emitProgress();
          this.p.emitFolders();
        }
      }
    })();
  }

  /** Waits until background indexing has nothing left to do (tests, CLI). */
  async idle(): Promise<void> {
    while (this.kicking) await this.kicking;
  }

  /** One pass in the foreground (CLI `index`): drain, then (unless skipped) analyse and views. */
  async runOnce(opts: { analyse?: boolean; graceMs: number }): Promise<RunOnceResult> {
    // Another process (the app) may be indexing this library: its queue is ours too, so wait.
    if (!(await this.acquireLease())) throw new Error('Kanjian is closing');
    try {
      const t0 = performance.now();
      const drained = await this.p.slots.using(() => this.p.indexer.drain());
      this.syncNames();
      const indexSeconds = (performance.now() - t0) / 1000;
      await this.syncPlaces();
      let ocr: RunOnceResult['ocr'] = null;
      // Tags, duplicates and the search views build on the index; benches time them apart.
      if (opts.analyse !== false) {
        await this.analyse();
        ocr = await this.buildSearchViews();
      }
      this.p.store.vectors.purgeOrphans(opts.graceMs);
      refreshPlannerStats(this.p.store.db);
      return { drained, indexSeconds, ocr };
    } finally {
      this.p.lease.release();
      this.p.progress.endRun();
    }
  }

  /** Purges orphaned vectors now if no other process writes (else its next pass does). */
  purgeIfWriter(graceMs: number): void {
    if (this.p.lease.tryAcquire()) return;
    try {
      this.p.store.vectors.purgeOrphans(graceMs);
    } finally {
      this.p.lease.release();
    }
  }

  /** Waits while another process writes this library (saying who, once); false when closing. */
  private acquireLease(): Promise<boolean> {
    return this.p.lease.acquire({
      cancelled: () => this.closed,
      onWait: (h) => this.p.log?.(`Waiting: another Kanjian process is indexing this library: ${describeHolder(h)}`),
    });
  }

  /** Photos indexed before this model was chosen get a vector in the background. */
  queueMissingVectors(): void {
    const m = this.p.slots.index;
    if (!m) return;
    const rows = this.p.store.db
      .prepare(
        `SELECT p.path, p.folder_id AS folderId FROM photos p
          WHERE p.status = 'indexed' AND p.sha256 IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.sha256 = p.sha256)`,
      )
      .all(m.modelId) as { path: string; folderId: number }[];
    if (rows.length) {
      this.p.store.jobs.enqueue('index', rows);
      this.p.progress.expectEmbedding(rows.map((r) => r.path));
    }
  }

  /**
   * After indexing: tags new photos and finds their similar-shot neighbours (both incremental,
   * both quick next to embedding), then has a big library's duplicate groups built in the
   * background. Errors are logged: indexing results stay either way.
   */
  async analyse(): Promise<void> {
    if (this.closed) return;
    try {
      await this.p.slots.using(async () => {
        const { progress } = this.p;
        progress.start('tagging', this.p.tags().untaggedCount());
        progress.tick('tagging', await this.p.tags().tagPending());
        progress.start('similar', this.p.duplicates().unscannedCount());
        progress.tick('similar', await this.p.duplicates().scan());
        progress.stepDone();
        this.p.duplicates().warm();
      });
    } catch (e) {
      this.p.log?.(`tags/duplicates: ${(e as Error).message}`);
    }
  }

  /**
   * Name entries (metadata view) of the photos just indexed, renamed or moved. Here, right after
   * indexing, and never at query time: search only reads (a query racing this misses the newest
   * names for a moment, which is all).
   */
  private syncNames(): void {
    try {
      new NameIndex(this.p.store.db).sync();
    } catch (e) {
      this.p.log?.(`names: ${(e as Error).message}`);
    }
  }

  /**
   * Places (place view, Places page) of the photos just indexed or whose GPS changed, and, the
   * first time, of every photo indexed before places existed. Right after indexing, like names:
   * it needs no model, so the place view answers from the first hour.
   */
  private async syncPlaces(): Promise<void> {
    try {
      await new Places(this.p.store.db).sync();
    } catch (e) {
      this.p.log?.(`places: ${(e as Error).message}`);
    }
  }

  /** At open: the places backfill of a library indexed before places existed, if no other process writes. */
  async backfillPlaces(): Promise<void> {
    if (this.closed || this.p.lease.tryAcquire()) return;
    try {
      await this.syncPlaces();
    } finally {
      this.p.lease.release();
    }
  }

  /**
   * After tagging: embeds new tag sequences for the tag view, then reads the text in indexed
   * photos until the OCR queue is empty or new files arrive (main/core/search, main/core/ocr).
   */
  private async buildSearchViews(): Promise<RunOnceResult['ocr']> {
    if (this.closed) return null;
    try {
      await this.p.slots.using(async () => {
        const m = this.p.slots.search;
        if (m) await new TagSequenceIndex(this.p.store.db).sync(m, () => this.yielding);
      });
    } catch (e) {
      this.p.log?.(`search views: ${(e as Error).message}`);
    }
    const ocr = this.p.ocr();
    if (!ocr || this.closed) return null;
    const t0 = performance.now();
    this.p.progress.start('ocr');
    // Every photo is searchable by its pixels now; listeners see the text phase begin.
    this.emitProgress();
    const r = await ocr.drain();
    this.p.progress.stepDone();
    for (const f of r.failed) this.p.log?.(`ocr: ${f.path}: ${f.error}`);
    return { result: r, seconds: (performance.now() - t0) / 1000, pending: this.p.store.jobs.count('ocr') };
  }

  /** From now on nothing new starts and running steps yield (first step of closing). */
  markClosed(): void {
    this.closed = true;
  }

  /** Stops the loop: the indexer after its jobs in flight, OCR after its photo. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.p.indexer.stop();
    await this.p.ocr()?.stop();
    await this.kicking?.catch(() => undefined);
    this.stopProgressTimer();
  }

  snapshot(): IndexProgress {
    return this.p.progress.snapshot();
  }

  private emitProgress(): void {
    this.p.events.emit({ type: 'progress', progress: this.snapshot() });
  }

  private startProgressTimer(): void {
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => this.emitProgress(), 250);
  }

  private stopProgressTimer(): void {
    if (this.progressTimer) clearInterval(this.progressTimer);
    this.progressTimer = null;
  }
}
