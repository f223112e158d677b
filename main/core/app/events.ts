// The core's event stream (progress, folders, model, downloads) to whoever listens: the SSE
// stream of the HTTP shell, Electron's IPC, tests.
import type { KanjianEvent } from '../api.js';

export class EventHub {
  private listeners = new Set<(e: KanjianEvent) => void>();

  on(listener: (e: KanjianEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when someone listens: events that cost a query are built only then. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  emit(e: KanjianEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a broken listener (closed SSE stream) must not stop indexing
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Background work that close() must wait for; its errors are logged, never unhandled. */
export class BackgroundWork {
  private pending = new Set<Promise<unknown>>();

  constructor(private log?: (message: string) => void) {}

  track(p: Promise<unknown>): void {
    const t = p.catch((e) => this.log?.(`background: ${(e as Error).message}`)).finally(() => this.pending.delete(t));
    this.pending.add(t);
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }
}
