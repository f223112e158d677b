// Where a fused search's time goes, on a library kept by `bench:scale --keep DIR`: each view
// with the query the fused search gives it (limit 50 → depth 100), unfiltered and with each
// filter, then fusion and the photo rows. A tool for working on search speed, not a bench
// result (nothing is written to bench-results/).
//   tsx test/bench/scale/profile.ts DIR [queries]
import path from 'node:path';
import type { SearchFilters } from '../../../main/core/api.js';
import { libraryIndexes } from '../../../main/core/knn/registry.js';
import { filterSql } from '../../../main/core/search/filters.js';
import { queryEmbedding, searchPhotos, searchViews } from '../../../main/core/search/search.js';
import { queryTerms } from '../../../main/core/search/text.js';
import { Store } from '../../../main/core/store/index.js';
import { EN, NAME_WORDS, ZH } from '../search-bench.js';
import { DIM, syntheticModel } from './library.js';
import { embeddingWorld, rng } from './vectors.js';

const [dir, count = '40'] = process.argv.slice(2);
const store = Store.open(path.join(dir, 'library.db'));
const model = syntheticModel(store, embeddingWorld(42, DIM));
const r = rng(7);
const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
const texts = Array.from({ length: Number(count) }, (_, i) =>
  [pick(ZH), i % 2 ? pick(EN) : '', i % 3 ? '' : pick(NAME_WORDS)].filter(Boolean).join(' '),
);
const FILTERS: Record<string, SearchFilters | undefined> = {
  none: undefined,
  folder: { folder: '/photos/Pictures' },
  dates: { from: '2012', to: '2014' },
  gps: { hasGps: true },
  camera: { camera: 'iphone' },
  type: { types: ['heic'] },
};
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await searchPhotos(store, model, { query: texts[0], limit: 50 });
await searchPhotos(store, model, { query: texts[0], limit: 50, filters: { hasGps: true } });
const index = libraryIndexes(store.db).vectorIndex(model.modelId, DIM);
for (const [name, f] of Object.entries(FILTERS)) {
  const filter = filterSql(f, { tagModelId: model.modelId });
  const t: Record<string, number[]> = { fused: [], bitmap: [] };
  for (let pass = 0; pass < 2; pass++) {
    for (const text of texts) {
      const a = performance.now();
      await searchPhotos(store, model, { query: text, limit: 50, filters: f });
      if (pass) t.fused.push(performance.now() - a);
      if (f) {
        const b = performance.now();
        libraryIndexes(store.db).allowed(index, f);
        if (pass) t.bitmap.push(performance.now() - b);
      }
      for (const v of searchViews(store, model)) {
        const c = performance.now();
        const hits = await v.search({ text, terms: queryTerms(text), filter, depth: 100, embedding: queryEmbedding(model, text) });
        if (pass) (t[v.name] ??= []).push(performance.now() - c);
        if (pass) (t[`${v.name}#`] ??= []).push(hits.length);
      }
    }
  }
  console.log(name.padEnd(7), Object.entries(t).filter(([, xs]) => xs.length).map(([k, xs]) => `${k} ${med(xs).toFixed(1)}`).join('  '));
}
store.close();
