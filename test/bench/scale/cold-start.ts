// bench:scale's cold start: a fresh process opens a built library and answers one search, as
// the app does after a restart (the image index and the filter facets load on first use).
// Prints JSON: ms from process start to the open store and to the first answer (unfiltered and
// then filtered), then the process's peak RSS after a run of searches.
//   tsx test/bench/scale/cold-start.ts <library.db> <query text>
import { searchPhotos } from '../../../main/core/search/search.js';
import { Store } from '../../../main/core/store/index.js';
import { embeddingWorld } from './vectors.js';
import { syntheticModel } from './library.js';

const [file, query] = process.argv.slice(2);
const store = Store.open(file);
const openMs = performance.now();
const model = syntheticModel(store, embeddingWorld(42));
const first = await searchPhotos(store, model, { query, limit: 50 });
const firstAnswerMs = performance.now();
await searchPhotos(store, model, { query, limit: 50, filters: { hasGps: true } });
const firstFilteredMs = performance.now();
for (let i = 0; i < 20; i++) {
  await searchPhotos(store, model, { query: `${query} ${i}`, limit: 50, filters: i % 2 ? { from: '2010', to: '2014' } : undefined });
}
store.close();
console.log(
  JSON.stringify({ openMs, firstAnswerMs, firstFilteredMs, results: first.results.length, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
);
