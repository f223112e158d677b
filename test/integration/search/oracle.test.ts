// Search quality against an oracle that owes nothing to the toy model's colour geometry: the
// test chooses every photo's cosine to the query, writes vectors with exactly those cosines
// into a real SQLite + sqlite-vec store, and checks the search against a brute-force ranking
// of the stored vectors computed here. The toy model only supplies the query vector (whatever
// its text tower makes of "red"); which photos should come back, and in which order, is decided
// by the test alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SearchFilters } from '../../../main/core/api.js';
import { openModel, type EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { searchPhotos } from '../../../main/core/search/search.js';
import { Store } from '../../../main/core/store/index.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { rng } from '../../helpers/random.js';

const N = 3000;
const QUERY = 'red';
let tmp: string;
let store: Store;
let model: EmbeddingModel;
let modelId: number;
let minScore: number;
let query: Float64Array;
/** What the test wrote: path → stored (float32) vector. */
const stored = new Map<string, Float32Array>();


const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const unit = (v: Float64Array) => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};

/** A unit vector whose cosine with the unit vector `q` is exactly `c` (up to float32). */
function withCosine(q: Float64Array, c: number, r: () => number): Float32Array {
  // A random direction, made orthogonal to q (Gram–Schmidt), mixed with q at angle acos(c).
  const u = unit(Float64Array.from(q, () => r() - 0.5));
  const along = dot(u, q);
  const ortho = unit(u.map((x, i) => x - along * q[i]));
  return Float32Array.from(q, (x, i) => c * x + Math.sqrt(1 - c * c) * ortho[i]);
}

const folderOf = (i: number) => (i % 3 === 0 ? '/lib/a' : '/lib/b');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-oracle-'));
  store = Store.open(path.join(tmp, 'library.db'));
  model = await openModel(TOY_MODEL, { provider: 'cpu' });
  modelId = store.vectors.ensureModel(model.manifest.id, model.dim);
  minScore = model.manifest.search.minScore;
  query = unit(Float64Array.from(await model.embedText(QUERY)));

  // Every photo gets its own cosine, 0.00065 apart from its neighbours' (far above float32
  // noise), from -0.95 to 0.995, in an order shuffled against insertion and folder.
  const r = rng(20260601);
  const cosines = Array.from({ length: N }, (_, i) => -0.95 + (1.945 * i) / (N - 1));
  for (let i = cosines.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [cosines[i], cosines[j]] = [cosines[j], cosines[i]];
  }
  store.tx(() => {
    const folders = { '/lib/a': store.folders.add('/lib/a').id, '/lib/b': store.folders.add('/lib/b').id };
    for (let i = 0; i < N; i++) {
      // Names no lexical view can match, so the image view alone answers.
      const file = `${folderOf(i)}/p${String(i).padStart(4, '0')}.jpg`;
      const sha = `oracle-${i}`;
      const v = withCosine(query, cosines[i], r);
      stored.set(file, v);
      store.photos.upsert({
        folder_id: folders[folderOf(i)], path: file, size: 1, mtime_ms: 0, sha256: sha, width: 1, height: 1,
        format: 'jpeg', taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null,
        orientation: null, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0,
      });
      store.vectors.put(modelId, sha, v);
    }
  });
});

afterAll(async () => {
  store?.close();
  await model?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Brute force over what the test stored: photos in the folder (if any) at or above the cut-off, best first. */
function bruteForce(folder?: string): { path: string; score: number }[] {
  const rows = [...stored].filter(([p]) => !folder || p.startsWith(`${folder}/`)).map(([p, v]) => ({ path: p, score: dot(v, query) }));
  return rows.filter((x) => x.score >= minScore).sort((a, b) => b.score - a.score);
}

async function search(limit: number, filters?: SearchFilters) {
  const res = await searchPhotos(store, { model, modelId }, { query: QUERY, limit, ...(filters && { filters }) });
  return res.results;
}

describe('image view vs brute-force cosine ranking (vectors chosen by the test)', () => {
  it('the chosen cosines are what the store holds (the oracle is sound)', () => {
    const scores = [...stored.values()].map((v) => dot(v, query)).sort((a, b) => a - b);
    expect(scores).toHaveLength(N);
    expect(scores[0]).toBeCloseTo(-0.95, 5);
    expect(scores[N - 1]).toBeCloseTo(0.995, 5);
    // About a quarter of the photos clear the toy model's cut-off (0.5): enough to rank.
    expect(bruteForce().length).toBeGreaterThan(600);
  });

  it('returns exactly the top of the brute-force ranking, in order, with its cosines', async () => {
    const want = bruteForce().slice(0, 50);
    const got = await search(50);
    expect(got.map((r) => r.photo.path)).toEqual(want.map((w) => w.path));
    got.forEach((r, i) => {
      expect(r.views).toEqual(['image']);
      expect(r.viewScores?.image).toBeCloseTo(want[i].score, 3);
    });
  });

  it('returns every photo above the cut-off and none below it', async () => {
    const want = bruteForce();
    const got = await search(1000);
    // The same set of photos. Their order is checked at the top (above); far down, neighbours
    // 0.00065 apart may swap, since the image index scores by int8 cosine (measured here within 2.1e-3).
    expect(got.map((r) => r.photo.path).sort()).toEqual(want.map((w) => w.path).sort());
    const truth = new Map(want.map((w) => [w.path, w.score]));
    for (const r of got) expect(Math.abs(r.viewScores!.image! - truth.get(r.photo.path)!)).toBeLessThan(3e-3);
    expect(Math.min(...got.map((r) => r.viewScores!.image!))).toBeGreaterThanOrEqual(minScore - 1e-4);
  });

  it.each([
    ['a narrow folder (1,000 photos, scored exactly)', '/lib/a'],
    ['a broad folder (2,000 photos, KNN widened)', '/lib/b'],
  ])('%s: the folder’s own brute-force top, in order', async (_name, folder) => {
    const want = bruteForce(folder).slice(0, 40);
    expect(want).toHaveLength(40);
    const got = await search(40, { folder });
    expect(got.map((r) => r.photo.path)).toEqual(want.map((w) => w.path));
  });
});
