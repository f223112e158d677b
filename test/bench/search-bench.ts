// npm run bench:search — fused multi-view search latency on a synthetic library of 100,000
// photos: real SQLite file, real sqlite-vec table of 512-d vectors (the default model's size),
// real FTS5 indexes for text in photos (15% of photos carry text) and names, the real search
// code (views + fusion + filters). Only the query's text embedding is synthetic (a random unit
// vector): the text tower's own cost is model-specific and measured by bench:models.
//
//   npm run bench:search -- [--photos 100000] [--queries 40] [--repeats 3]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { SearchFilters, SearchRequest } from '../../main/core/api.js';
import type { EmbeddingModel } from '../../main/core/embed/encoder.js';
import { OcrRepo } from '../../main/core/ocr/repo.js';
import { NameIndex } from '../../main/core/search/names.js';
import { TagSequenceIndex, tagSequenceTable } from '../../main/core/search/tag-sequences.js';
import { queryEmbedding, searchPhotos, searchViews } from '../../main/core/search/search.js';
import type { LoadedModel } from '../../main/core/embed/loaded.js';
import { filterSql } from '../../main/core/search/filters.js';
import { queryTerms } from '../../main/core/search/text.js';
import { Store } from '../../main/core/store/index.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, textTable, timeCalls, timeOnce, writeBenchResult } from './lib/index.js';
import { rng } from '../helpers/random.js';

const DIM = 512;

export const ZH = ['发票', '合计', '收据', '出口', '停车场', '欢迎光临', '地铁', '咖啡', '机场', '酒店', '会议', '天气', '订单', '快递', '银行',
  '医院', '学校', '超市', '餐厅', '火车站', '海边', '日落', '生日', '合同', '护照', '菜单', '价格', '优惠', '营业时间', '电话'];
export const EN = ['receipt', 'total', 'exit', 'parking', 'welcome', 'metro', 'coffee', 'airport', 'hotel', 'meeting', 'weather', 'order',
  'delivery', 'bank', 'hospital', 'school', 'market', 'restaurant', 'station', 'invoice', 'beach', 'sunset', 'birthday', 'contract',
  'passport', 'menu', 'price', 'sale', 'open', 'phone'];
export const NAME_WORDS = ['beach', 'trip', 'family', '海边', '旅行', 'birthday', 'wedding', '春节', 'screenshot', 'scan'];
const CAMERAS: [string, string][] = [['Canon', 'Canon EOS 40D'], ['NIKON', 'COOLPIX P6000'], ['Apple', 'iPhone 13'], ['HUAWEI', 'P40'], ['SONY', 'ILCE-7M3']];

export interface SearchBenchResult {
  photos: number;
  dim: number;
  build: { photosMs: number; vectorsMs: number; ocrTextsMs: number; ocrPhotos: number; namesMs: number };
  /** Passes over the query list per measurement; p50/p90 are the median of the passes' values. */
  repeats: number;
  latency: { name: string; p50: number; p90: number; n: number; meanResults: number; p50Passes: number[] }[];
}


function unitVector(r: () => number): Float32Array {
  const v = new Float32Array(DIM);
  let n = 0;
  for (let i = 0; i < DIM; i++) {
    // Box-Muller: Gaussian components make directions uniform on the sphere.
    const x = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
    v[i] = x;
    n += x * x;
  }
  n = Math.sqrt(n);
  for (let i = 0; i < DIM; i++) v[i] /= n;
  return v;
}

/**
 * Image-view cut-off for the synthetic vectors: random 512-d unit vectors have cosines ~N(0, 0.044),
 * so ~1.2% of the library (≈1,200 photos at 100k) clears 0.1 for each query — a broad query.
 */
const SYNTHETIC_MIN_SCORE = 0.1;

/** A model stand-in whose text tower returns random unit vectors (see header). */
function syntheticModel(store: Store, r: () => number): LoadedModel {
  const model = {
    manifest: { id: 'synthetic-512', search: { minScore: SYNTHETIC_MIN_SCORE } },
    dim: DIM,
    embedText: async () => unitVector(r),
  } as unknown as EmbeddingModel;
  return { model, modelId: store.vectors.ensureModel('synthetic-512', DIM) };
}

