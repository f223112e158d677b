// The image tower, run on its own worker thread (image-worker.ts): the thread that indexes keeps
// decoding, hashing and writing while an image is embedded, and the core keeps answering requests
// (search, thumbnails; in the desktop app it runs in a utility process) meanwhile. The worker
// chooses the execution provider the way the text tower does (providers.ts, same fallbacks and
// notes) and keeps its session until close(). A thread that dies (a native abort, out of memory)
// fails the runs it held, and the next run starts a new one: one bad moment must not turn every
// later photo into a failure.
import type { Worker } from 'node:worker_threads';
import { PendingCalls, spawnWorker } from '../worker-thread.js';
import type { ExecutionProvider } from '../api.js';
import type { ImageRunReply, ImageRunRequest, ImageWorkerData, ImageWorkerReady } from './image-protocol.js';

export interface ImageOutput {
  type: string;
  data: Float32Array;
  dims: number[];
}

type Ready = Extract<ImageWorkerReady, { kind: 'ready' }>;

/** Starts the thread that runs the session (tests pass one that keeps a hand on each thread). */
export type SpawnImageWorker = (data: ImageWorkerData) => Worker;

export const spawnImageWorker: SpawnImageWorker = (data) => spawnWorker(import.meta.url, 'image-worker', data);

export class ImageTower {
  private calls = new PendingCalls<ImageOutput>();
  private closed = false;
  /** The live thread, or the start of a new one after the last died; null until a run needs it. */
  private worker: Promise<Worker> | null;
  /** The thread runs go to (its exit after a newer one started must not touch the newer one). */
  private current: Worker | null = null;
  private constructor(
    private readonly data: ImageWorkerData,
    private readonly spawn: SpawnImageWorker,
    first: Worker,
    readonly provider: ExecutionProvider,
    readonly note: string | null,
    readonly outputNames: readonly string[],
  ) {
    this.worker = Promise.resolve(this.attach(first));
  }

  /** Starts the thread and its session; rejects as createSession would (every provider failed). */
  static async open(
    file: string,
    candidates: readonly ExecutionProvider[],
    threads: number,
    spawn: SpawnImageWorker = spawnImageWorker,
  ): Promise<ImageTower> {
    const data: ImageWorkerData = { file, candidates: [...candidates], threads };
    const { worker, ready } = await start(spawn, data);
    return new ImageTower(data, spawn, worker, ready.provider, ready.note, ready.outputNames);
  }

  /** One run of the graph on `data` (copied to the thread: the caller keeps its array). */
  async run(input: string, output: string, data: Float32Array, dims: number[]): Promise<ImageOutput> {
    if (this.closed) throw new Error('image model is closed');
    this.worker ??= this.restart();
    let worker = await this.worker;
    // Closed or died while this run waited for the thread: a message to it would never be answered.
    if (this.closed) throw new Error('image model is closed');
    if (worker !== this.current) worker = await (this.worker ??= this.restart());
    return this.calls.send(worker, (id) => ({ id, input, output, data, dims }) satisfies ImageRunRequest);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.calls.failAll(new Error('image model is closed'));
    const w = await worker?.catch(() => null);
    await w?.terminate();
  }

  private async restart(): Promise<Worker> {
    const { worker } = await start(this.spawn, this.data).catch((e: Error) => {
      // Not cached: the run after this one tries again.
      this.worker = null;
      throw e;
    });
    if (this.closed) {
      await worker.terminate();
      throw new Error('image model is closed');
    }
    return this.attach(worker);
  }

  private attach(worker: Worker): Worker {
    this.current = worker;
    worker.on('message', (reply: ImageRunReply) => {
      if (reply.ok) this.calls.resolve(reply.id, { type: reply.type, data: reply.data, dims: reply.dims });
      else this.calls.reject(reply.id, new Error(reply.message));
    });
    const died = (e: Error) => {
      if (this.closed || this.current !== worker) return;
      this.current = null;
      // Whatever it held fails; the next run starts a new thread.
      this.worker = null;
      this.calls.failAll(e);
    };
    worker.on('error', (e) => died(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => died(new Error(`image model thread exited (code ${code})`)));
    worker.unref();
    return worker;
  }

}

/** A new thread with its session loaded. */
function start(spawn: SpawnImageWorker, data: ImageWorkerData): Promise<{ worker: Worker; ready: Ready }> {
  const worker = spawn(data);
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`image model thread exited (code ${code}) while loading ${data.file}`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (ready: ImageWorkerReady) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (ready.kind === 'failed') {
        void worker.terminate();
        reject(new Error(ready.message));
      } else resolve({ worker, ready });
    });
  });
}
