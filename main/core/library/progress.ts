// Background work as the UI shows it: one entry per phase (scanning, indexing, embedding, reading
// text, tagging, similar shots), each with counts, a rate over a recent window and an ETA.
import { INDEX_PHASES, type IndexPhase, type IndexProgress, type PhaseProgress } from '../api.js';

const WINDOW_MS = 20_000;
type Phase = Exclude<IndexPhase, 'idle'>;

/** Completions of one phase since the last idle, with the recent ones timed for a rate. */
class PhaseClock {
  done = 0;
  failed = 0;
  /** Work known to be left when the phase has no live count (set by begin). */
  total = 0;
  private times: number[] = [];

  tick(ok = true, n = 1): void {
    this.done += n;
    if (!ok) this.failed += n;
    const now = Date.now();
    for (let i = 0; i < Math.min(n, 1000); i++) this.times.push(now);
    while (this.times.length && this.times[0] < now - WINDOW_MS) this.times.shift();
  }

  /** Items per second over the window, 0 until two completions were seen. */
  rate(): number {
    if (this.times.length < 2) return 0;
    const span = (Date.now() - this.times[0]) / 1000;
    return span > 0 ? (this.times.length - 1) / span : 0;
  }

  reset(): void {
    this.done = this.failed = this.total = 0;
    this.times = [];
  }
}

export class ProgressTracker {
  private clocks = new Map<Phase, PhaseClock>(INDEX_PHASES.map((p) => [p, new PhaseClock()]));
  private phase: IndexPhase = 'idle';
  private currentPath: string | null = null;
  /** Paths queued only for a vector (photos indexed before the model came): counted as 'embedding'. */
  private embedOnly = new Set<string>();
  /** The next start() begins a new run (counts from zero); set by endRun(). */
  private fresh = true;

  /**
   * `pending`: index jobs left. `pendingOf`: live counts of work left for other phases (OCR jobs
   * queued …); phases without one use the total given to begin().
   */
  constructor(
    private pending: () => number,
    private pendingOf: Partial<Record<Phase, () => number>> = {},
  ) {}

  private clock(p: Phase): PhaseClock {
    return this.clocks.get(p)!;
  }

  /** Enters a phase; the first one after endRun() starts every count over. `total`: work known up front. */
  start(phase: Phase, total?: number): void {
    if (this.fresh) for (const c of this.clocks.values()) c.reset();
    this.fresh = false;
    this.phase = phase;
    if (total !== undefined) this.clock(phase).total = total;
  }

  /** Photos queued for a vector only (the model arrived after they were indexed). */
  expectEmbedding(paths: Iterable<string>): void {
    for (const p of paths) this.embedOnly.add(p);
  }

  working(path: string): void {
    this.currentPath = path;
  }

  /** An index job finished (`path` tells an embedding-only job from a new photo). */
  completed(ok: boolean, path?: string): void {
    if (path !== undefined && this.embedOnly.delete(path)) this.clock('embedding').tick(ok);
    else this.clock('indexing').tick(ok);
  }

  /** `n` items of a non-indexing phase are done. */
  tick(phase: Phase, n = 1, ok = true): void {
    this.clock(phase).tick(ok, n);
  }

  /** Back to indexing (or idle) after a later phase ran inside an indexing pass. */
  resume(phase: IndexPhase): void {
    this.phase = phase;
  }

  /**
   * A step of the pass ended and the pass goes on (names, places, tag sequences come next): the
   * phase shown stays the last one run, so the UI never reads 'idle' while work remains.
   */
  stepDone(): void {
    this.currentPath = null;
  }

  /** Nothing runs right now (the counts stay: later phases of the same run may follow). */
  idle(): void {
    this.phase = 'idle';
    this.currentPath = null;
  }

  /** All background work is done: the next start() counts a new run. */
  endRun(): void {
    this.idle();
    this.fresh = true;
  }

  get current(): IndexPhase {
    return this.phase;
  }

  private left(p: Phase): number {
    if (p === 'indexing' || p === 'embedding') {
      // Index jobs are shared: the embedding-only ones are the part of the queue we know to be so.
      const all = this.phase === 'idle' ? 0 : this.pending();
      const embed = Math.min(this.embedOnly.size, all);
      return p === 'embedding' ? embed : all - embed;
    }
    const live = this.pendingOf[p];
    if (live) return live();
    const c = this.clock(p);
    return Math.max(0, c.total - c.done);
  }

  snapshot(): IndexProgress {
    const phases: PhaseProgress[] = [];
    for (const p of INDEX_PHASES) {
      const c = this.clock(p);
      const remaining = this.left(p);
      if (c.done === 0 && remaining === 0 && p !== this.phase) continue;
      const rate = c.rate();
      phases.push({
        phase: p,
        done: c.done,
        total: c.done + remaining,
        etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : remaining === 0 ? 0 : null,
      });
    }
    // The older flat fields describe indexing (new photos and their vectors) as before.
    const idx = this.clock('indexing');
    const emb = this.clock('embedding');
    const remaining = this.phase === 'idle' ? 0 : this.pending();
    const rate = this.phase === 'idle' ? 0 : idx.rate() + emb.rate();
    const state: IndexProgress['state'] =
      this.phase === 'scanning' ? 'scanning' : this.phase === 'idle' ? 'idle' : remaining > 0 || this.phase === 'indexing' ? 'indexing' : 'idle';
    return {
      phase: this.phase,
      phases,
      state,
      done: idx.done + emb.done,
      total: idx.done + emb.done + remaining,
      failed: idx.failed + emb.failed,
      rate: Math.round(rate * 100) / 100,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : null,
      currentPath: this.currentPath,
    };
  }
}
