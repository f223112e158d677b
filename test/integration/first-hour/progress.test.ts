// Progress in phases, as the UI receives it: a folder added to a running library (real core,
// toy-colours fixture model, OCR, watcher) reports scanning, indexing, tagging, similar shots and
// reading text, each with its counts, and ends idle with every phase complete.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { makeFirstHourPhotos } from './photos.js';

let tmp: string;
let k: Kanjian;
const seen: IndexProgress[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-phases-'));
  await makeFirstHourPhotos(path.join(tmp, 'library'));
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: TOY_MODEL, watch: true });
  k.onEvent((e) => {
    if (e.type === 'progress') seen.push(e.progress);
  });
}, 60_000);

afterAll(async () => {
  await k?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('progress phases', () => {
  it('are reported as events with counts, and end idle and complete', async () => {
    await k.addFolder(path.join(tmp, 'library'));
    await new Promise<void>((resolve) => {
      const check = async () => ((await k.getStats()).indexed === 5 ? resolve() : setTimeout(check, 100));
      void check();
    });
    await k.idle();
    const phasesSeen = new Set(seen.map((p) => p.phase));
    expect(phasesSeen.has('scanning')).toBe(true);
    expect(seen.some((p) => p.phases.some((x) => x.phase === 'indexing'))).toBe(true);
    // 'idle' only once the run is over: never between indexing, tagging and reading text.
    const firstIdle = seen.findIndex((p, i) => i > 0 && p.phase === 'idle' && seen[i - 1].phase !== 'idle');
    expect(seen.slice(firstIdle).every((p) => p.phase === 'idle')).toBe(true);
    // The run's last report: every phase it ran, all done.
    const last = seen.at(-1)!;
    expect(last.phase).toBe('idle');
    const names = last.phases.map((p) => p.phase);
    expect(names).toEqual(expect.arrayContaining(['indexing', 'ocr', 'tagging', 'similar']));
    expect(last.phases.find((p) => p.phase === 'indexing')).toMatchObject({ done: 5, total: 5, etaSeconds: 0 });
    expect(last.phases.find((p) => p.phase === 'ocr')).toMatchObject({ done: 5, total: 5 });
    for (const p of last.phases) expect(p.done, p.phase).toBe(p.total);
  }, 180_000);
});
