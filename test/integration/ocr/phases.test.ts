// OCR off the critical path (issue 13): a photo is searchable by its pixels as soon as it is
// embedded, text reading follows as its own phase, and the no-text gate clears photos without
// text while indexing so OCR never reads them. Real core, toy colour model, real PaddleOCR
// worker; no timed assertion: the order is observed through progress events and the store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress, SearchResponse } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { OCR_GATE_ENGINE } from '../../../main/core/media/text-gate.js';
import { runCli, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { writeTextPhoto } from './text-photos.js';

let tmp: string;
let lib: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-ocr-phases-'));
  lib = path.join(tmp, 'lib');
  await writeTextPhoto(path.join(lib, 'receipt.jpg'), {
    background: [30, 120, 60],
    blocks: [{ lines: ['RECEIPT'], x: 60, y: 110, fontSize: 60, colour: '#fff', weight: 'bold' }],
  });
  await writeTextPhoto(path.join(lib, 'invoice.jpg'), {
    background: [200, 40, 40],
    blocks: [{ lines: ['发票 2024'], x: 40, y: 100, fontSize: 56, colour: '#fff' }],
  });
  await writeColourPhoto(path.join(lib, 'blue.jpg'), 'blue', { width: 480, height: 320, seed: 4 });
  await writeColourPhoto(path.join(lib, 'yellow.jpg'), 'yellow', { width: 480, height: 320, seed: 5 });
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface State {
  vector: number;
  text: number;
  engine: string | null;
  ocrJob: number;
}

function stateOf(k: Kanjian, file: string): State {
  return k.store.db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM embeddings e WHERE e.sha256 = p.sha256) AS vector,
              EXISTS (SELECT 1 FROM ocr_texts t WHERE t.sha256 = p.sha256) AS text,
              (SELECT t.engine FROM ocr_texts t WHERE t.sha256 = p.sha256) AS engine,
              EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'ocr' AND j.path = p.path) AS ocrJob
         FROM photos p WHERE p.path = ?`,
    )
    .get(path.join(lib, file)) as State;
}

describe('reading text is its own phase, after the photos are searchable by image', () => {
  it('at the start of the text phase the text photos have vectors and no text yet; an image search finds them; text follows', async () => {
    const k = await Kanjian.open({ dataDir: path.join(tmp, 'app'), model: TOY_MODEL, watch: true });
    const seen: IndexProgress[] = [];
    let atOcrStart: Record<string, State> | null = null;
    let imageSearch: Promise<SearchResponse> | null = null;
    try {
      k.onEvent((e) => {
        if (e.type !== 'progress') return;
        seen.push(e.progress);
        if (e.progress.phase === 'ocr' && !atOcrStart) {
          // Read synchronously inside the event: nothing has run since the phase began.
          atOcrStart = Object.fromEntries(['receipt.jpg', 'invoice.jpg', 'blue.jpg', 'yellow.jpg'].map((f) => [f, stateOf(k, f)]));
          imageSearch = k.search({ query: 'green' });
        }
      });
      await k.addFolder(lib);
      await new Promise<void>((resolve) => {
        const check = async () => ((await k.getStats()).indexed === 4 ? resolve() : setTimeout(check, 100));
        void check();
      });
      await k.idle();

      expect(atOcrStart).not.toBeNull();
      const start = atOcrStart!;
      for (const f of ['receipt.jpg', 'invoice.jpg']) {
        expect(start[f], f).toMatchObject({ vector: 1, text: 0, ocrJob: 1 });
      }
      // The gate settled the photos without text while indexing: no OCR job, an empty text row.
      for (const f of ['blue.jpg', 'yellow.jpg']) {
        expect(start[f], f).toMatchObject({ vector: 1, text: 1, engine: OCR_GATE_ENGINE, ocrJob: 0 });
      }
      // Searchable by its pixels while its text was still unread.
      const found = (await imageSearch!).results.find((r) => r.photo.path === path.join(lib, 'receipt.jpg'));
      expect(found?.views).toContain('image');

      // Phase order in the events: indexing is over before reading text begins.
      const firstOcr = seen.findIndex((p) => p.phase === 'ocr');
      const lastIndexing = seen.map((p) => p.phase).lastIndexOf('indexing');
      expect(firstOcr).toBeGreaterThan(lastIndexing);
      const last = seen.at(-1)!;
      expect(last.phase).toBe('idle');
      // The text phase counts every photo: two read, two cleared by the gate.
      expect(last.phases.find((p) => p.phase === 'ocr')).toMatchObject({ done: 4, total: 4 });

      // And the text was read afterwards.
      expect(stateOf(k, 'receipt.jpg')).toMatchObject({ text: 1, ocrJob: 0 });
      const hits = (await k.search({ query: 'receipt' })).results.map((r) => path.basename(r.photo.path));
      expect(hits).toEqual(['receipt.jpg']);
    } finally {
      await k.close();
    }
  }, 180_000);

  it('cli index --json finishes with the text read and reports both phases beside the old fields', async () => {
    const data = path.join(tmp, 'cli');
    const r = await runCli(['index', lib, '--json', '--data', data, '--model', TOY_MODEL]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ indexed: 4, unchanged: 0, removed: 0, failed: [], skipped: [] });
    expect(summary.phases.indexing).toMatchObject({ photos: 4 });
    expect(summary.phases.ocr).toMatchObject({ read: 2, noText: 2, failed: 0, pending: 0 });
    expect(summary.phases.indexing.seconds).toBeGreaterThan(0);
    expect(summary.phases.ocr.seconds).toBeGreaterThan(0);

    const s = await runCli(['search', '发票', '--json', '--data', data, '--model', TOY_MODEL]);
    expect(s.code, s.stderr).toBe(0);
    const results = JSON.parse(s.stdout).results as { path: string; views: string[] }[];
    expect(results.map((x) => path.basename(x.path))).toEqual(['invoice.jpg']);
    expect(results[0].views).toContain('ocr');
  }, 180_000);
});
