import { describe, it, expect, vi, afterEach } from 'vitest';
import { ProgressTracker } from '../../../main/core/library/progress.js';

afterEach(() => vi.useRealTimers());

describe('progress', () => {
  it('reports done/total, a rate over recent completions and an ETA', () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    let pending = 10;
    const p = new ProgressTracker(() => pending);
    p.start('indexing');
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(i * 500); // 2 photos per second
      pending--;
      p.completed(i !== 2);
    }
    const s = p.snapshot();
    expect(s).toMatchObject({ state: 'indexing', done: 5, total: 10, failed: 1 });
    expect(s.rate).toBeCloseTo(2, 5);
    expect(s.etaSeconds).toBe(3); // 5 left at 2/s, rounded up
  });

  it('is idle with no rate or ETA when the queue is empty', () => {
    const p = new ProgressTracker(() => 0);
    expect(p.snapshot()).toMatchObject({ state: 'idle', rate: 0, etaSeconds: null });
  });
});
