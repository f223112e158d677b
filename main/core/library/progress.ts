// Indexing progress as the UI shows it: counts, a rate over a recent window, and an ETA.
import type { IndexProgress } from '../api.js';

const WINDOW_MS = 20_000;

export class ProgressTracker {
  private doneTimes: number[] = [];
  private state: IndexProgress['state'] = 'idle';
  private done = 0;
  private failed = 0;
  private currentPath: string | null = null;

  constructor(private pending: () => number) {}

  start(state: 'scanning' | 'indexing'): void {
    if (this.state === 'idle') {
      this.done = 0;
      this.failed = 0;
      this.doneTimes = [];
    }
    this.state = state;
  }

  working(path: string): void {
    this.currentPath = path;
  }

  completed(ok: boolean): void {
    this.done++;
    if (!ok) this.failed++;
    const now = Date.now();
    this.doneTimes.push(now);
    while (this.doneTimes.length && this.doneTimes[0] < now - WINDOW_MS) this.doneTimes.shift();
  }

  idle(): void {
    this.state = 'idle';
    this.currentPath = null;
  }

  snapshot(): IndexProgress {
    const remaining = this.state === 'idle' ? 0 : this.pending();
    let rate = 0;
    if (this.state !== 'idle' && this.doneTimes.length >= 2) {
      const span = (Date.now() - this.doneTimes[0]) / 1000;
      rate = span > 0 ? (this.doneTimes.length - 1) / span : 0;
    }
    return {
      state: this.state,
      done: this.done,
      total: this.done + remaining,
      failed: this.failed,
      rate: Math.round(rate * 100) / 100,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : null,
      currentPath: this.currentPath,
    };
  }
}
