// The app's OCR engine: PaddleOCR in a worker thread, so its synchronous pre/post-processing
// (JavaScript loops over every pixel, OpenCV in wasm) never blocks the thread that serves the
// UI, the watcher and the indexer. The worker starts on the first read and stops after a
// quiet spell, giving back the ~150 MB its models and OpenCV hold.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MediaError } from '../media/errors.js';
import type { PaddleOptions } from './paddle.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { OcrEngine, OcrFileResult } from './types.js';

export interface WorkerEngineOptions extends PaddleOptions {
  /** Stop the worker after this long without work (default 30 s). */
  idleMs?: number;
}

interface Pending {
  resolve: (r: OcrFileResult) => void;
  reject: (e: Error) => void;
  path: string;
}

export class WorkerOcrEngine implements OcrEngine {
  private worker: Worker | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private opts: WorkerEngineOptions = {}) {}

  read(path: string): Promise<OcrFileResult> {
    if (this.closed) return Promise.reject(new Error('OCR engine is closed'));
    this.clearIdle();
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<OcrFileResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, path });
      worker.postMessage({ id, path } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearIdle();
    await this.stopWorker(new Error('OCR engine is closed'));
  }

  private start(): Worker {
    const { idleMs: _idle, ...workerData } = this.opts;
    const worker = spawnWorker(workerData);
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
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else if (reply.mediaCode) p.reject(new MediaError(reply.mediaCode, reply.message, { path: p.path }));
    else p.reject(new Error(reply.message));
    if (this.pending.size === 0) this.armIdle();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
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

/**
 * Built code (dist/, the packaged app) has worker.js beside this file. Run from TypeScript
 * sources (tsx for the CLI, vitest), the worker registers tsx itself first: a worker does not
 * inherit the loader the main thread was started with.
 */
function spawnWorker(workerData: PaddleOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData });
  const tsxApi = pathToFileURL(tsxEsmApi(here)).href;
  const entry = new URL('./worker.ts', here).href;
  const boot =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** tsx's ESM register API (its CommonJS build cannot register from inside a worker). */
function tsxEsmApi(from: string): string {
  const require = createRequire(from);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return path.join(path.dirname(pkgFile), pkg.exports['./esm/api'].import.default);
}
