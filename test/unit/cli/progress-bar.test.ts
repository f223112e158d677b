// The CLI progress bar: drawn on a terminal for the running phase, silent otherwise.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../../main/core/api.js';
import { showProgress } from '../../../main/cli/progress-bar.js';

/** A stream that looks like a terminal to cli-progress and keeps what was drawn. */
function fakeTty(isTTY: boolean) {
  let text = '';
  const s = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  }) as Writable & Record<string, unknown>;
  Object.assign(s, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

const progress = (done: number, total: number): IndexProgress => ({
  phase: 'indexing',
  phases: [{ phase: 'indexing', done, total, etaSeconds: 90 }],
  state: 'indexing',
  done,
  total,
  failed: 0,
  rate: 1,
  etaSeconds: 90,
  currentPath: null,
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('showProgress', () => {
  it('draws the running phase with its counts and time left on a terminal', async () => {
    const tty = fakeTty(true);
    let done = 3;
    const stop = showProgress(async () => progress(done, 10), { enabled: true, stream: tty.stream });
    await wait(300);
    done = 7;
    await wait(300);
    stop();
    expect(tty.text()).toMatch(/Indexing photos \[[^\]]*\] 7\/10, 2 min left/);
  });

  it('draws nothing when disabled (not a terminal, or --json)', async () => {
    const tty = fakeTty(true);
    const stop = showProgress(async () => progress(1, 2), { enabled: false, stream: tty.stream });
    await wait(300);
    stop();
    expect(tty.text()).toBe('');
  });
});
