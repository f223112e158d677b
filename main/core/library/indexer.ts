// The indexing pipeline: takes jobs from the SQLite queue, decodes each photo (sharp,
// on libuv threads), embeds it (onnxruntime, on its own threads) and stores the result.
// Several jobs are in flight so decoding the next photos overlaps inference of the
// current one; inference itself is serialised because one session saturates the CPU.
import { putNearHashes } from '../store/near-hashes.js';
import { OCR_GATE_ENGINE } from '../media/text-gate.js';
import { OcrRepo } from '../ocr/repo.js';
import { stat } from 'node:fs/promises';
import { analyzePhoto } from '../media/analyze.js';
import { processDecodeBudget, type ByteBudget } from '../media/budget.js';
import { MediaError } from '../media/errors.js';
import type { LoadedModel } from '../embed/loaded.js';
import { failureCode, type FailureCode } from '../media/error-codes.js';
import type { FailedFile, SkippedFile } from '../api.js';
import { checkInLibrary } from '../fs/real-path.js';
import type { JobRow, PhotoInput, Store } from '../store/index.js';
import type { ProgressTracker } from './progress.js';

export interface IndexerOptions {
  thumbDir: string;
  /** The image model, or null to index metadata and thumbnails only. */
  model: LoadedModel | null;
  /** Jobs in flight at once (decode overlap). */
  concurrency?: number;
  pixelLimit?: number;
  /** Unexpected (non-media) errors are retried this many times before the file is marked failed. */
  maxAttempts?: number;
  /** Decoded bytes in flight at once (default: the process's shared budget). */
  decodeBudget?: ByteBudget;
  /**
   * Run the no-text gate (media/text-gate.ts) on the decoded pixels: a photo it clears gets an
   * empty text row in its own transaction, so OCR never reads it. On when OCR is.
   */
  textGate?: boolean;
}

export interface DrainResult {
  indexed: number;
  reused: number;
  failed: FailedFile[];
  removed: number;
  /** Queued files not read because they are links or lie outside the library by real path. */
  skipped: SkippedFile[];
  /** Photos the no-text gate cleared (never queued for OCR). */
  noText: number;
}

export class Indexer {
  private running: Promise<DrainResult> | null = null;
  private stopRequested = false;
  private embedChain: Promise<unknown> = Promise.resolve();
  private ocrRepo: OcrRepo;
  private get decodeBudget(): ByteBudget {
    return this.opts.decodeBudget ?? processDecodeBudget;
  }

  constructor(
    private store: Store,
    private opts: IndexerOptions,
    private progress?: ProgressTracker,
  ) {
    this.ocrRepo = new OcrRepo(store.db);
  }

