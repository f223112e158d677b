// npm run bench:duplicates — how well near-duplicates are found, ours against Debian's
// findimagedupes on the very same files in the same run, and how long grouping 100,000 photos
// takes (synthetic hashes and vectors).
//
// The set: the distinct camera JPEGs of test/fixtures/photos (vendored exif-samples). Two of every three are
// "originals" and get seven known copies each (resize 50%, JPEG quality 40, crop 5%, brightness
// +10%, re-saved as PNG and as WebP, rotated by EXIF: pixels turned + orientation tag, so it
// displays the same); the rest are distractors with no copy. A reported pair is right when both
// files come from the same original. Groups are compared as the pairs they contain.
//
//   npm run bench:duplicates -- [--photos 100000] [--skip-scale] [--keep]
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import type { DuplicateGroup } from '../../main/core/api.js';
import { findDuplicates } from '../../main/core/duplicates/find.js';
import { nearPairs, parseHash, type Hash64 } from '../../main/core/duplicates/mih.js';
import { NEAR_MAX_DISTANCE } from '../../main/core/duplicates/thresholds.js';
import { Kanjian } from '../../main/core/kanjian.js';
import { hammingDistance } from '../../main/core/media/hash.js';
import { Store } from '../../main/core/store/index.js';
import { distinctSamplePhotos, VARIANT_EXT, VARIANT_KINDS, VARIANT_LABEL, writeVariant, type VariantKind } from '../integration/duplicates/variants.js';
import { machineInfo, machineMarkdown, markdownTable, round, textTable, waitForIdleCpu, writeBenchResult } from './lib/index.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const SAMPLES = path.join(REPO, 'test/fixtures/photos');
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    'skip-scale': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const SCALE_N = Number(values.photos);

type Kind = VariantKind | 'original' | 'distractor';
interface BenchFile {
  file: string;
  origin: number;
  kind: Kind;
}

// ------------------------------------------------------------------ the set

async function buildSet(dir: string): Promise<BenchFile[]> {
  const photos = distinctSamplePhotos(SAMPLES);
  const files: BenchFile[] = [];
  for (const [i, src] of photos.entries()) {
    const tag = String(i).padStart(2, '0');
    // Every third photo is a distractor: a real, different photo with no copy in the set.
    if (i % 3 === 2) {
      const file = path.join(dir, `d${tag}__distractor.jpg`);
      copyFileSync(src, file);
      files.push({ file, origin: i, kind: 'distractor' });
      continue;
    }
    const original = path.join(dir, `o${tag}__original.jpg`);
    copyFileSync(src, original);
    files.push({ file: original, origin: i, kind: 'original' });
    for (const kind of VARIANT_KINDS) {
      const file = await writeVariant(src, kind, path.join(dir, `o${tag}__${kind}${VARIANT_EXT[kind]}`));
      files.push({ file, origin: i, kind });
    }
  }
  return files;
}

// ------------------------------------------------------------------ scoring

const pairKey = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

function pairsOfGroups(groups: string[][]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) out.add(pairKey(g[i], g[j]));
  return out;
}

interface KindScore {
  kind: VariantKind;
  recall: number;
  precision: number | null;
  found: number;
  of: number;
}

interface Score {
  perKind: KindScore[];
  precision: number | null;
  recall: number;
  truePairs: number;
  falsePairs: number;
  /** Pairs reported between different photos, as file names. */
  falseExamples: string[];
}

function score(files: BenchFile[], predicted: Set<string>): Score {
  const byFile = new Map(files.map((f) => [f.file, f]));
  const originals = files.filter((f) => f.kind === 'original');
  let truePairs = 0;
  let falsePairs = 0;
  const falseExamples: string[] = [];
  const involving = new Map<Kind, { right: number; all: number }>();
  for (const key of predicted) {
    const [a, b] = key.split('\n').map((f) => byFile.get(f)!);
    const right = a.origin === b.origin;
    if (right) truePairs++;
    else {
      falsePairs++;
      if (falseExamples.length < 10) falseExamples.push(`${path.basename(a.file)} ~ ${path.basename(b.file)}`);
    }
    for (const k of new Set([a.kind, b.kind])) {
      const c = involving.get(k) ?? { right: 0, all: 0 };
      c.all++;
      if (right) c.right++;
      involving.set(k, c);
    }
  }
  const perKind = VARIANT_KINDS.map((kind): KindScore => {
    let found = 0;
    for (const o of originals) {
      const v = files.find((f) => f.origin === o.origin && f.kind === kind)!;
      if (predicted.has(pairKey(o.file, v.file))) found++;
    }
    const inv = involving.get(kind);
    return { kind, recall: found / originals.length, precision: inv ? inv.right / inv.all : null, found, of: originals.length };
  });
  // Every pair of files from one original is a true pair (original and 7 copies: 28 pairs).
  const perOrigin = 1 + VARIANT_KINDS.length;
  const allTrue = originals.length * ((perOrigin * (perOrigin - 1)) / 2);
  return {
    perKind,
    precision: predicted.size ? truePairs / predicted.size : null,
    recall: truePairs / allTrue,
    truePairs,
    falsePairs,
    falseExamples,
  };
}

