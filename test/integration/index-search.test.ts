// End to end through the CLI contract: real SQLite file, real sharp decoding, real
// onnxruntime sessions on the toy colour model (a test fixture whose meaning is known).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../main/core/store/migrations.js';
import { makeColourLibrary, type Colour } from '../helpers/photos.js';
import { runCli, TOY_MODEL } from '../helpers/cli.js';

let tmp: string;
let lib: string;
let data: string;
let photos: Record<Colour, string[]>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-e2e-'));
  lib = path.join(tmp, '照片 library');
  data = path.join(tmp, 'data');
  photos = await makeColourLibrary(lib);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function search(query: string, extra: string[] = []) {
  const r = await runCli(['search', query, '--data', data, '--model', TOY_MODEL, '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { results: { path: string; score: number }[] };
}

describe('index then search (CLI, toy colour model)', () => {
  it('indexes every photo in nested folders, with Chinese names, and reports JSON', async () => {
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(r.code, r.stderr).toBe(0);
    // The original shape, unchanged; `phases` was added beside it (checked in ocr/phases.test.ts).
    const { phases, ...summary } = JSON.parse(r.stdout);
    expect(summary).toEqual({ indexed: 12, unchanged: 0, removed: 0, failed: [], skipped: [] });
    expect(phases.indexing).toMatchObject({ photos: 12 });
    // thumbnails were written for each distinct content
    const thumbs = readdirSync(path.join(data, 'thumbnails'), { recursive: true }).filter((f) =>
      String(f).endsWith('.webp'),
    );
    expect(thumbs).toHaveLength(12);
  });

  it('a second run finds everything unchanged and embeds nothing again', async () => {
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    const { phases, ...summary } = JSON.parse(r.stdout);
    expect(summary).toEqual({ indexed: 0, unchanged: 12, removed: 0, failed: [], skipped: [] });
    expect(phases.indexing).toMatchObject({ photos: 0 });
  });

  for (const [query, colour] of [
    ['红色', 'red'],
    ['red', 'red'],
    ['a red photo', 'red'],
    ['红色 photo', 'red'],
    ['蓝色', 'blue'],
    ['blue', 'blue'],
    ['绿', 'green'],
    ['yellow', 'yellow'],
    ['白色', 'white'],
    ['black', 'black'],
  ] as [string, Colour][]) {
    it(`"${query}" returns the ${colour} photos first`, async () => {
      const { results } = await search(query);
      expect(results.length).toBeGreaterThanOrEqual(2);
      const top = results.slice(0, 2).map((r) => r.path).sort();
      expect(top).toEqual([...photos[colour]].sort());
      expect(results[0].score).toBeGreaterThanOrEqual(results[results.length - 1].score);
      for (const r of results) expect(path.isAbsolute(r.path)).toBe(true);
    });
  }

  it('the relevance cut-off drops photos of other colours', async () => {
    const { results } = await search('红色');
    expect(results.map((r) => r.path).sort()).toEqual([...photos.red].sort());
    // with the cut-off lowered, other colours come back below the red ones
    const all = await search('红色', ['--min-score=-1', '--limit', '100']);
    expect(all.results.length).toBe(12);
  });

  it('a query of unknown words matches nothing rather than everything', async () => {
    const { results } = await search('量子计算 quantum');
    expect(results).toEqual([]);
  });

  it('--limit caps the results', async () => {
    const { results } = await search('red', ['--limit', '1']);
    expect(results).toHaveLength(1);
  });

  it('removes rows of deleted photos on the next index run (files are never touched)', async () => {
    rmSync(photos.yellow[0]);
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ indexed: 0, unchanged: 11, removed: 1 });
    const { results } = await search('yellow');
    expect(results.map((x) => x.path)).toEqual([photos.yellow[1]]);
  });

  it('keeps going past a bad file and names it with a reason', async () => {
    writeFileSync(path.join(lib, 'misc', 'broken.jpg'), 'this is not a jpeg');
    const r = await runCli(['index', lib, '--data', data, '--model', TOY_MODEL, '--json']);
    const summary = JSON.parse(r.stdout);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].path).toBe(path.join(lib, 'misc', 'broken.jpg'));
    expect(summary.failed[0].error).toBe('Not an image: the file does not contain a photo format Kanjian can read');
    expect(summary.unchanged).toBe(11);
  });

  it('the store is one SQLite file in WAL mode with the schema version set', () => {
    const db = new Database(path.join(data, 'library.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // The CLI's file is at the newest schema: every migration ran.
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const row = db.prepare("SELECT * FROM photos WHERE path LIKE '%红色日落.jpg'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ width: 64, height: 48, format: 'jpeg', status: 'indexed' });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    db.close();
  });
});

describe('without a model', () => {
  it('index still records photos and thumbnails; search answers from the other views and says meaning search needs a model', async () => {
    const data2 = path.join(tmp, 'data-no-model');
    const r = await runCli(['index', lib, '--data', data2, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).indexed).toBe(11);
    const s = await runCli(['search', 'red', '--data', data2, '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).notice).toEqual({ code: 'search.needsModel' });
  });

  it('a model that does not exist is a clear error', async () => {
    const r = await runCli(['search', 'red', '--data', data, '--model', 'no-such-model']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no-such-model/);
  });
});
