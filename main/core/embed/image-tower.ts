// The image tower, run on its own worker thread (image-worker.ts): the thread that indexes keeps
// decoding, hashing and writing while an image is embedded, and the core keeps answering requests
// (search, thumbnails; in the desktop app it runs in a utility process) meanwhile. The worker chooses the execution provider the way the text tower
// does (providers.ts, same fallbacks and notes) and keeps its session until close().
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../worker-thread.js';
import type { ExecutionProvider } from '../api.js';
import type { ImageRunReply, ImageRunRequest, ImageWorkerData, ImageWorkerReady } from './image-protocol.js';

export interface ImageOutput {
  type: string;
  data: Float32Array;
  dims: number[];
}

interface Pending {
  resolve: (out: ImageOutput) => void;
  reject: (e: Error) => void;
}

export class ImageTower {
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly provider: ExecutionProvider,
    readonly note: string | null,
    readonly outputNames: readonly string[],
  ) {
    worker.on('message', (reply: ImageRunReply) => this.onReply(reply));
    // A crash (native abort, out of memory) fails what was in flight and every later run.
    worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.fail(new Error(`image model thread exited (code ${code})`)));
    worker.unref();
  }

  /** Starts the thread and its session; rejects as createSession would (every provider failed). */
  static open(file: string, candidates: readonly ExecutionProvider[], threads: number): Promise<ImageTower> {
    const worker = spawnWorker(import.meta.url, 'image-worker', { file, candidates: [...candidates], threads } satisfies ImageWorkerData);
    return new Promise<ImageTower>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`image model thread exited (code ${code}) while loading ${file}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (ready: ImageWorkerReady) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (ready.kind === 'failed') {
          void worker.terminate();
          reject(new Error(ready.message));
        } else resolve(new ImageTower(worker, ready.provider, ready.note, ready.outputNames));
      });
    });
  }

  /** One run of the graph on `data` (copied to the thread: the caller keeps its array). */
  run(input: string, output: string, data: Float32Array, dims: number[]): Promise<ImageOutput> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    // Held while a run is pending (a CLI waits on it), let go while idle (never keeps a process alive).
    this.worker.ref();
    return new Promise<ImageOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, input, output, data, dims } satisfies ImageRunRequest);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('image model is closed'));
    await this.worker.terminate();
  }

  private onReply(reply: ImageRunReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (!this.pending.size) this.worker.unref();
    if (reply.ok) p.resolve({ type: reply.type, data: reply.data, dims: reply.dims });
    else p.reject(new Error(reply.message));
  }

  private fail(e: Error): void {
    this.exited ??= e;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
