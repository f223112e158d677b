// bench:reopen — the cold start of a big library after it changed, the way a real one changes:
// photos added by the app, which then quits; photos added by `cli index` while the app was
// closed; a removed photo's vector purged. Works on a copy of a library bench:scale built
// (--keep DIR), made in a temp folder and removed after, so the kept library is not touched.
//
//   npm run bench:reopen -- --library /tmp/scale/1m/library.db [--add 20000] [--repeats 3]
//
// Each cold start is cold-start.ts in a fresh process (first answer, image index read, peak
// RSS); the median of --repeats. The rows added are synthetic vectors written through the
// store's own code (store.vectors.put), without photos: what the image index reads is the same.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keepIndexesForNextStart, libraryIndexes } from '../../../main/core/knn/registry.js';
import { Store } from '../../../main/core/store/index.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, writeBenchResult } from '../lib/index.js';
import { DIM, syntheticModel } from './library.js';
import { embeddingWorld } from './vectors.js';

const { values } = parseArgs({
  options: { library: { type: 'string' }, add: { type: 'string', default: '20000' }, repeats: { type: 'string', default: '3' } },
});
if (!values.library || !existsSync(values.library)) throw new Error('--library <library.db of a bench:scale --keep folder> is required');
const machine = machineInfo(); // load average before anything runs
const add = Number(values.add);
const repeats = Number(values.repeats);
const QUERY = 'sunset beach';
const coldStart = path.join(import.meta.dirname, 'cold-start.ts');

type Cold = { indexMs: number; firstAnswerMs: number; firstFilteredMs: number; peakRssMb: number };
/** The first start after the change (it may rewrite a cache file), and the median of the starts after it. */
type Starts = { first: Cold; later: Cold | null };
const median = (xs: number[]) => percentile(xs, 50);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-reopen-'));
const file = path.join(tmp, 'library.db');
try {
  const src = path.dirname(values.library);
  const base = path.basename(values.library);
  for (const f of readdirSync(src)) if (f === base || f.startsWith(`${base}.knn-`) || f.startsWith(`${base}.facets-`)) copyFileSync(path.join(src, f), path.join(tmp, f.replace(base, 'library.db')));
  console.log(`bench:reopen on a copy of ${values.library}; load before ${machine.loadAverage1m}`);

  const cold = (runs: number): Starts => {
    const got: Cold[] = [];
    for (let r = 0; r < runs; r++) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', coldStart, file, QUERY], { encoding: 'utf8' });
      got.push(JSON.parse(out.trim().split('\n').pop()!) as Cold);
    }
    const of = (cs: Cold[]): Cold => ({
      indexMs: round(median(cs.map((c) => c.indexMs)), 0),
      firstAnswerMs: round(median(cs.map((c) => c.firstAnswerMs)), 0),
      firstFilteredMs: round(median(cs.map((c) => c.firstFilteredMs)), 0),
      peakRssMb: round(median(cs.map((c) => c.peakRssMb)), 0),
    });
    return { first: of(got.slice(0, 1)), later: got.length > 1 ? of(got.slice(1)) : null };
  };
  let batch = 0;
  const addRows = (s: Store, n: number) => {
    const model = syntheticModel(s, embeddingWorld(42, DIM));
    const w = embeddingWorld(1000 + batch, DIM);
    const tag = `reopen-${batch++}`;
    s.tx(() => {
      for (let i = 0; i < n; i++) s.vectors.put(model.modelId, `${tag}-${i}`, w.nextImage());
    });
    return model.modelId;
  };
  const purgeOne = (s: Store, modelId: number) => {
    s.db.prepare('UPDATE embeddings SET orphaned_at = 1 WHERE id = (SELECT MIN(id) FROM embeddings WHERE model_id = ? AND orphaned_at IS NULL)').run(modelId);
    return s.vectors.purgeOrphans(1000);
  };

  const rows: { name: string; cold: Starts; note?: string }[] = [];
  // Make sure the copy's codes file stands for it (a build writes it), then the unchanged start.
  cold(1);
  rows.push({ name: 'nothing changed since the codes file', cold: cold(repeats) });

  // Photos indexed by `cli index` while the app was closed: nothing rewrote the codes file.
  {
    const s = Store.open(file);
    addRows(s, add);
    s.close();
  }
  rows.push({ name: `${add.toLocaleString('en')} rows added by another process (cli index) since the codes file`, cold: cold(repeats) });

  // The app runs: its first search reads the file and the rows since; it indexes more photos and
  // purges a removed photo's vector; then it quits (Kanjian.close → keepIndexesForNextStart).
  let quitMs: number;
  {
    const s = Store.open(file);
    const modelId = syntheticModel(s, embeddingWorld(42, DIM)).modelId;
    libraryIndexes(s.db).vectorIndex(modelId, DIM);
    addRows(s, add);
    libraryIndexes(s.db).vectorIndex(modelId, DIM);
    purgeOne(s, modelId);
    const t = performance.now();
    keepIndexesForNextStart(s.db);
    quitMs = round(performance.now() - t, 0);
    s.close();
  }
  rows.push({ name: `the app added ${add.toLocaleString('en')} rows, purged one and quit (its codes file written at quit)`, cold: cold(repeats), note: `the write at quit took ${quitMs} ms` });

  // A purge the quit did not write (a crash; or any purge before the file was written at quit).
  {
    const s = Store.open(file);
    purgeOne(s, syntheticModel(s, embeddingWorld(42, DIM)).modelId);
    s.close();
  }
  // The file no longer matches: it is read and checked row by row against the store
  // (VectorIndex.reconcile). cold-start.ts does not write the file at its end as the app's quit
  // does, so the later starts check it again too.
  rows.push({ name: 'one row purged and the app did not quit cleanly (the file no longer matches: checked row by row)', cold: cold(repeats), note: 'later starts check again: cold-start.ts does not write at quit' });

  const md = [
    '# Reopening a big library after it changed (bench:reopen)',
    '',
    machineMarkdown(machine),
    '',
    `Command: \`npm run bench:reopen -- --library ${values.library} --add ${add} --repeats ${repeats}\`. A copy of that library; each start is \`test/bench/scale/cold-start.ts\` in a fresh process, ${repeats} in a row after each change: the first (which may write a cache file again) and the median of the others. Times in ms from process start. The first filtered answer (a GPS filter) needs the filter facets: read from their file when it was written for what the library holds, else loaded from the library on a worker (any write by another process since the file, as a \`cli index\`, means that load).`,
    '',
    markdownTable(
      ['before the start', 'first start: first answer / index read / first filtered answer', 'its peak RSS (MB)', 'later starts: first answer / index read / first filtered answer', 'note'],
      rows.map((r) => [
        r.name,
        `${r.cold.first.firstAnswerMs} / ${r.cold.first.indexMs} / ${r.cold.first.firstFilteredMs}`,
        r.cold.first.peakRssMb,
        r.cold.later ? `${r.cold.later.firstAnswerMs} / ${r.cold.later.indexMs} / ${r.cold.later.firstFilteredMs}` : '',
        r.note ?? '',
      ]),
    ),
  ].join('\n');
  await writeBenchResult('scale-reopen', { bench: 'reopen', machine, settings: { library: values.library, add, repeats }, results: { rows, quitMs } }, md);
  console.log('\n' + md);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