// ------------------------------------------------------------------ the detectors

async function ours(files: BenchFile[], dir: string, dataDir: string) {
  const k = await Kanjian.open({ dataDir, ocr: false, model: null });
  try {
    const t0 = performance.now();
    const summary = await k.indexFolder(dir);
    const indexMs = performance.now() - t0;
    if (summary.failed.length) throw new Error(`indexing failed for ${summary.failed.map((f) => f.path).join(', ')}`);
    const t1 = performance.now();
    const res = await k.findDuplicates({ limit: 1_000_000 });
    const groupMs = performance.now() - t1;
    const groups = res.groups.map((g: DuplicateGroup) => g.photos.map((p) => p.path));
    const hashes = new Map(files.map((f) => [f.file, k.store.photos.byPath(f.file)!.phash!]));
    return { groups, indexMs, groupMs, hashes, kinds: [...new Set(res.groups.map((g) => g.kind))] };
  } finally {
    await k.close();
  }
}

async function findimagedupes(dir: string): Promise<{ groups: string[][]; ms: number; version: string; stderr: string } | { missing: string }> {
  let version: string;
  try {
    version = (await run('findimagedupes', ['--version'])).stdout.trim();
  } catch {
    return { missing: 'findimagedupes is not installed (Debian: apt-get install -y findimagedupes); its columns are empty.' };
  }
  const t0 = performance.now();
  // A VIEW hook that separates files by tabs: the default prints them space-separated.
  const { stdout, stderr } = await run(
    'findimagedupes',
    ['-R', '-i', 'VIEW(){ for f in "$@"; do printf "%s\\t" "$f"; done; printf "\\n"; }', '--', dir],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const ms = performance.now() - t0;
  const groups = stdout
    .split('\n')
    .map((line) => line.split('\t').filter(Boolean))
    .filter((g) => g.length > 1);
  return { groups, ms, version, stderr: stderr.trim() };
}

/** Pairwise pHash distances at several cut-offs, no grouping: where the threshold comes from. */
function sweep(files: BenchFile[], hashes: Map<string, string>) {
  const originals = files.filter((f) => f.kind === 'original');
  const maxByKind = Object.fromEntries(
    VARIANT_KINDS.map((kind) => [
      kind,
      Math.max(
        ...originals.map((o) => hammingDistance(hashes.get(o.file)!, hashes.get(files.find((f) => f.origin === o.origin && f.kind === kind)!.file)!)),
      ),
    ]),
  ) as Record<VariantKind, number>;
  let closestDifferent = 64;
  let closestPair = '';
  const different: number[] = [];
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      if (files[i].origin === files[j].origin) continue;
      const d = hammingDistance(hashes.get(files[i].file)!, hashes.get(files[j].file)!);
      different.push(d);
      if (d < closestDifferent) {
        closestDifferent = d;
        closestPair = `${path.basename(files[i].file)} ~ ${path.basename(files[j].file)}`;
      }
    }
  }
  const rows = [4, 6, 8, 10, 12, 14, 16].map((r) => {
    const recall = VARIANT_KINDS.map((kind) => {
      let n = 0;
      for (const o of originals) {
        const v = files.find((f) => f.origin === o.origin && f.kind === kind)!;
        if (hammingDistance(hashes.get(o.file)!, hashes.get(v.file)!) <= r) n++;
      }
      return n / originals.length;
    });
    return { maxDistance: r, recall, falsePairs: different.filter((d) => d <= r).length };
  });
  return { maxByKind, closestDifferent, closestPair, differentPairs: different.length, rows };
}

