// bench:scale's cold start: a fresh process opens a built library and answers one search, as
// the app does after a restart (the image index and the filter facets load on first use).
// Prints JSON: ms from process start (performance.now() counts from it) to each step — the
// core's modules imported, the store open (migrations checked), the image index read (its code
// file), the first answer, the first filtered answer — then the process's peak RSS after a run
// of searches (VmHWM on Linux, see peakRssMb). With a model directory as third argument, its text tower is opened and embeds
// the first query too (towerMs: the session and tokenizer load, then the first embedding).
//   tsx test/bench/scale/cold-start.ts <library.db> <query text> [<model dir>]
import { readFileSync } from 'node:fs';

const [file, query, towerDir] = process.argv.slice(2);
const startedMs = performance.now();
const { searchPhotos } = await import('../../../main/core/search/search.js');
const { Store } = await import('../../../main/core/store/index.js');
const { libraryIndexes } = await import('../../../main/core/knn/registry.js');
const { embeddingWorld } = await import('./vectors.js');
const { DIM, syntheticModel } = await import('./library.js');
const importedMs = performance.now();
const store = Store.open(file);
const openMs = performance.now();
const synthetic = syntheticModel(store, embeddingWorld(42, DIM));
let model = synthetic;
let towerMs: number | null = null;
const indexLoad = () => {
  libraryIndexes(store.db).vectorIndex(synthetic.modelId, DIM);
  return performance.now();
};
let indexMs: number;
if (towerDir) {
  // The app opens the model and the library together; the tower's session loads on ONNX
  // Runtime's threads while the index is read on this one.
  const { openModel } = await import('../../../main/core/embed/encoder.js');
  const t = performance.now();
  const tower = openModel(towerDir).then(async (m) => {
    await m.embedText(query);
    return m;
  });
  indexMs = indexLoad();
  const m = await tower;
  towerMs = performance.now() - t;
  model = { model: m, modelId: synthetic.modelId };
} else indexMs = indexLoad();
const first = await searchPhotos(store, model, { query, limit: 50 });
const firstAnswerMs = performance.now();
await searchPhotos(store, model, { query, limit: 50, filters: { hasGps: true } });
const firstFilteredMs = performance.now();
for (let i = 0; i < 20; i++) {
  await searchPhotos(store, model, { query: `${query} ${i}`, limit: 50, filters: i % 2 ? { from: '2010', to: '2014' } : undefined });
}
const facetsFrom = libraryIndexes(store.db).lastFacetsLoad;
store.close();
console.log(
  JSON.stringify({
    startedMs,
    importedMs,
    openMs,
    indexMs,
    towerMs,
    firstAnswerMs,
    firstFilteredMs,
    facetsFrom,
    results: first.results.length,
    peakRssMb: peakRssMb(),
  }),
);

/**
 * This process's peak resident memory. On Linux from /proc (VmHWM, the high-water mark of this
 * address space): getrusage's maxRSS survives exec and so reports the spawning bench process's
 * size when that was larger (1 GB with the text tower open, against ~250 MB here).
 */
function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
