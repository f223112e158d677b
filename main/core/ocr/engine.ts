// The app's OCR engine: PaddleOCR in a worker thread, so its synchronous pre/post-processing
// (JavaScript loops over every pixel, OpenCV in wasm) never blocks the thread that serves the
// UI, the watcher and the indexer. The worker starts on the first read and stops after a
// quiet spell, giving back the ~150 MB its models and OpenCV hold.
import type { Worker } from 'node:worker_threads';
import { PendingCalls, spawnWorker } from '../worker-thread.js';
import { MediaError } from '../media/errors.js';
import type { PaddleOptions } from './paddle.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { OcrEngine, OcrFileResult } from './types.js';

export interface WorkerEngineOptions extends PaddleOptions {
  /** Stop the worker after this long without work (default 30 s). */
  idleMs?: number;
}

export class WorkerOcrEngine implements OcrEngine {
  private worker: Worker | null = null;
  private calls = new PendingCalls<OcrFileResult>();
  /** The file each pending read is of (a per-file error names it). */
  private paths = new Map<number, string>();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private opts: WorkerEngineOptions = {}) {}

  read(path: string): Promise<OcrFileResult> {
    if (this.closed) return Promise.reject(new Error('OCR engine is closed'));
    this.clearIdle();
    const worker = this.worker ?? this.start();
    return this.calls.send(worker, (id) => {
      this.paths.set(id, path);
      return { id, path } satisfies WorkerRequest;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearIdle();
    await this.stopWorker(new Error('OCR engine is closed'));
  }

  private start(): Worker {
    const { idleMs: _idle, ...workerData } = this.opts;
    const worker = spawnOcrWorker(workerData);
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    // A crash (native abort, out of memory) fails what was in flight; the next read starts afresh.
    worker.on('error', (e) => this.failAll(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`OCR worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    const path = this.paths.get(reply.id);
    if (path === undefined) return;
    this.paths.delete(reply.id);
    if (reply.ok) this.calls.resolve(reply.id, reply.result);
    else if (reply.mediaCode) this.calls.reject(reply.id, new MediaError(reply.mediaCode, reply.message, { path }));
    else this.calls.reject(reply.id, new Error(reply.message));
    if (this.calls.size === 0) this.armIdle();
  }

  private failAll(e: Error): void {
    this.paths.clear();
    this.calls.failAll(e);
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => void this.stopWorker(null), this.opts.idleMs ?? 30_000);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private async stopWorker(reason: Error | null): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (reason) this.failAll(reason);
    if (w) await w.terminate();
  }
}

function spawnOcrWorker(workerData: PaddleOptions): Worker {
  return spawnWorker(import.meta.url, 'worker', workerData);
}
