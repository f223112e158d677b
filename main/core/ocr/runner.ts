// Drains 'ocr' jobs from the SQLite queue, like the Indexer drains 'index' jobs: a job is
// deleted in the transaction that stores its text, so after a kill it is either done or still
// queued. Text is keyed by content hash: a photo whose content already has text (a copy, a
// move, a rename) costs nothing. A file that cannot be read gets an error row and never stalls
// the queue; an unexpected failure (say the worker crashed) is retried a few times first.
import { failureCode } from '../media/error-codes.js';
import type { FailedFile } from '../api.js';
import { MediaError } from '../media/errors.js';
import type { JobRow, Store } from '../store/index.js';
import { OcrRepo } from './repo.js';
import type { OcrEngine } from './types.js';

export interface OcrRunnerOptions {
  /** Checked between photos: true makes the runner stop early (e.g. indexing work arrived). */
  shouldYield?: () => boolean;
  maxAttempts?: number;
  onProgress?: (path: string) => void;
}

export interface OcrDrainResult {
  /** Photos whose text was read in this run. */
  read: number;
  /** Jobs with nothing to do: content already read, photo gone or failed. */
  skipped: number;
  failed: FailedFile[];
}

export class OcrRunner {
  readonly repo: OcrRepo;
  private running: Promise<OcrDrainResult> | null = null;
  private stopRequested = false;
  private purged = false;

  constructor(
    private store: Store,
    private engine: OcrEngine,
    private opts: OcrRunnerOptions = {},
  ) {
    this.repo = new OcrRepo(store.db);
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Reads photos until the queue is empty (or shouldYield says stop). Concurrent calls share a run. */
  drain(): Promise<OcrDrainResult> {
    if (!this.running) {
      this.stopRequested = false;
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Finishes the photo in flight; pending jobs stay queued for the next start. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.running?.catch(() => undefined);
  }

  /** Stops, then releases the engine (the worker thread). */
  async close(): Promise<void> {
    await this.stop();
    await this.engine.close();
  }

  private async run(): Promise<OcrDrainResult> {
    const result: OcrDrainResult = { read: 0, skipped: 0, failed: [] };
    if (!this.purged) {
      // Text of contents that left the library while we were not running. Once per process:
      // during a run a move can look like delete-then-create, and the text should survive it.
      this.purged = true;
      this.repo.purgeUnused();
    }
    // Jobs that failed unexpectedly wait for the next run instead of looping now.
    const deferred = new Set<number>();
    for (;;) {
      if (this.stopRequested || this.opts.shouldYield?.()) break;
      const [job] = this.store.jobs.next('ocr', 1, deferred);
      if (!job) break;
      await this.runJob(job, result, deferred);
    }
    return result;
  }

  private async runJob(job: JobRow, result: OcrDrainResult, deferred: Set<number>): Promise<void> {
    const { store, repo } = this;
    const photo = store.photos.byPath(job.path);
    if (!photo || photo.status !== 'indexed' || !photo.sha256 || repo.has(photo.sha256)) {
      store.tx(() => store.jobs.finish(job));
      result.skipped++;
      return;
    }
    this.opts.onProgress?.(job.path);
    const maxAttempts = this.opts.maxAttempts ?? 3;
    // Counted when claimed, not when an error is caught: a native crash in the OCR libraries
    // takes the whole process down without reaching a catch, and must not loop after restarts.
    if (job.attempts >= maxAttempts) {
      store.tx(() => {
        repo.putError(photo.sha256!, 'Kanjian stopped while reading the text in this photo several times; skipped until the file changes');
        store.jobs.finish(job);
      });
      result.failed.push({ path: job.path, error: 'OCR gave up after repeated stops', code: 'media.unexpected' });
      return;
    }
    store.jobs.bumpAttempts(job.id);
    try {
      const read = await this.engine.read(job.path);
      // If the file changed since it was indexed, the text belongs to the bytes just read
      // (read.sha256); re-indexing the new content finds it there instead of queueing OCR again.
      store.tx(() => {
        if (!repo.has(read.sha256)) repo.put(read.sha256, read.lines);
        store.jobs.finish(job);
      });
      result.read++;
    } catch (e) {
      const final = e instanceof MediaError && e.code !== 'io';
      if (!final && job.attempts + 1 < maxAttempts) {
        deferred.add(job.id);
        return;
      }
      const message = e instanceof MediaError ? e.message : `OCR failed: ${(e as Error).message}`;
      store.tx(() => {
        repo.putError(photo.sha256!, message);
        store.jobs.finish(job);
      });
      result.failed.push({ path: job.path, error: message, ...failureCode(e) });
    }
  }
}