  /** Model for jobs started from now on (a model switch stops the indexer first). */
  setModel(model: IndexerOptions['model']): void {
    this.opts.model = model;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Processes jobs until the queue is empty. Concurrent calls share one run. */
  drain(): Promise<DrainResult> {
    if (!this.running) {
      this.stopRequested = false;
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Finishes jobs in flight, then stops taking new ones. Pending jobs stay queued. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<DrainResult> {
    const result: DrainResult = { indexed: 0, reused: 0, failed: [], removed: 0, skipped: [], noText: 0 };
    const inFlight = new Set<number>();
    // Jobs that hit an unexpected error are left queued for a later run, not retried in a loop.
    const deferred = new Set<number>();
    this.progress?.start('indexing');
    const worker = async () => {
      for (;;) {
        if (this.stopRequested) return;
        const exclude = new Set([...inFlight, ...deferred]);
        const [job] = this.store.jobs.next('index', 1, exclude);
        if (!job) return;
        inFlight.add(job.id);
        try {
          await this.runJob(job, result, deferred);
        } finally {
          inFlight.delete(job.id);
        }
      }
    };
    const n = Math.max(1, this.opts.concurrency ?? 3);
    try {
      await Promise.all(Array.from({ length: n }, worker));
    } finally {
      this.progress?.stepDone();
    }
    return result;
  }

  private async runJob(job: JobRow, result: DrainResult, deferred: Set<number>): Promise<void> {
    this.progress?.working(job.path);
    const maxAttempts = this.opts.maxAttempts ?? 3;
    // Counted when claimed, not when an error is caught: a decoder that crashes the whole
    // process never reaches a catch, and must not block the queue forever after restarts.
    if (job.attempts >= maxAttempts) {
      await this.giveUp(job, result, 'Kanjian stopped while reading this file several times (the decoder may have crashed); skipped until the file changes', { code: 'media.unexpected' });
      return;
    }
    this.store.jobs.bumpAttempts(job.id);
    try {
      const outcome = await this.indexOne(job, result);
      if (outcome === 'superseded') return;
      if (outcome === 'unchanged') {
        this.progress?.completed(true);
        return;
      }
      if (outcome === 'removed') result.removed++;
      else if (outcome === 'symlink') result.skipped.push({ path: job.path, reason: 'symlink' });
      else if (outcome === 'reused') {
        result.reused++;
        result.indexed++;
      } else result.indexed++;
      this.progress?.completed(true, job.path);
    } catch (e) {
      const attempts = job.attempts + 1;
      const isMedia = e instanceof MediaError;
      // Media errors are final for this file version, except I/O trouble (busy file, share gone).
      const transient = !isMedia || e.code === 'io';
      if (transient && attempts < maxAttempts) {
        deferred.add(job.id);
        return;
      }
      const message = isMedia ? e.message : `Unexpected error: ${(e as Error).message}`;
      // Only bad content replaces a good row: a failing model or a locked file must not wipe
      // the metadata and vectors of a photo that was indexed before.
      const badContent = isMedia && !['io', 'permission', 'not-found'].includes(e.code);
      await this.giveUp(job, result, message, failureCode(e), badContent);
    }
  }

  private async giveUp(job: JobRow, result: DrainResult, message: string, code: FailureCode, badContent = true): Promise<void> {
    try {
      const existing = this.store.photos.byPath(job.path);
      if (existing?.status === 'indexed' && !badContent) this.store.jobs.finish(job);
      else await this.recordFailure(job, message, code);
    } catch {
      // The folder was removed meanwhile (its rows and jobs went with it): nothing to record.
    }
    result.failed.push({ path: job.path, error: message, ...code });
    this.progress?.completed(false, job.path);
  }

  /**
   * One file: gone → drop its row; a link or outside the library by real path → drop it too
   * (never read); known content → reuse its vector; else decode + embed. 'superseded': the file
   * was deleted or changed while the job ran, so its result is dropped and the job runs again.
   */
  private async indexOne(job: JobRow, result: DrainResult): Promise<'indexed' | 'reused' | 'removed' | 'symlink' | 'superseded' | 'unchanged'> {
    const { store } = this;
    const gone = await this.notInLibrary(job);
    if (gone) {
      store.tx(() => {
        store.photos.removePaths([job.path]);
        store.jobs.finish(job);
      });
      return gone;
    }
    if (await this.alreadyDone(job)) {
      store.jobs.finish(job);
      return 'unchanged';
    }
    const m = this.opts.model;
    // Decoded bytes are budgeted across the jobs in flight (inside the one decode: the header
    // read with the file gives the size): huge images are decoded one at a time.
    const photo = await analyzePhoto(job.path, {
      thumbDir: this.opts.thumbDir,
      pixelLimit: this.opts.pixelLimit,
      modelInputSize: m?.model.manifest.image.size,
      textGate: this.opts.textGate,
      decodeBudget: this.decodeBudget,
    });
    const tensor = m && !store.vectors.has(m.modelId, photo.sha256) ? await m.model.imageTensor(photo.image, photo.decoded) : null;
    const reused = !!m && !tensor;
    const vector = m && tensor ? await this.serialEmbed(() => m.model.embedImage(tensor)) : null;
    const row: PhotoInput = {
      folder_id: job.folder_id,
      path: job.path,
      size: photo.size,
      mtime_ms: Math.trunc(photo.mtimeMs),
      sha256: photo.sha256,
      width: photo.width,
      height: photo.height,
      format: photo.format,
      taken_at: photo.exif.takenAt,
      camera_make: photo.exif.cameraMake,
      camera_model: photo.exif.cameraModel,
      lat: photo.exif.lat,
      lon: photo.exif.lon,
      orientation: photo.orientation,
      phash: photo.phash,
      has_thumb: photo.thumbnailPath ? 1 : 0,
      status: 'indexed',
      error: null,
      indexed_at: Date.now(),
      lens: photo.exif.lens,
      f_number: photo.exif.fNumber,
      exposure_time: photo.exif.exposureTime,
      iso: photo.exif.iso,
      focal_length: photo.exif.focalLength,
    };
    // A delete seen after the file was read wins over what was read from it (no ghost rows).
    if (await this.notInLibrary(job)) return this.superseded(job);
    // Photo row, vector and job removal commit together: a kill leaves all or none.
    let cleared = false;
    const outcome = store.tx(() => {
      // A delete, rename or change seen meanwhile (possibly by another process's watcher)
      // re-queued the job: this result is stale and the next run decides.
      if (!store.jobs.isCurrent(job)) return 'superseded';
      // Before the row: its trigger queues OCR for a content without a text row.
      if (photo.textGate && !photo.textGate.mayHoldText && !this.ocrRepo.has(photo.sha256)) {
        this.ocrRepo.put(photo.sha256, [], OCR_GATE_ENGINE);
        cleared = true;
      }
      store.photos.upsert(row);
      putNearHashes(store.db, photo.sha256, photo.near);
      if (m && vector) store.vectors.put(m.modelId, photo.sha256, vector);
      store.vectors.adopt(photo.sha256);
      store.jobs.finish(job);
      return reused ? 'reused' : 'indexed';
    });
    if (cleared) {
      // Its text is settled (none): the reading-text phase counts it as done.
      result.noText++;
      this.progress?.tick('ocr');
    }
    return outcome;
  }

  /** 'removed' when the file is gone, 'symlink' when it may not be followed, else null. */
  private async notInLibrary(job: JobRow): Promise<'removed' | 'symlink' | null> {
    const root = this.store.folders.byId(job.folder_id)?.path;
    if (!root) return 'removed';
    const check = await checkInLibrary(job.path, [root], { kind: 'any' });
    if (check.ok) return null;
    if (check.reason === 'missing') return 'removed';
    // Other errors (a directory named like a photo, permissions) surface from analyzePhoto.
    return check.reason === 'not-a-file' ? null : 'symlink';
  }

  /**
   * A job for a file whose row already matches it (same size and mtime, indexed, with a vector for
   * the current model): queued from a stale listing, e.g. another process's scan that started
   * before this file was indexed. Nothing to read again.
   */
  private async alreadyDone(job: JobRow): Promise<boolean> {
    const row = this.store.photos.byPath(job.path);
    if (!row || row.status !== 'indexed' || !row.sha256) return false;
    const m = this.opts.model;
    if (m && !this.store.vectors.has(m.modelId, row.sha256)) return false;
    const st = await stat(job.path).catch(() => null);
    return !!st && st.size === row.size && Math.trunc(st.mtimeMs) === row.mtime_ms;
  }

  /** Leaves a superseded job queued for its next run (a delete seen now is handled then). */
  private superseded(job: JobRow): 'superseded' {
    this.store.jobs.supersede(job.path);
    return 'superseded';
  }

  private serialEmbed(fn: () => Promise<Float32Array>): Promise<Float32Array> {
    const next = this.embedChain.then(fn, fn);
    this.embedChain = next.catch(() => undefined);
    return next;
  }

  private async recordFailure(job: JobRow, message: string, code: FailureCode): Promise<void> {
    let size = 0;
    let mtimeMs = 0;
    try {
      const st = await stat(job.path);
      size = st.size;
      mtimeMs = Math.trunc(st.mtimeMs);
    } catch {
      // unreadable: keep zeros so the next scan retries it
    }
    this.store.tx(() => {
      this.store.photos.upsert({
        folder_id: job.folder_id,
        path: job.path,
        size,
        mtime_ms: mtimeMs,
        sha256: null,
        width: null,
        height: null,
        format: null,
        taken_at: null,
        camera_make: null,
        camera_model: null,
        lat: null,
        lon: null,
        orientation: null,
        phash: null,
        has_thumb: 0,
        status: 'failed',
        error: message,
        indexed_at: Date.now(),
        error_code: code.code,
        error_params: code.params ? JSON.stringify(code.params) : null,
      });
      this.store.jobs.finish(job);
    });
  }
}