async function buildLibrary(store: Store, n: number, r: () => number) {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  // Zipf-like word choice: a few words are common, most are rare, as in real text.
  const zipf = <T>(a: readonly T[]) => a[Math.min(a.length - 1, Math.floor(a.length * r() * r()))];
  const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const folderIds: number[] = [];
  const shas: string[] = [];
  const photosMs = (
    await timeOnce(() => {
      store.tx(() => {
        for (let f = 0; f < 20; f++) folderIds.push(store.folders.add(`/bench/library-${f}`).id);
        const ins = store.db.prepare(
          `INSERT INTO photos (folder_id, path, size, mtime_ms, sha256, width, height, format, taken_at, camera_make, camera_model,
             lat, lon, orientation, phash, has_thumb, status, error, indexed_at)
           VALUES (?, ?, 1000000, ?, ?, 4000, 3000, ?, ?, ?, ?, ?, ?, 1, NULL, 1, 'indexed', NULL, 0)`,
        );
        for (let i = 0; i < n; i++) {
          const f = i % folderIds.length;
          const sub = Math.floor(r() * 50);
          const word = r() < 0.1 ? `${pick(NAME_WORDS)}-` : '';
          const p = `/bench/library-${f}/${2005 + (sub % 20)}/album-${sub}/${word}IMG_${String(i).padStart(6, '0')}.jpg`;
          const sha = hex();
          shas.push(sha);
          const year = 2005 + Math.floor(r() * 20);
          const taken = r() < 0.9 ? `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T12:00:00` : null;
          const [make, model] = r() < 0.85 ? pick(CAMERAS) : [null, null];
          const gps = r() < 0.2;
          const format = r() < 0.9 ? 'jpeg' : r() < 0.8 ? 'png' : 'heic';
          ins.run(folderIds[f], p, Date.UTC(year, 0, 1), sha, format, taken, make, model, gps ? -60 + r() * 120 : null, gps ? -180 + r() * 360 : null);
        }
        // Rows written directly, not by the indexer: drop the OCR jobs the trigger queued.
        store.db.exec("DELETE FROM jobs WHERE kind = 'ocr'");
      });
    })
  ).ms;
  const model = syntheticModel(store, r);
  const vectorsMs = (
    await timeOnce(() => {
      store.tx(() => {
        for (const sha of shas) store.vectors.put(model.modelId, sha, unitVector(r));
      });
    })
  ).ms;
  const repo = new OcrRepo(store.db);
  let ocrPhotos = 0;
  const ocrTextsMs = (
    await timeOnce(() => {
      store.tx(() => {
        for (const sha of shas) {
          if (r() >= 0.15) continue;
          const lines = Array.from({ length: 1 + Math.floor(r() * 5) }, () =>
            Array.from({ length: 1 + Math.floor(r() * 4) }, () => (r() < 0.5 ? zipf(ZH) : zipf(EN))).join(' '),
          );
          repo.put(sha, lines.map((text) => ({ text, score: 0.9 })));
          ocrPhotos++;
        }
      });
    })
  ).ms;
  const namesMs = (await timeOnce(() => new NameIndex(store.db).sync())).ms;
  // Tag view: 2,000 distinct tag sequences (random vectors) shared by 80% of the photos, written
  // straight into the tag view's tables (tags themselves come from main/core/tags).
  const seqIndex = new TagSequenceIndex(store.db);
  seqIndex.ensureTables(model.modelId, DIM);
  store.tx(() => {
    const insSeq = store.db.prepare("INSERT INTO tag_sequences (id, model_id, text, tags, embedded) VALUES (?, ?, ?, '[]', 1)");
    const insVec = store.db.prepare(`INSERT INTO ${tagSequenceTable(model.modelId)} (rowid, embedding) VALUES (?, ?)`);
    for (let s = 1; s <= 2000; s++) {
      insSeq.run(s, model.modelId, `sequence ${s}`);
      const v = unitVector(r);
      insVec.run(BigInt(s), Buffer.from(v.buffer));
    }
    const map = store.db.prepare('INSERT INTO content_tag_sequence (model_id, sha256, seq_id) VALUES (?, ?, ?)');
    for (const sha of shas) if (r() < 0.8) map.run(model.modelId, sha, 1 + Math.floor(r() * 2000));
  });
  return { model, build: { photosMs, vectorsMs, ocrTextsMs, ocrPhotos, namesMs } };
}

