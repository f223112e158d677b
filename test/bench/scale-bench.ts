// npm run bench:scale -- --photos N [--json] [--queries 40] [--repeats 3]
//                         [--skip similar,duplicates,first-steps,first-at-once,cold,cold-tower,peer] [--keep DIR]
//
// Search, similar shots and duplicates at library scale, on a real library file built with N
// synthetic photos through the project's store code (test/bench/scale/library.ts: clustered
// 512-d vectors with topics, bursts and near copies; EXIF, folders, text in 15%). Measured in
// one run, machine load recorded before it starts:
//   - fused search (every view + fusion, limit 50) p50/p90, unfiltered and with each filter,
//     the median over `repeats` passes of the query set; each view alone;
//   - the peer: the same vectors searched the way rclip does (one NumPy matrix product over
//     all vectors, Debian's python3-numpy), p50 in the same run, and its exact top 10 as the
//     oracle for recall@10 of our image index;
//   - the query embedding separately: the random-weight XLM-R text tower when
//     .cache/bench-models/bench-vitb32-xlmr exists (test/bench/towers), else null;
//   - similar-shot backfill of all N (duplicates/similar.ts scanSimilar) with its recall on a
//     sample; duplicate grouping (findDuplicates, all kinds), a library's first review both in
//     one go (the CLI) and in steps as the app runs it (time to its first answer, and to the
//     last step); DB bytes per photo; cold start
//     (a fresh process to its first answer, median of `repeats`) and that process's peak RSS.
// Writes bench-results/scale-<N>.json and .md; --json prints the summary object.
// --skip leaves parts out (similar: the backfill and its recall; duplicates: the grouping;
// first-steps and first-at-once: the first review in the app's steps, or in one go (both left out,
// a reused library keeps the pairs it holds and only what is not paired yet is paired, unmeasured,
// before the later reviews are timed: minutes instead of 10–20 at 1M); cold:
// the fresh-process runs; cold-tower: only those with the text tower; peer: NumPy, recall then
// from a JavaScript exact scan); skipped
// numbers are null and the md says so. --keep DIR builds the library in DIR and reuses it when
// DIR already holds one of N photos (iterating on search without a 6-minute build at 1M). --name X
// writes bench-results/scale-<N>-X.* instead (a partial run beside the full one).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SearchFilters, SearchRequest } from '../../main/core/api.js';
import { buildGroups, findDuplicates } from '../../main/core/duplicates/find.js';
import { FIRST_PAIRING_STEP, PAIR_AT_ONCE_MAX } from '../../main/core/duplicates/near-pairs.js';
import { scanSimilar, similarFloor } from '../../main/core/duplicates/similar.js';
import { openModel } from '../../main/core/embed/encoder.js';
import { libraryIndexes } from '../../main/core/knn/registry.js';
import { filterSql } from '../../main/core/search/filters.js';
import { queryEmbedding, searchPhotos, searchViews } from '../../main/core/search/search.js';
import { queryTerms } from '../../main/core/search/text.js';
import { Store } from '../../main/core/store/index.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, timeCalls, writeBenchResult } from './lib/index.js';
import { buildLibrary, ensureNearHashes, DIM, SYNTHETIC_MIN_SCORE, syntheticModel, type BuiltLibrary } from './scale/library.js';
import { EN, NAME_WORDS, ZH } from './search-bench.js';
import { embeddingWorld, rng } from './scale/vectors.js';

const REPO = path.resolve(import.meta.dirname, '../..');

const FILTERS: Record<string, SearchFilters> = {
  folder: { folder: '/photos/Pictures' },
  dates: { from: '2012', to: '2014' },
  gps: { hasGps: true },
  camera: { camera: 'iphone' },
  type: { types: ['heic'] },
};