// ------------------------------------------------------------------ scale

/**
 * Wall and CPU time of a synchronous step. The code measured runs on this one thread (better-
 * sqlite3 and sqlite-vec included), so CPU time is what it costs even when other processes
 * compete for the cores and stretch the wall time.
 */
function measure<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

async function scale(n: number, dir: string) {
  const rand = rng(42);
  const store = Store.open(path.join(dir, 'scale.db'));
  try {
    const folderId = Number(store.db.prepare("INSERT INTO folders (path, added_at) VALUES ('/bench', 'now')").run().lastInsertRowid);
    // Hashes: 60% unrelated photos, 40% in clusters of 2–5 copies (0–8 bits flipped from a centre).
    const hex = (h: Hash64) => h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
    const hashes: string[] = [];
    const hashCluster: number[] = [];
    let cluster = 0;
    while (hashes.length < n) {
      const centre: Hash64 = { hi: (rand() * 2 ** 32) >>> 0, lo: (rand() * 2 ** 32) >>> 0 };
      const size = hashes.length < n * 0.6 ? 1 : 2 + Math.floor(rand() * 4);
      for (let m = 0; m < size && hashes.length < n; m++) {
        let { hi, lo } = centre;
        const flips = m === 0 ? 0 : Math.floor(rand() * 9);
        for (let f = 0; f < flips; f++) {
          const bit = Math.floor(rand() * 64);
          if (bit < 32) hi = (hi ^ (1 << bit)) >>> 0;
          else lo = (lo ^ (1 << (bit - 32))) >>> 0;
        }
        hashes.push(hex({ hi, lo }));
        hashCluster.push(size > 1 ? cluster : -1);
      }
      cluster++;
    }
    const shas = hashes.map((_, i) => `c${String(i).padStart(63, '0')}`);
    const insert = store.db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, sha256, width, height, format, phash, has_thumb, status, indexed_at)
       VALUES (?, ?, ?, 0, ?, 4000, 3000, 'jpeg', ?, 1, 'indexed', 0)`,
    );
    store.tx(() => {
      for (let i = 0; i < n; i++) insert.run(folderId, `/bench/IMG_${i}.jpg`, 3_000_000 + i, shas[i], hashes[i]);
    });

    // Near: multi-index hashing alone, then the whole findDuplicates (SQL read, MIH, grouping,
    // keep-best, shaping) as the app runs it.
    const parsed = hashes.map(parseHash);
    const mih = measure(() => nearPairs(parsed, NEAR_MAX_DISTANCE));
    const pairs = mih.value;
    const nearRun = measure(() => findDuplicates(store, { kind: 'near', limit: 1_000_000 }, { model: null }));
    const near = nearRun.value;
    const planted = pairs.filter((p) => hashCluster[p.a] >= 0 && hashCluster[p.a] === hashCluster[p.b]).length;

    // Similar: 512-d unit vectors, the first 30% of photos in bursts of 2–6 (cosine ≈ 0.95
    // between shots); the near clusters are in the last 40%, so the two kinds do not overlap.
    const DIM = 512;
    const modelId = store.vectors.ensureModel('bench-512', DIM);
    const sigma = 0.0101;
    const burstOf: number[] = new Array(n).fill(-1);
    const truth: { a: number; b: number }[] = [];
    const vectors: Float32Array[] = [];
    const unit = (v: Float32Array) => {
      let s = 0;
      for (const x of v) s += x * x;
      const inv = 1 / Math.sqrt(s);
      for (let d = 0; d < v.length; d++) v[d] *= inv;
      return v;
    };
    let t = performance.now();
    let i = 0;
    let burst = 0;
    const putBatch: { sha: string; v: Float32Array }[] = [];
    const flush = () => {
      store.tx(() => {
        for (const p of putBatch) store.vectors.put(modelId, p.sha, p.v);
      });
      putBatch.length = 0;
    };
    while (i < n) {
      const centre = unit(Float32Array.from({ length: DIM }, () => gaussian(rand)));
      const size = i < n * 0.3 ? 2 + Math.floor(rand() * 5) : 1;
      const members: number[] = [];
      for (let m = 0; m < size && i < n; m++, i++) {
        const v = size === 1 ? centre : unit(Float32Array.from(centre, (c) => c + sigma * gaussian(rand)));
        putBatch.push({ sha: shas[i], v });
        if (size > 1) {
          burstOf[i] = burst;
          vectors[i] = v;
          members.push(i);
        }
        if (putBatch.length >= 2000) flush();
      }
      for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) truth.push({ a: members[x], b: members[y] });
      burst++;
    }
    flush();
    const insertMs = performance.now() - t;

    // The KNN each new photo costs once, at index time (sqlite-vec, exact search).
    const sample = burstOf.map((b, idx) => (b >= 0 ? idx : -1)).filter((x) => x >= 0).slice(0, 30);
    const knnTimes: number[] = [];
    const knnCpu: number[] = [];
    let sampleFound = 0;
    let sampleTruth = 0;
    for (const idx of sample) {
      const q = measure(() => new Set(store.vectors.knn(modelId, vectors[idx], 25).map((nb) => nb.sha256)));
      const found = q.value;
      knnTimes.push(q.wallMs);
      knnCpu.push(q.cpuMs);
      for (const p of truth) {
        if (p.a !== idx && p.b !== idx) continue;
        sampleTruth++;
        if (found.has(shas[p.a === idx ? p.b : p.a])) sampleFound++;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const knnMs = median(knnTimes);
    const knnCpuMs = median(knnCpu);

    // What that scan stores: the burst pairs with their cosine (random pairs are far below).
    const dot = (a: Float32Array, b: Float32Array) => {
      let s = 0;
      for (let d = 0; d < a.length; d++) s += a[d] * b[d];
      return s;
    };
    const insPair = store.db.prepare('INSERT OR REPLACE INTO similar_pairs (model_id, sha_a, sha_b, score) VALUES (?, ?, ?, ?)');
    let storedPairs = 0;
    store.tx(() => {
      for (const p of truth) {
        const s = dot(vectors[p.a], vectors[p.b]);
        if (s < 0.88) continue;
        const [x, y] = shas[p.a] < shas[p.b] ? [shas[p.a], shas[p.b]] : [shas[p.b], shas[p.a]];
        insPair.run(modelId, x, y, s);
        storedPairs++;
      }
    });
    const model = { model: { manifest: { id: 'bench-512' } as never }, modelId };
    const similarRun = measure(() => findDuplicates(store, { kind: 'similar', limit: 1_000_000 }, { model }));
    const similar = similarRun.value;
    const allRun = measure(() => findDuplicates(store, { limit: 1_000_000 }, { model }));
    const all = allRun.value;

    return {
      photos: n,
      near: {
        mih: { wallMs: mih.wallMs, cpuMs: mih.cpuMs },
        find: { wallMs: nearRun.wallMs, cpuMs: nearRun.cpuMs },
        pairs: pairs.length,
        plantedPairsFound: planted,
        groups: near.total,
        largestGroup: Math.max(0, ...near.groups.map((g) => g.photos.length)),
      },
      similar: {
        insertVectorsMs: insertMs,
        knnPerPhoto: { wallMs: knnMs, cpuMs: knnCpuMs },
        fullScanEstimateCpuS: (knnCpuMs * n) / 1000,
        knnSampleRecall: sampleTruth ? sampleFound / sampleTruth : null,
        storedPairs,
        find: { wallMs: similarRun.wallMs, cpuMs: similarRun.cpuMs },
        groups: similar.total,
        largestGroup: Math.max(0, ...similar.groups.map((g) => g.photos.length)),
      },
      allKinds: { wallMs: allRun.wallMs, cpuMs: allRun.cpuMs },
      allKindsGroups: all.total,
    };
  } finally {
    store.close();
  }
}

// ------------------------------------------------------------------ main

const pct = (x: number | null) => (x === null ? null : round(x * 100, 1));
const ms = (x: number) => (x >= 10_000 ? `${round(x / 1000, 1)} s` : `${round(x, x < 10 ? 1 : 0)} ms`);

async function main() {
  // Timings from a machine busy with something else are not comparable: wait a little for quiet.
  const idle = await waitForIdleCpu({ timeoutMs: 120_000, onWait: (b) => console.error(`Waiting for the CPU to quieten (${Math.round(b * 100)}% busy) …`) });
  const machine = machineInfo();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-dupes-'));
  const setDir = path.join(tmp, 'set');
  mkdirSync(setDir);
  try {
    console.error(`Building the set from ${SAMPLES} …`);
    const files = await buildSet(setDir);
    const originals = files.filter((f) => f.kind === 'original').length;
    const distractors = files.filter((f) => f.kind === 'distractor').length;
    console.error(`${files.length} files: ${originals} originals × ${VARIANT_KINDS.length} copies, ${distractors} distractors.`);

    const our = await ours(files, setDir, path.join(tmp, 'data'));
    const ourScore = score(files, pairsOfGroups(our.groups));
    const fid = await findimagedupes(setDir);
    const fidScore = 'missing' in fid ? null : score(files, pairsOfGroups(fid.groups));
    const calib = sweep(files, our.hashes);

    const headers = ['copy kind', 'Kanjian recall %', 'Kanjian precision %', 'findimagedupes recall %', 'findimagedupes precision %'];
    const rows = VARIANT_KINDS.map((kind, i) => [
      VARIANT_LABEL[kind],
      pct(ourScore.perKind[i].recall),
      pct(ourScore.perKind[i].precision),
      fidScore ? pct(fidScore.perKind[i].recall) : null,
      fidScore ? pct(fidScore.perKind[i].precision) : null,
    ]);
    rows.push(['all pairs', pct(ourScore.recall), pct(ourScore.precision), fidScore ? pct(fidScore.recall) : null, fidScore ? pct(fidScore.precision) : null]);

    const sweepHeaders = ['max bits', ...VARIANT_KINDS.map((k) => `${k} recall %`), 'different-photo pairs within']; 
    const sweepRows = calib.rows.map((r) => [r.maxDistance, ...r.recall.map((x) => pct(x)), r.falsePairs]);

    console.log('\nNear-duplicates on the same set (pairs within reported groups):');
    console.log(textTable(headers, rows));
    if ('missing' in fid) console.log(`\n${fid.missing}`);
    console.log('\nOur pHash distances at several cut-offs (no grouping), for calibration:');
    console.log(textTable(sweepHeaders, sweepRows));
    console.log(`Closest pair of different photos: ${calib.closestDifferent} bits (${calib.closestPair}); largest distance per copy kind: ${JSON.stringify(calib.maxByKind)}`);

    let scaleResult: Awaited<ReturnType<typeof scale>> | null = null;
    if (!values['skip-scale']) {
      console.error(`\nGrouping ${SCALE_N.toLocaleString('en')} synthetic photos …`);
      scaleResult = await scale(SCALE_N, tmp);
      console.log(`\n${SCALE_N.toLocaleString('en')} photos:`);
      console.log(JSON.stringify(scaleResult, null, 2));
    }

    const notes = [
      ...(idle.quiet ? [] : [`The machine was busy (${Math.round(idle.busy * 100)}% of all cores) when the bench started: timings are pessimistic.`]),
      `Set: ${files.length} files from ${originals + distractors} distinct camera JPEGs of exif-samples (${originals} originals with ${VARIANT_KINDS.length} copies each, ${distractors} distractors). Copies are written by sharp from the upright picture without metadata, except the EXIF rotation, which carries orientation 6.`,
      `Kanjian: 64-bit DCT pHash after EXIF orientation, Hamming distance <= ${NEAR_MAX_DISTANCE} bits, multi-index hashing candidates, anchor grouping (every member within the threshold of its group's anchor, at most 30 per group).`,
      'missing' in fid
        ? fid.missing
        : `${fid.version}: default threshold 90% (at most 25 of 256 fingerprint bits differ), run as \`findimagedupes -R -- <dir>\`. It does not apply EXIF orientation (its man page: "GraphicsMagick does not expose its auto-orient functionality to Perl").`,
      'Precision per kind: of the reported pairs with a copy of that kind in them, the share between files of the same original. Recall per kind: share of originals whose copy of that kind is in the original\'s group.',
    ];
    const md = [
      '# Duplicate finding benchmark',
      '',
      'Command: `npm run bench:duplicates`',
      '',
      machineMarkdown(machine),
      '',
      '## Near-duplicates: Kanjian vs findimagedupes, same set, same run',
      '',
      markdownTable(headers, rows),
      '',
      `Time: Kanjian ${round(our.indexMs / 1000, 2)} s to index (decode, EXIF, SHA-256, pHash, thumbnail) + ${round(our.groupMs, 1)} ms to group; ` +
        ('missing' in fid ? 'findimagedupes not run.' : `findimagedupes ${round(fid.ms / 1000, 2)} s.`),
      '',
      `Wrong pairs: Kanjian ${ourScore.falsePairs}${ourScore.falseExamples.length ? ` (${ourScore.falseExamples.join('; ')})` : ''}; ` +
        (fidScore ? `findimagedupes ${fidScore.falsePairs}${fidScore.falseExamples.length ? ` (${fidScore.falseExamples.slice(0, 5).join('; ')})` : ''}.` : '—'),
      '',
      '## Calibration: our pHash distance at several cut-offs (pairs, no grouping)',
      '',
      markdownTable(sweepHeaders, sweepRows),
      '',
      `Closest pair of different photos: ${calib.closestDifferent} bits (${calib.closestPair}) among ${calib.differentPairs} different-photo pairs. Largest distance of a copy from its original, per kind: ${VARIANT_KINDS.map((k) => `${k} ${calib.maxByKind[k]}`).join(', ')}.`,
      '',
      ...(scaleResult
        ? [
            `## Grouping ${SCALE_N.toLocaleString('en')} photos (synthetic)`,
            '',
            markdownTable(
              ['step', 'CPU time', 'wall time', 'result'],
              [
                ['near: multi-index hashing (all pairs within threshold)', ms(scaleResult.near.mih.cpuMs), ms(scaleResult.near.mih.wallMs), `${scaleResult.near.pairs} pairs (${scaleResult.near.plantedPairsFound} planted)`],
                ['near: findDuplicates (SQL read, MIH, grouping, keep-best)', ms(scaleResult.near.find.cpuMs), ms(scaleResult.near.find.wallMs), `${scaleResult.near.groups} groups, largest ${scaleResult.near.largestGroup}`],
                ['similar: KNN per new photo at index time (sqlite-vec, exact)', ms(scaleResult.similar.knnPerPhoto.cpuMs), ms(scaleResult.similar.knnPerPhoto.wallMs), `sample recall of burst pairs ${pct(scaleResult.similar.knnSampleRecall)}%`],
                ['similar: KNN for every photo at once (per photo × n)', `${round(scaleResult.similar.fullScanEstimateCpuS / 60, 0)} min`, '—', 'first scan of a library indexed before this feature'],
                ['similar: findDuplicates from stored pairs', ms(scaleResult.similar.find.cpuMs), ms(scaleResult.similar.find.wallMs), `${scaleResult.similar.groups} groups, largest ${scaleResult.similar.largestGroup} (${scaleResult.similar.storedPairs} pairs)`],
                ['all kinds: findDuplicates', ms(scaleResult.allKinds.cpuMs), ms(scaleResult.allKinds.wallMs), `${scaleResult.allKindsGroups} groups`],
              ],
            ),
            '',
            'Hashes: 60% unrelated random 64-bit hashes, 40% in clusters of 2–5 copies with 0–8 bits flipped. Vectors: 512-d unit vectors, 70% unrelated, 30% in bursts of 2–6 shots (cosine ≈ 0.95); the KNN time is sqlite-vec’s exact search over all 100,000 vectors, paid once per new photo after it is embedded. Random hashes spread more evenly over the band tables than real pHashes, so real libraries yield more candidates per photo.',
            '',
          ]
        : []),
      '## Notes',
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');

    const result = {
      bench: 'duplicates',
      machine,
      settings: {
        set: { files: files.length, originals, distractors, variantKinds: VARIANT_KINDS },
        nearMaxDistance: NEAR_MAX_DISTANCE,
        findimagedupes: 'missing' in fid ? null : { version: fid.version, threshold: '90% (25 bits of 256), default' },
        scalePhotos: values['skip-scale'] ? null : SCALE_N,
      },
      results: {
        kanjian: { ...ourScore, indexMs: our.indexMs, groupMs: our.groupMs },
        findimagedupes: 'missing' in fid ? null : { ...fidScore, ms: fid.ms, stderr: fid.stderr.slice(0, 2000) },
        calibration: calib,
        scale: scaleResult,
      },
      notes,
    };
    const written = await writeBenchResult('duplicates', result, md);
    console.error(`\nWrote ${written.json} and ${written.md}`);
  } finally {
    if (values.keep) console.error(`Kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