export async function runSearchBench(opts: { photos: number; queries: number; repeats?: number; log?: (s: string) => void }): Promise<SearchBenchResult> {
  const log = opts.log ?? (() => undefined);
  const repeats = Math.max(3, opts.repeats ?? 3);
  /** Runs `call` over the queries `repeats` times: per pass p50/p90, then the median pass. */
  const passes = async (call: (i: number) => Promise<unknown>, iterations: number) => {
    const p50s: number[] = [];
    const p90s: number[] = [];
    for (let p = 0; p < repeats; p++) {
      const run = await timeCalls(call, { warmup: 3, iterations });
      p50s.push(percentile(run.samples, 50));
      p90s.push(percentile(run.samples, 90));
    }
    return { p50: round(percentile(p50s, 50), 1), p90: round(percentile(p90s, 50), 1), p50Passes: p50s.map((x) => round(x, 1)), n: iterations };
  };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-search-bench-'));
  const store = Store.open(path.join(tmp, 'library.db'));
  try {
    const r = rng(42);
    log(`building a synthetic library of ${opts.photos} photos (${DIM}-d vectors, text in 15%)…`);
    const { model, build } = await buildLibrary(store, opts.photos, r);
    log(`  built: rows ${round(build.photosMs / 1000)} s, vectors ${round(build.vectorsMs / 1000)} s, text ${round(build.ocrTextsMs / 1000)} s, names ${round(build.namesMs / 1000)} s`);
    const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
    const queries = Array.from({ length: opts.queries }, (_, i) =>
      [pick(ZH), i % 2 ? pick(EN) : '', i % 3 ? '' : pick(NAME_WORDS)].filter(Boolean).join(' '),
    );
    const filters: SearchFilters[] = [
      { folder: '/bench/library-3/2010' },
      { from: '2015', to: '2016' },
      { hasGps: true },
      { camera: 'canon' },
      { types: ['png'] },
    ];
    const latency: SearchBenchResult['latency'] = [];
    const measure = async (name: string, reqs: SearchRequest[]) => {
      let results = 0;
      let calls = 0;
      const timed = await passes(async (i) => {
        const res = await searchPhotos(store, model, reqs[i % reqs.length]);
        results += res.results.length;
        calls++;
      }, reqs.length);
      const row = { name, ...timed, meanResults: round(results / calls, 1) };
      log(`  ${name}: p50 ${row.p50} ms (passes ${row.p50Passes.join(', ')}), p90 ${row.p90} ms`);
      latency.push(row);
    };
    await measure('fused: image + tags + ocr + metadata, limit 50', queries.map((query) => ({ query, limit: 50 })));
    // Worst case: a cut-off every photo clears, so every view returns its full depth.
    await measure('fused, worst case (every photo above the cut-off)', queries.map((query) => ({ query, limit: 50, minScore: -1 })));
    for (const f of filters) {
      await measure(`fused + filter ${JSON.stringify(f)}`, queries.map((query) => ({ query, limit: 50, filters: f })));
    }
    await measure('empty query + one filter (listing, each filter in turn)', queries.map((_, i) => ({ query: '', limit: 50, filters: filters[i % filters.length] })));
    // Each view alone, to show where the time goes.
    const views = searchViews(store, model);
    for (const view of views) {
      const timed = await passes((i) => {
        const text = queries[i % queries.length];
        return view.search({ text, terms: queryTerms(text), filter: filterSql(undefined), depth: 100, embedding: queryEmbedding(model, text) });
      }, queries.length);
      const row = { name: `view alone: ${view.name}`, ...timed, meanResults: NaN };
      log(`  ${row.name}: p50 ${row.p50} ms, p90 ${row.p90} ms`);
      latency.push(row);
    }
    return { photos: opts.photos, dim: DIM, build, repeats, latency };
  } finally {
    store.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function searchMarkdownTable(r: SearchBenchResult): string {
  return markdownTable(
    ['search at ' + r.photos.toLocaleString('en') + ' photos', 'p50 ms', 'p90 ms', `p50 of each pass (ms)`, 'queries × passes'],
    r.latency.map((l) => [l.name, l.p50, l.p90, l.p50Passes.join(' / '), `${l.n} × ${r.repeats}`]),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { photos: { type: 'string', default: '100000' }, queries: { type: 'string', default: '40' }, repeats: { type: 'string', default: '3' } },
  });
  // Load is read before anything runs: a busy machine is visible in the result file.
  const machine = machineInfo();
  const result = await runSearchBench({ photos: Number(values.photos), queries: Number(values.queries), repeats: Number(values.repeats), log: (s) => console.log(s) });
  const md = [
    '# Fused search latency (bench:search)',
    '',
    machineMarkdown(machine),
    '',
    `Command: \`npm run bench:search\`. Code path: \`searchPhotos\` (main/core/search/search.ts: every view, fusion, filters) on a real SQLite file. ` +
      `Each row: ${result.repeats} passes over the queries after 3 warm-up calls; p50/p90 are the median pass's.`,
    '',
    `Synthetic library: ${result.photos.toLocaleString('en')} photos, ${result.dim}-d vectors in sqlite-vec, text in ${result.build.ocrPhotos.toLocaleString('en')} photos (FTS5), names for all.`,
    'The query embedding is a random unit vector (the text tower costs 10–30 ms more; see bench:models); ' +
      `image cut-off ${SYNTHETIC_MIN_SCORE}: ~1.2% of photos clear it per query.`,
    '',
    searchMarkdownTable(result),
    '',
    `Build: photo rows ${round(result.build.photosMs / 1000, 1)} s, vectors ${round(result.build.vectorsMs / 1000, 1)} s, ` +
      `OCR text rows ${round(result.build.ocrTextsMs / 1000, 1)} s, name index ${round(result.build.namesMs / 1000, 1)} s.`,
  ].join('\n');
  await writeBenchResult('search', { bench: 'search', machine, settings: { photos: result.photos, dim: result.dim }, results: result }, md);
  console.log('\n' + textTable(['search', 'p50 ms', 'p90 ms', 'n'], result.latency.map((l) => [l.name, l.p50, l.p90, l.n])));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
