// Where duplicate groups are built: in a worker thread (grouping-worker.ts) for a library
// file, in this thread for an in-memory one (tests; a worker cannot open it). The worker starts
// on the first build and stops after a quiet spell.
import type { Worker } from 'node:worker_threads';
import type { Store } from '../store/index.js';
import { PendingCalls, spawnWorker } from '../worker-thread.js';
import { buildGroups, type AllGroups, type GroupingParams } from './find.js';
import type { PairingSteps } from './near-pairs.js';
import type { ManifestModel } from './similar.js';

/** What the worker needs of the model: its row and manifest (no sessions cross threads). */
export interface PlainModel {
  modelId: number;
  model: { manifest: ManifestModel['model']['manifest'] };
}

export interface GroupingRequest {
  id: number;
  params: GroupingParams;
  model: PlainModel | null;
  /** Near pairing in steps (find.ts FindOptions.pairInSteps). */
  pairInSteps?: PairingSteps;
}

export type GroupingReply = { id: number; ok: true; value: AllGroups } | { id: number; ok: false; message: string };

/** Stop the worker after this long without a build (it holds a connection and its caches). */
const IDLE_MS = 60_000;

export class GroupBuilder {
  private worker: Worker | null = null;
  private calls = new PendingCalls<AllGroups>();
  private idle: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private store: Store) {}

  build(params: GroupingParams, model: ManifestModel | null, pairInSteps?: PairingSteps): Promise<AllGroups> {
    const plain: PlainModel | null = model ? { modelId: model.modelId, model: { manifest: model.model.manifest } } : null;
    if (this.store.db.memory || this.closed) return Promise.resolve(buildGroups(this.store, params, { model: plain, pairInSteps }));
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const worker = (this.worker ??= this.start());
    return this.calls.send(worker, (id) => ({ id, params, model: plain, pairInSteps }) satisfies GroupingRequest);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    const w = this.worker;
    this.worker = null;
    this.calls.failAll(new Error('duplicate grouping stopped: the library is closing'));
    if (w) await w.terminate();
  }

  private start(): Worker {
    const worker = spawnWorker(import.meta.url, 'grouping-worker', { dbFile: this.store.db.name });
    worker.on('message', (reply: GroupingReply) => {
      if (reply.ok) this.calls.resolve(reply.id, reply.value);
      else this.calls.reject(reply.id, new Error(reply.message));
      if (!this.calls.size) this.stopWhenIdle(worker);
    });
    // A crash (out of memory at a huge library) fails what was asked; the next build starts afresh.
    worker.on('error', (e) => this.calls.failAll(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.calls.failAll(new Error(`duplicate grouping worker exited (code ${code})`));
    });
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    this.idle = setTimeout(() => {
      if (this.worker !== worker || this.calls.size) return;
      this.worker = null;
      void worker.terminate();
    }, IDLE_MS);
    this.idle.unref();
  }
}
