// Starting one of core's worker threads (OCR, duplicate grouping) from its module beside the
// caller. Built code (dist/, the packaged app) has `<name>.js` beside the caller. Run from
// TypeScript sources (tsx for the CLI, vitest), the worker registers tsx itself first: a worker
// does not inherit the loader the main thread was started with.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `callerUrl`: the caller's import.meta.url; `name`: the worker module's name without extension. */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsxApi = pathToFileURL(tsxEsmApi(callerUrl)).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
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

/**
 * The calls a client has sent to a worker thread and not yet had answered, matched to replies by
 * id. A worker is held (ref) while a call to it is pending, so a CLI waits for the answer, and let
 * go (unref) when none is, so an idle worker never keeps a process alive.
 */
export class PendingCalls<T> {
  private pending = new Map<number, { resolve: (v: T) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 1;

  get size(): number {
    return this.pending.size;
  }

  /** Posts `message(id)` to `worker`; settles when its reply reaches resolve/reject, or on failAll. */
  send(worker: Worker, message: (id: number) => unknown): Promise<T> {
    const id = this.nextId++;
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage(message(id));
    });
  }

  resolve(id: number, value: T): void {
    this.take(id)?.resolve(value);
  }

  reject(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Fails every pending call (the worker died or is being stopped). */
  failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      p.worker.unref();
      p.reject(error);
    }
  }

  /** A reply for an id no longer pending (failed meanwhile) is ignored. */
  private take(id: number) {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    if (![...this.pending.values()].some((q) => q.worker === p.worker)) p.worker.unref();
    return p;
  }
}