const median = (xs: number[]) => percentile(xs, 50);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '100000' },
      json: { type: 'boolean', default: false },
      queries: { type: 'string', default: '40' },
      repeats: { type: 'string', default: '3' },
      skip: { type: 'string', default: '' },
      keep: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const skip = new Set(values.skip.split(',').map((x) => x.trim()).filter(Boolean));
  const PARTS = ['similar', 'duplicates', 'first-steps', 'first-at-once', 'cold', 'cold-tower', 'peer'];
  for (const s of skip) if (!PARTS.includes(s)) throw new Error(`--skip: unknown part "${s}" (${PARTS.join(', ')})`);
  const n = Number(values.photos);
  const repeats = Math.max(3, Number(values.repeats));
  const log = values.json ? (s: string) => process.stderr.write(s + '\n') : (s: string) => console.log(s);
  const machine = machineInfo(); // load average read before anything runs
  log(`bench:scale ${n.toLocaleString('en')} photos; load before ${machine.loadAverage1m} (1 min), ${machine.cores} cores`);
  const keep = values.keep ? path.resolve(values.keep) : null;
  const tmp = keep ?? mkdtempSync(path.join(os.tmpdir(), 'kanjian-scale-'));
  const dbFile = path.join(tmp, 'library.db');
  const vecFile = path.join(tmp, 'vectors.f32');
  const infoFile = path.join(tmp, 'library.json');
  const notes: string[] = [];
  try {
    const kept = keep && existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as Omit<BuiltLibrary, 'model' | 'world'>) : null;
    let store: Store;
    let lib: Omit<BuiltLibrary, 'world'>;
    if (kept && kept.photos === n) {
      store = Store.open(dbFile);
      lib = { ...kept, model: syntheticModel(store, embeddingWorld(42, DIM)) };
      log(`reusing the library in ${tmp} (built ${JSON.stringify(kept.buildMs)})`);
      notes.push(`Library reused from an earlier run (--keep): build times are that run's; DB size includes what earlier runs stored; the similar-shot backfill starts from none, and the near pairs too unless both first reviews are skipped (then the pairs it holds are kept).`);
    } else {
      if (keep) {
        mkdirSync(tmp, { recursive: true });
        for (const f of readdirSync(tmp)) if (f.startsWith('library.') || f === 'vectors.f32') rmSync(path.join(tmp, f), { force: true });
      }
      store = Store.open(dbFile);
      log('building the library…');
      const built = await buildLibrary(store, n, vecFile, log);
      lib = built;
      if (keep) writeFileSync(infoFile, JSON.stringify({ photos: built.photos, contents: built.contents, ocrPhotos: built.ocrPhotos, buildMs: built.buildMs }));
    }
    // The near-copy hashes every indexed content has (a library kept from before they were built gets them now).
    const nearMs = ensureNearHashes(store, log);
    if (nearMs !== null) lib.buildMs = { ...lib.buildMs, 'near-copy hashes': nearMs };
    if (nearMs !== null && keep) writeFileSync(infoFile, JSON.stringify({ photos: lib.photos, contents: lib.contents, ocrPhotos: lib.ocrPhotos, buildMs: lib.buildMs }));
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const dbBytes = statSync(dbFile).size;

    const r = rng(7);
    const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
    const texts = Array.from({ length: Number(values.queries) }, (_, i) =>
      [pick(ZH), i % 2 ? pick(EN) : '', i % 3 ? '' : pick(NAME_WORDS)].filter(Boolean).join(' '),
    );
    const model = lib.model;

    // First search in this process: loads the image index (cold start is measured apart).
    const t0 = performance.now();
    await searchPhotos(store, model, { query: texts[0], limit: 50 });
    const firstSearchMs = performance.now() - t0;
    const t1 = performance.now();
    await searchPhotos(store, model, { query: texts[0], limit: 50, filters: FILTERS.gps });
    const firstFilterMs = performance.now() - t1;
    log(`  first search (index load) ${round(firstSearchMs)} ms, first filtered (facets load) ${round(firstFilterMs)} ms`);

    const measure = async (reqs: SearchRequest[]) => {
      const p50s: number[] = [];
      const p90s: number[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const run = await timeCalls((i) => searchPhotos(store, model, reqs[i % reqs.length]), { warmup: 3, iterations: reqs.length });
        p50s.push(percentile(run.samples, 50));
        p90s.push(percentile(run.samples, 90));
      }
      return { p50: round(median(p50s), 2), p90: round(median(p90s), 2) };
    };
    const fused = await measure(texts.map((query) => ({ query, limit: 50 })));
    log(`  fused: p50 ${fused.p50} ms, p90 ${fused.p90} ms`);
    const filtered: Record<string, { p50: number; p90: number }> = {};
    for (const [name, f] of Object.entries(FILTERS)) {
      filtered[name] = await measure(texts.map((query) => ({ query, limit: 50, filters: f })));
      log(`  fused + ${name} ${JSON.stringify(f)}: p50 ${filtered[name].p50} ms, p90 ${filtered[name].p90} ms`);
    }
    const viewsAlone: Record<string, number> = {};
    for (const view of searchViews(store, model)) {
      const p50s: number[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const run = await timeCalls(
          (i) => {
            const text = texts[i % texts.length];
            return view.search({ text, terms: queryTerms(text), filter: filterSql(undefined), depth: 100, embedding: queryEmbedding(model, text) });
          },
          { warmup: 3, iterations: texts.length },
        );
        p50s.push(percentile(run.samples, 50));
      }
      viewsAlone[view.name] = round(median(p50s), 2);
      log(`  view alone ${view.name}: p50 ${viewsAlone[view.name]} ms`);
    }

    // The peer and the recall oracle: the query vectors the image view used, in a file.
    const queryVectors = await Promise.all(texts.map((t) => model.model.embedText(t)));
    const qFile = path.join(tmp, 'queries.f32');
    writeFileSync(qFile, Buffer.concat(queryVectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
    const eids = store.db.prepare('SELECT id FROM embeddings WHERE model_id = ? ORDER BY id').pluck().all(model.modelId) as number[];
    const index = libraryIndexes(store.db).vectorIndex(model.modelId, DIM);
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0);
    let peer: { numpy: string; p50s: number[]; top10: number[][] } | null = null;
    if (skip.has('peer')) notes.push('Skipped (--skip peer): no NumPy peer; recall from a JavaScript exact scan.');
    else if (python) {
      const out = execFileSync(python, [path.join(import.meta.dirname, 'scale/numpy_peer.py'), vecFile, qFile, String(DIM), String(repeats)], {
        maxBuffer: 64 << 20,
        encoding: 'utf8',
      });
      peer = JSON.parse(out);
      log(`  peer (NumPy ${peer!.numpy} via ${python}): p50 ${round(median(peer!.p50s), 2)} ms`);
    } else notes.push('python3 with NumPy not found (apt-get install python3-numpy): no peer; recall from a JavaScript exact scan.');
    let found = 0;
    for (let qi = 0; qi < queryVectors.length; qi++) {
      const truth = new Set(peer ? peer.top10[qi].map((row) => eids[row]) : index.exact(queryVectors[qi], 10).map((h) => h.eid));
      found += index.search(queryVectors[qi], 10).filter((h) => truth.has(h.eid)).length;
    }
    const recallAt10 = round(found / (queryVectors.length * 10), 4);
    log(`  image-view recall@10 vs exact: ${recallAt10}`);
    const imageAloneP50 = await (async () => {
      const p50s: number[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const run = await timeCalls((i) => index.search(queryVectors[i % queryVectors.length], 200), { warmup: 3, iterations: queryVectors.length });
        p50s.push(percentile(run.samples, 50));
      }
      return round(median(p50s), 2);
    })();
    log(`  image index KNN alone (k 200): p50 ${imageAloneP50} ms`);

    // The query embedding with a real (random-weight) text tower, when one was built.
    let queryEmbedP50Ms: number | null = null;
    const tower = path.join(REPO, '.cache/bench-models/bench-vitb32-xlmr');
    if (existsSync(path.join(tower, 'manifest.json'))) {
      const m = await openModel(tower);
      const run = await timeCalls((i) => m.embedText(texts[i % texts.length] + ` ${i}`), { warmup: 3, iterations: texts.length * repeats });
      queryEmbedP50Ms = round(percentile(run.samples, 50), 2);
      await (m as unknown as { close?: () => Promise<void> }).close?.();
      log(`  query embedding (random-weight XLM-R tower): p50 ${queryEmbedP50Ms} ms`);
    } else {
      notes.push('No random-weight XLM-R text tower under .cache/bench-models/bench-vitb32-xlmr (test/bench/towers builds it): queryEmbedP50Ms is null; fused times exclude the text tower.');
      log('  query embedding: skipped (no random-weight XLM-R tower built under .cache/bench-models)');
    }

    // Similar shots for the whole library, then duplicate grouping over what it stored.
    // CPU seconds beside wall seconds: on a shared machine the wall time says more about the load.
    const cpuS = (since: NodeJS.CpuUsage) => round((process.cpuUsage(since).user + process.cpuUsage(since).system) / 1e6, 2);
    let backfillS: number | null = null;
    let backfillCpuS: number | null = null;
    let scanned: number | null = null;
    let similarRecall: number | null = null;
    let simWanted = 0;
    const floor = similarFloor(model.model.manifest);
    if (skip.has('similar')) {
      notes.push('Skipped (--skip similar): the similar-shot backfill and its recall were not measured in this run.');
      log('  similar-shot backfill: skipped');
    } else {
    // A library reused (--keep) has its neighbours from the run before: found again from none.
    store.db.prepare('DELETE FROM similar_pairs WHERE model_id = ?').run(model.modelId);
    store.db.prepare('DELETE FROM similar_scanned WHERE model_id = ?').run(model.modelId);
    const ts = performance.now();
    const cs = process.cpuUsage();
    scanned = await scanSimilar(store, model);
    backfillS = round((performance.now() - ts) / 1000, 2);
    backfillCpuS = cpuS(cs);
    let simFound = 0;
    const pairStmt = store.db.prepare('SELECT 1 FROM similar_pairs WHERE model_id = ? AND sha_a = ? AND sha_b = ?');
    const shaOf = store.db.prepare('SELECT sha256 FROM embeddings WHERE id = ?').pluck();
    for (let s = 0; s < 200; s++) {
      const eid = eids[Math.floor(r() * eids.length)];
      const v = index.vectorOf(eid)!;
      const sha = shaOf.get(eid) as string;
      for (const h of index.search(v, 25, { candidates: eids.length })) {
        if (h.eid === eid || h.score < floor + 0.01) continue;
        const other = shaOf.get(h.eid) as string;
        simWanted++;
        if (pairStmt.get(model.modelId, sha < other ? sha : other, sha < other ? other : sha)) simFound++;
      }
    }
    similarRecall = simWanted ? round(simFound / simWanted, 4) : null;
    log(`  similar-shot backfill: ${scanned} contents in ${backfillS} s (CPU ${backfillCpuS} s); recall of pairs ≥ floor on 200 sampled: ${similarRecall} (${simWanted} pairs)`);
    }
    const groupingRuns: number[] = [];
    const groupingCpu: number[] = [];
    let groups = 0;
    let groupingS: number | null = null;
    let groupingCpuS: number | null = null;
    let firstReviewS: number | null = null;
    let firstReviewCpuS: number | null = null;
    let stepsFirstAnswerS: number | null = null;
    let stepsAllS: number | null = null;
    let stepsCpuS: number | null = null;
    let steps = 0;
    let newSinceS: number | null = null;
    let newOneS: number | null = null;
    /** Review times after k new contents, by k. */
    const newRuns = new Map<number, number[]>();
    const NEW_SINCE = 1000;
    if (skip.has('duplicates')) {
      notes.push('Skipped (--skip duplicates): duplicate grouping was not measured in this run.');
      log('  duplicate grouping: skipped');
    } else {
      const review = () => {
        const t = performance.now();
        const c = process.cpuUsage();
        groups = findDuplicates(store, {}, { model }).groups.length;
        return { s: (performance.now() - t) / 1000, cpu: cpuS(c) };
      };
      // The first review of a library as the app runs it (duplicates/cache.ts): no near pair
      // kept yet, contents paired a step at a time, groups built after each step.
      if (skip.has('first-steps')) notes.push('Skipped (--skip first-steps): the first review in steps, as the app runs it, was not measured.');
      else {
        store.db.exec('DELETE FROM near_pairs; DELETE FROM near_paired;');
        const t = performance.now();
        const c = process.cpuUsage();
        for (;;) {
          const answer = buildGroups(store, {}, { model, pairInSteps: { firstStep: FIRST_PAIRING_STEP, atOnceMax: PAIR_AT_ONCE_MAX } });
          steps++;
          if (steps === 1) stepsFirstAnswerS = round((performance.now() - t) / 1000, 2);
          log(`    step ${steps}: ${round((performance.now() - t) / 1000, 1)} s, ${answer.pairing ? `${answer.pairing.done} of ${answer.pairing.total} paired` : 'all paired'}, ${answer.groups.length} groups`);
          if (!answer.pairing) break;
        }
        stepsAllS = round((performance.now() - t) / 1000, 2);
        stepsCpuS = cpuS(c);
        log(`  duplicate grouping, first review in steps: first answer ${stepsFirstAnswerS} s, all ${steps} steps ${stepsAllS} s (CPU ${stepsCpuS} s)`);
      }
      // The same first review in one go (the CLI, or the app before it paired in steps).
      if (skip.has('first-at-once')) notes.push('Skipped (--skip first-at-once): the first review pairing every content in one go was not measured.');
      else {
        store.db.exec('DELETE FROM near_pairs; DELETE FROM near_paired;');
        const first = review();
        firstReviewS = round(first.s, 2);
        firstReviewCpuS = first.cpu;
        log(`  duplicate grouping, first review (pairs every content): ${firstReviewS} s (CPU ${firstReviewCpuS} s)`);
      }
      // Later reviews: the pairs kept, nothing new. With both first reviews skipped, what a reused
      // library has not paired yet is paired first, untimed.
      if (skip.has('first-steps') && skip.has('first-at-once')) {
        const t = performance.now();
        review();
        const s = round((performance.now() - t) / 1000, 1);
        log(`  pairing what was not paired yet (untimed in the table): ${s} s`);
        notes.push(`Both first reviews skipped: the library's first review of this run (pairing what was not paired yet, the file maybe not in the page cache) took ${s} s, not in the table.`);
      }
      for (let rep = 0; rep < repeats; rep++) {
        const run = review();
        groupingRuns.push(run.s);
        groupingCpu.push(run.cpu);
      }
      groupingS = round(median(groupingRuns), 2);
      groupingCpuS = round(median(groupingCpu), 2);
      log(`  duplicate grouping (all kinds, first page), pairs kept: ${groupingS} s (CPU ${groupingCpuS} s), ${groups} groups`);
      // A review after new contents arrived (NEW_SINCE, an import; one, a watcher's pass): as
      // if new, their pairs and marks are dropped (a sample of the library, so they have the
      // library's copies and crops).
      const afterNew = (k: number) => {
        const runs: number[] = [];
        for (let rep = 0; rep < repeats; rep++) {
          store.db.exec(`CREATE TEMP TABLE IF NOT EXISTS gone (sha256 TEXT PRIMARY KEY); DELETE FROM gone;
            INSERT INTO gone SELECT sha256 FROM near_paired ORDER BY random() LIMIT ${k};
            DELETE FROM near_pairs WHERE sha_a IN (SELECT sha256 FROM gone) OR sha_b IN (SELECT sha256 FROM gone);
            DELETE FROM near_paired WHERE sha256 IN (SELECT sha256 FROM gone);`);
          runs.push(review().s);
        }
        newRuns.set(k, runs);
        const s = round(median(runs), 2);
        log(`  duplicate grouping after ${k} new content${k === 1 ? '' : 's'}: ${s} s`);
        return s;
      };
      newSinceS = afterNew(NEW_SINCE);
      newOneS = afterNew(1);
    }
    const benchPeakRssMb = round(process.resourceUsage().maxRSS / 1024, 0);
    store.close();

    // Cold start: a fresh process, its first answer; and that process's peak RSS.
    // Steps in ms from process start (see cold-start.ts); towerMs only with the text tower.
    type Cold = { importedMs: number; openMs: number; indexMs: number; towerMs: number | null; firstAnswerMs: number; firstFilteredMs: number; facetsFrom: 'file' | 'library' | 'earlier file' | null; peakRssMb: number };
    const coldRuns = (withTower: boolean): Cold[] => {
      const runs: Cold[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const args = [path.join(import.meta.dirname, 'scale/cold-start.ts'), dbFile, texts[1], ...(withTower ? [tower] : [])];
        const out = execFileSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', cwd: REPO });
        runs.push(JSON.parse(out.trim().split('\n').pop()!));
      }
      return runs;
    };
    const hasTower = existsSync(path.join(tower, 'manifest.json'));
    const colds = skip.has('cold') ? [] : coldRuns(false);
    const coldsTower = skip.has('cold') || skip.has('cold-tower') || !hasTower ? [] : coldRuns(true);
    if (skip.has('cold-tower')) notes.push('Skipped (--skip cold-tower): no cold start with the text tower in this run.');
    if (skip.has('cold')) notes.push('Skipped (--skip cold): no cold start or app-process RSS in this run.');
    const step = (runs: Cold[], k: keyof Cold) => (runs.length ? round(median(runs.map((c) => Number(c[k]))), 0) : null);
    const coldStartS = colds.length ? round(median(colds.map((c) => c.firstAnswerMs)) / 1000, 2) : null;
    const coldStartTowerS = coldsTower.length ? round(median(coldsTower.map((c) => c.firstAnswerMs)) / 1000, 2) : null;
    const peakRssMb = colds.length ? round(median(colds.map((c) => c.peakRssMb)), 0) : null;
    const peakRssTowerMb = coldsTower.length ? round(median(coldsTower.map((c) => c.peakRssMb)), 0) : null;
    const coldSteps = (runs: Cold[]) =>
      runs.length
        ? `modules imported ${step(runs, 'importedMs')} ms, store open ${step(runs, 'openMs')} ms, image index read ${step(runs, 'indexMs')} ms, ` +
          `first answer ${step(runs, 'firstAnswerMs')} ms, first filtered answer ${step(runs, 'firstFilteredMs')} ms ` +
          `(facets read from: ${runs.map((c) => c.facetsFrom ?? 'this thread').join(', ')})`
        : 'not measured';
    log(`  cold start to first answer: ${coldStartS} s (${coldSteps(colds)}); with the text tower ${coldStartTowerS} s; app-process peak RSS ${peakRssMb} MB (with the tower ${peakRssTowerMb} MB)`);

    const summary = {
      photos: n,
      search: {
        fusedP50Ms: fused.p50,
        fusedFilteredP50Ms: Object.fromEntries(Object.entries(filtered).map(([k, v]) => [k, v.p50])),
        peerNumpyP50Ms: peer ? round(median(peer.p50s), 2) : null,
        recallAt10,
        queryEmbedP50Ms,
      },
      similar: { backfillS },
      duplicates: { groupingS, firstReviewS, firstReviewInSteps: { firstAnswerS: stepsFirstAnswerS, allS: stepsAllS, steps }, newSinceS, newSince: NEW_SINCE, newOneS },
      coldStartS,
      coldStartWithTowerS: coldStartTowerS,
      dbBytesPerPhoto: Math.round(dbBytes / n),
      peakRssMb,
      peakRssWithTowerMb: peakRssTowerMb,
    };
    const details = {
      contents: lib.contents,
      ocrPhotos: lib.ocrPhotos,
      buildMs: lib.buildMs,
      fused,
      filtered,
      viewsAloneP50Ms: viewsAlone,
      imageIndexKnnP50Ms: imageAloneP50,
      imageIndexBytes: index.bytes,
      firstSearchInProcessMs: round(firstSearchMs),
      firstFilteredInProcessMs: round(firstFilterMs),
      peer: peer && { numpy: peer.numpy, python, p50s: peer.p50s.map((x) => round(x, 2)) },
      similar: { scanned, recallOnSample: similarRecall, sampledPairs: simWanted, floor, backfillCpuS },
      duplicates: { groupsFirstPage: groups, runsS: groupingRuns.map((x) => round(x, 2)), cpuS: groupingCpu, firstReviewCpuS, newSinceRunsS: (newRuns.get(NEW_SINCE) ?? []).map((x) => round(x, 2)), newOneRunsS: (newRuns.get(1) ?? []).map((x) => round(x, 2)) },
      coldStarts: colds,
      coldStartsWithTower: coldsTower,
      benchProcessPeakRssMb: benchPeakRssMb,
      syntheticMinScore: SYNTHETIC_MIN_SCORE,
    };
    const md = [
      `# Search at scale: ${n.toLocaleString('en')} photos (bench:scale)`,
      '',
      machineMarkdown(machine),
      '',
      `Command: \`npm run bench:scale -- --photos ${n}${values.queries !== '40' ? ` --queries ${values.queries}` : ''}${skip.size ? ` --skip ${[...skip].join(',')}` : ''}${keep ? ` --keep ${keep}` : ''}${values.name ? ` --name ${values.name}` : ''}\`. A real library file built through the store code: ${lib.contents.toLocaleString('en')} distinct contents (1% exact copies), clustered 512-d vectors, text in ${lib.ocrPhotos.toLocaleString('en')} photos. ` +
        `Latencies: median of ${repeats} passes over ${texts.length} queries (p50/p90 within a pass). The fused search excludes the text tower (cached per text; see queryEmbedP50Ms).`,
      '',
      markdownTable(
        ['measure', 'value'],
        [
          ['fused search p50 / p90 (ms, limit 50)', `${fused.p50} / ${fused.p90}`],
          ...Object.entries(filtered).map(([k, v]) => [`fused + ${k} filter ${JSON.stringify(FILTERS[k])} p50 / p90 (ms)`, `${v.p50} / ${v.p90}`]),
          ...Object.entries(viewsAlone).map(([k, v]) => [`view alone: ${k} p50 (ms)`, v]),
          ['image index KNN alone, k 200, p50 (ms)', imageAloneP50],
          ['peer: NumPy matrix product + top 50, p50 (ms)', summary.search.peerNumpyP50Ms],
          ['fused p50 / NumPy p50', peer ? round(fused.p50 / summary.search.peerNumpyP50Ms!, 3) : null],
          ['image-view recall@10 vs exact', recallAt10],
          ['query embedding p50 (ms, random-weight XLM-R)', queryEmbedP50Ms ?? 'not measured (no tower built)'],
          ['similar-shot backfill, all contents (s; CPU s)', backfillS === null ? 'skipped' : `${backfillS}; ${backfillCpuS}`],
          ['similar-shot pair recall (200 sampled contents)', skip.has('similar') ? 'skipped' : similarRecall],
          ['duplicate grouping, all kinds, near pairs kept (s; CPU s)', groupingS === null ? 'skipped' : `${groupingS}; ${groupingCpuS}`],
          ['duplicate grouping, first review: every content paired in one go (s; CPU s)', firstReviewS === null ? 'skipped' : `${firstReviewS}; ${firstReviewCpuS}`],
          ['the same in steps, as the app runs it: first answer / all steps (s; CPU s; steps)', stepsAllS === null ? 'skipped' : `${stepsFirstAnswerS} / ${stepsAllS}; ${stepsCpuS}; ${steps}`],
          [`duplicate grouping after ${NEW_SINCE.toLocaleString('en')} new contents (s)`, newSinceS === null ? 'skipped' : `${newSinceS}`],
          ['duplicate grouping after 1 new content, a watcher\'s pass (s)', newOneS === null ? 'skipped' : `${newOneS}`],
          ['cold start: new process to first answer (s), synthetic query vector', coldStartS ?? 'skipped'],
          ['cold start steps (ms from process start, median)', coldSteps(colds)],
          ['cold start with the random-weight XLM-R text tower opened and run (s)', coldStartTowerS ?? (hasTower ? 'skipped' : 'no tower built')],
          ['cold start steps with the tower (ms; tower opened beside the index read)', coldsTower.length ? `${coldSteps(coldsTower)}, tower ready ${step(coldsTower, 'towerMs')} ms after it was asked` : 'not measured'],
          ['DB bytes per photo', summary.dbBytesPerPhoto],
          ['peak RSS of the app-like process (MB), 22 searches after a cold start', peakRssMb ?? 'skipped'],
          ['the same with the text tower (and the image tower) open (MB)', peakRssTowerMb ?? 'not measured'],
          ['build: ' + Object.entries(lib.buildMs).map(([k, v]) => `${k} ${round(v / 1000, 1)} s`).join(', '), ''],
        ],
      ),
      '',
      ...notes.map((s) => `- ${s}`),
    ].join('\n');
    await writeBenchResult(`scale-${n}${values.name ? `-${values.name}` : ''}`, { bench: 'scale', machine, settings: { photos: n, queries: texts.length, repeats }, results: { summary, details }, notes }, md);
    if (values.json) console.log(JSON.stringify(summary));
    else console.log('\n' + md);
  } finally {
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
