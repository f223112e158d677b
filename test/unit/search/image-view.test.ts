// The image view under filters, on real SQLite + sqlite-vec with the toy model's text tower:
// a narrow filter is scored exactly, a broad one by a KNN widened by its selectivity. Either
// way the hits must be the filter's own nearest photos above the cut-off (checked by brute force).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openModel, type EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { Store } from '../../../main/core/store/index.js';
import { filterSql } from '../../../main/core/search/filters.js';
import { ImageView } from '../../../main/core/search/views/image.js';
import { queryEmbedding } from '../../../main/core/search/search.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import type { SearchFilters } from '../../../main/core/api.js';

let model: EmbeddingModel;
let store: Store;
let modelId: number;
const N = 6000;
const vectors = new Map<string, Float32Array>();

function rng(seed: number) {
  let a = seed;
  return () => ((a = (a * 1103515245 + 12345) >>> 0) / 4294967296);
}

beforeAll(async () => {
  model = await openModel(TOY_MODEL);
  store = Store.open(':memory:');
  modelId = store.vectors.ensureModel(model.manifest.id, model.dim);
  const q = await model.embedText('red');
  const r = rng(3);
  store.tx(() => {
    const big = store.folders.add('/big').id;
    const small = store.folders.add('/small').id;
    for (let i = 0; i < N; i++) {
      // Random directions mixed with "red" in varying amounts: a spread of cosines around the cut-off.
      const v = new Float32Array(model.dim);
      const mix = r();
      let n = 0;
      for (let d = 0; d < v.length; d++) {
        v[d] = mix * q[d] + (1 - mix) * (r() - 0.5);
        n += v[d] * v[d];
      }
      for (let d = 0; d < v.length; d++) v[d] /= Math.sqrt(n);
      const sha = `sha-${i}`;
      vectors.set(sha, v);
      const inSmall = i % 30 === 0; // 200 photos
      const folder = inSmall ? '/small' : '/big';
      store.photos.upsert({
        folder_id: inSmall ? small : big, path: `${folder}/${i}.jpg`, size: 1, mtime_ms: 0, sha256: sha, width: 1, height: 1,
        format: i % 3 ? 'jpeg' : 'png', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null,
        orientation: null, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0,
      });
      store.vectors.put(modelId, sha, v);
    }
  });
});

afterAll(async () => {
  store?.close();
  await model?.close();
});

async function view(filters: SearchFilters | undefined, depth: number) {
  const hits = await new ImageView(store, { model, modelId }).search({
    text: 'red', terms: [], filter: filterSql(filters), depth, embedding: queryEmbedding({ model, modelId }, 'red'),
  });
  return hits.map((h) => store.photos.byId(h.photoId)!.path);
}

/** Brute force: the photos passing `keep`, above the cut-off, nearest first, with their scores. */
async function expected(keep: (path: string, i: number) => boolean) {
  const q = await model.embedText('red');
  const min = model.manifest.search.minScore;
  const rows: { path: string; score: number }[] = [];
  for (let i = 0; i < N; i++) {
    const path = `${i % 30 === 0 ? '/small' : '/big'}/${i}.jpg`;
    if (!keep(path, i)) continue;
    const v = vectors.get(`sha-${i}`)!;
    let s = 0;
    for (let d = 0; d < v.length; d++) s += v[d] * q[d];
    if (s >= min) rows.push({ path, score: s });
  }
  return rows.sort((a, b) => b.score - a.score);
}

/**
 * `got` is the filter's top `depth`: as many as expected, and none scoring below the depth-th
 * best (float32 in sqlite-vec vs float64 here may swap near-equal neighbours at the edge).
 */
function expectTop(got: string[], want: { path: string; score: number }[], depth: number) {
  expect(got.length).toBe(Math.min(depth, want.length));
  const edge = want[Math.min(depth, want.length) - 1].score - 1e-5;
  const score = new Map(want.map((w) => [w.path, w.score]));
  for (const p of got) expect(score.get(p) ?? -Infinity).toBeGreaterThanOrEqual(edge);
}

describe('image view with filters', () => {
  it('without filters: the nearest above the cut-off', async () => {
    expectTop(await view(undefined, 50), await expected(() => true), 50);
  });
  it('a narrow filter (200 photos) is scored exactly', async () => {
    const want = await expected((p) => p.startsWith('/small/'));
    const got = await view({ folder: '/small' }, 40);
    expectTop(got, want, 40);
    for (const p of got) expect(p.startsWith('/small/')).toBe(true);
  });
  it("a broad filter (a third of the library) widens the KNN and still finds the filter's nearest", async () => {
    const want = await expected((_, i) => i % 3 === 0);
    expect(want.length).toBeGreaterThan(300);
    // 2,000 pass (above the exact-scoring limit), and the first KNN (k = 600) holds too few of them
    const firstKnn = (await expected(() => true)).slice(0, 600);
    expect(firstKnn.filter((w) => Number(w.path.match(/(\d+)\.jpg$/)![1]) % 3 === 0).length).toBeLessThan(300);
    const got = await view({ types: ['png'] }, 300);
    expectTop(got, want, 300);
  });
});
