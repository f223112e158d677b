// npm run bench:duplicates — how well near copies are found, ours against Debian's
// findimagedupes on the very same files in the same run, on two sets of real photos from Debian
// packages (test/bench/duplicates/sets.ts): a calibration set the thresholds were tuned on and a
// held-out set they never were. Then how long grouping 100,000 photos takes (synthetic hashes).
//
// Code path measured: the app's own — `Kanjian.indexFolder` (decode, hashes, thumbnails; no
// model) then `findDuplicates({ kind: 'near' })` (near_hashes rows, multi-index hashing over
// full hashes queried with quarter turns and crop windows, anchor grouping, keep-best).
// findimagedupes: `findimagedupes -R -- <dir>` at its default threshold.
//
//   npm run bench:duplicates -- [--photos 100000] [--skip-scale] [--set calibration|held-out] [--keep]
//
// Which pictures were missed or wrongly paired, and why (no hash candidate, refused by the pair
// check, grouping): keep the sets with --keep, then `npx tsx test/bench/duplicates/analyse.ts
// <kept dir>/<set> [--all]` (the same code path without indexing, every check's measures).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { DuplicateGroup } from '../../main/core/api.js';
import { buildGroups } from '../../main/core/duplicates/find.js';
import { forgetNearVerdicts } from '../../main/core/duplicates/verify-edges.js';
import { NEAR_MAX_DISTANCE, NEAR_MAX_TURN_DEGREES, NEAR_TURN_MIN_Z, NEAR_WINDOW_MAX_DISTANCE } from '../../main/core/duplicates/thresholds.js';
import { Kanjian } from '../../main/core/kanjian.js';
import { WINDOWS } from '../../main/core/media/near-hash.js';
import { Store } from '../../main/core/store/index.js';
import { putNearHashes } from '../../main/core/store/near-hashes.js';
import { BENCH_VARIANT_KINDS, haveHeifEnc, VARIANT_LABEL, type VariantKind } from '../integration/duplicates/variants.js';
import { buildSet, ensurePackage, SETS, type BenchFile, type FileKind, type SetSpec } from './duplicates/sets.js';
import { machineInfo, machineMarkdown, markdownTable, round, textTable, waitForIdleCpu, writeBenchResult } from './lib/index.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    'skip-scale': { type: 'boolean', default: false },
    set: { type: 'string' },
    keep: { type: 'boolean', default: false },
    repeats: { type: 'string', default: '3' },
  },
});
const SCALE_N = Number(values.photos);
const REPEATS = Math.max(3, Number(values.repeats));
const LOOK_ALIKES: FileKind[] = ['burst', 'later', 'sky', 'document'];

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
  /** Wrong pairs by the look-alike kind involved (burst, later, sky, document, or "other"). */
  falseByKind: Record<string, number>;
  falseExamples: string[];
}

function score(files: BenchFile[], kinds: readonly VariantKind[], predicted: Set<string>): Score {
  const byFile = new Map(files.map((f) => [f.file, f]));
  const originals = files.filter((f) => f.kind === 'original');
  let truePairs = 0;
  let falsePairs = 0;
  const falseExamples: string[] = [];
  const falseByKind: Record<string, number> = Object.fromEntries([...LOOK_ALIKES, 'other'].map((k) => [k, 0]));
  const involving = new Map<FileKind, { right: number; all: number }>();
  for (const key of predicted) {
    const [a, b] = key.split('\n').map((f) => byFile.get(f));
    if (!a || !b) continue; // a file findimagedupes named differently; cannot be judged
    const right = a.origin === b.origin;
    if (right) truePairs++;
    else {
      falsePairs++;
      const look = [a.kind, b.kind].find((k) => LOOK_ALIKES.includes(k)) ?? 'other';
      falseByKind[look]++;
      if (falseExamples.length < 12) falseExamples.push(`${path.basename(a.file)} ~ ${path.basename(b.file)}`);
    }
    for (const k of new Set([a.kind, b.kind])) {
      const c = involving.get(k) ?? { right: 0, all: 0 };
      c.all++;
      if (right) c.right++;
      involving.set(k, c);
    }
  }
  const perKind = kinds.map((kind): KindScore => {
    let found = 0;
    for (const o of originals) {
      const v = files.find((f) => f.origin === o.origin && f.kind === kind)!;
      if (predicted.has(pairKey(o.file, v.file))) found++;
    }
    const inv = involving.get(kind);
    return { kind, recall: found / originals.length, precision: inv ? inv.right / inv.all : null, found, of: originals.length };
  });
  // Every pair of files from one original is a true pair.
  const perOrigin = 1 + kinds.length;
  const allTrue = originals.length * ((perOrigin * (perOrigin - 1)) / 2);
  return { perKind, precision: predicted.size ? truePairs / predicted.size : null, recall: truePairs / allTrue, truePairs, falsePairs, falseByKind, falseExamples };
}

// ------------------------------------------------------------------ the detectors

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ours(dir: string, dataDir: string) {
  const k = await Kanjian.open({ dataDir, ocr: false, model: null });
  try {
    const t0 = performance.now();
    const summary = await k.indexFolder(dir);
    const indexMs = performance.now() - t0;
    // Grouping from scratch each time (the cache would answer the repeats instantly).
    const groupTimes: number[] = [];
    let groups: DuplicateGroup[] = [];
    for (let r = 0; r < REPEATS; r++) {
      forgetNearVerdicts();
      const t1 = performance.now();
      groups = buildGroups(k.store, { kind: 'near' }, { model: null }).groups;
      groupTimes.push(performance.now() - t1);
    }
    const exact = buildGroups(k.store, { kind: 'exact' }, { model: null }).groups;
    return {
      groups: [...exact, ...groups].map((g) => g.photos.map((p) => p.path)),
      indexMs,
      groupMs: median(groupTimes),
      groupTimes,
      failed: summary.failed.map((f) => path.basename(f.path)),
    };
  } finally {
    await k.close();
  }
}

type Peer = { groups: string[][]; ms: number; version: string; stderr: string } | { missing: string };

async function findimagedupes(dir: string): Promise<Peer> {
  let version: string;
  try {
    version = (await run('findimagedupes', ['--version'])).stdout.trim();
  } catch {
    return { missing: 'findimagedupes is not installed and apt-get could not install it: its columns are empty.' };
  }
  const t0 = performance.now();
  // A VIEW hook that separates files by tabs: the default prints them space-separated.
  const { stdout, stderr } = await run('findimagedupes', ['-R', '-i', 'VIEW(){ for f in "$@"; do printf "%s\\t" "$f"; done; printf "\\n"; }', '--', dir], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  const groups = stdout
    .split('\n')
    .map((line) => line.split('\t').filter(Boolean))
    .filter((g) => g.length > 1);
  return { groups, ms, version, stderr: stderr.trim() };
}

// ------------------------------------------------------------------ one set

async function runSet(spec: SetSpec, kinds: readonly VariantKind[], tmp: string) {
  const setDir = path.join(tmp, spec.name);
  mkdirSync(setDir, { recursive: true });
  console.error(`[${spec.name}] building from ${spec.debianPackage} …`);
  const set = await buildSet(spec, setDir, kinds);
  console.error(`[${spec.name}] ${set.files.length} files: ${set.pictures} pictures × (original + ${kinds.length} copies + burst + later), 8 skies, 8 documents. Indexing …`);
  const our = await ours(setDir, path.join(tmp, `${spec.name}-data`));
  const ourScore = score(set.files, kinds, pairsOfGroups(our.groups));
  console.error(`[${spec.name}] findimagedupes …`);
  const peer = await findimagedupes(setDir);
  const peerScore = 'missing' in peer ? null : score(set.files, kinds, pairsOfGroups(peer.groups));
  return { spec, set, our, ourScore, peer, peerScore };
}

type SetRun = Awaited<ReturnType<typeof runSet>>;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : round(x * 100, 1));
const ms = (x: number) => (x >= 10_000 ? `${round(x / 1000, 1)} s` : `${round(x, x < 10 ? 1 : 0)} ms`);

function table(r: SetRun, kinds: readonly VariantKind[]) {
  const headers = ['copy kind', 'Kanjian recall %', 'Kanjian precision %', 'findimagedupes recall %', 'findimagedupes precision %'];
  const rows: (string | number | null)[][] = kinds.map((kind, i) => [
    VARIANT_LABEL[kind],
    pct(r.ourScore.perKind[i].recall),
    pct(r.ourScore.perKind[i].precision),
    pct(r.peerScore?.perKind[i].recall),
    pct(r.peerScore?.perKind[i].precision),
  ]);
  rows.push(['**all pairs**', pct(r.ourScore.recall), pct(r.ourScore.precision), pct(r.peerScore?.recall), pct(r.peerScore?.precision)]);
  return { headers, rows };
}

function lookAlikeTable(r: SetRun) {
  return {
    headers: ['wrong pairs involving', 'Kanjian', 'findimagedupes'],
    rows: [...LOOK_ALIKES, 'other'].map((k) => [k, r.ourScore.falseByKind[k], r.peerScore ? r.peerScore.falseByKind[k] : null]),
  };
}

// ------------------------------------------------------------------ scale

function rng(s0: number) {
  let s = s0 >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Grouping n photos: 60 % unrelated, 40 % in clusters of 2–5 copies (0–6 bits flipped). */
function scale(n: number, dir: string) {
  const rand = rng(42);
  const store = Store.open(path.join(dir, 'scale.db'));
  try {
    const folderId = Number(store.db.prepare("INSERT INTO folders (path, added_at) VALUES ('/bench', 'now')").run().lastInsertRowid);
    const word = () => ((rand() * 2 ** 32) >>> 0).toString(16).padStart(8, '0');
    const flip = (hex: string, bits: number) => {
      let hi = parseInt(hex.slice(0, 8), 16) >>> 0;
      let lo = parseInt(hex.slice(8), 16) >>> 0;
      for (let f = 0; f < bits; f++) {
        const bit = Math.floor(rand() * 64);
        if (bit < 32) hi = (hi ^ (1 << bit)) >>> 0;
        else lo = (lo ^ (1 << (bit - 32))) >>> 0;
      }
      return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    };
    const insert = store.db.prepare(
      `INSERT INTO photos (folder_id, path, size, mtime_ms, sha256, width, height, format, phash, has_thumb, status, indexed_at)
       VALUES (?, ?, ?, 0, ?, 4000, 3000, 'jpeg', ?, 1, 'indexed', 0)`,
    );
    let planted = 0;
    store.tx(() => {
      let i = 0;
      while (i < n) {
        const centre = word() + word();
        const size = i < n * 0.6 ? 1 : 2 + Math.floor(rand() * 4);
        planted += (size * (size - 1)) / 2;
        for (let m = 0; m < size && i < n; m++, i++) {
          const sha = `c${String(i).padStart(63, '0')}`;
          const full = m === 0 ? centre : flip(centre, Math.floor(rand() * 7));
          insert.run(folderId, `/bench/IMG_${i}.jpg`, 3_000_000 + i, sha, full);
          putNearHashes(store.db, sha, { full, windows: WINDOWS.map(() => word() + word()), luma: 128 });
        }
      }
    });
    const times: { wallMs: number; cpuMs: number }[] = [];
    let groups: DuplicateGroup[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      groups = buildGroups(store, { kind: 'near' }, { model: null }).groups;
      const cpu = process.cpuUsage(cpu0);
      times.push({ wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    return {
      photos: n,
      wallMs: median(times.map((t) => t.wallMs)),
      cpuMs: median(times.map((t) => t.cpuMs)),
      runs: times,
      groups: groups.length,
      largestGroup: Math.max(0, ...groups.map((g) => g.photos.length)),
      plantedPairs: planted,
    };
  } finally {
    store.close();
  }
}

// ------------------------------------------------------------------ main

async function main() {
  // Load before anything runs: timings from a busy machine are not comparable.
  const machine = machineInfo();
  const idle = await waitForIdleCpu({ timeoutMs: 120_000, onWait: (b) => console.error(`Waiting for the CPU to quieten (${Math.round(b * 100)}% busy) …`) });
  const notes: string[] = [];
  if (!idle.quiet) notes.push(`The machine was busy (${Math.round(idle.busy * 100)}% of all cores) when the bench started: timings are pessimistic.`);

  if (!(await ensurePackage('findimagedupes', '/usr/bin/findimagedupes'))) {
    console.error('WARNING: findimagedupes is missing and apt-get could not install it: the peer columns stay empty.');
  }
  const heif = (await haveHeifEnc()) || ((await ensurePackage('libheif-examples', '/usr/bin/heif-enc')) && (await haveHeifEnc()));
  const kinds = BENCH_VARIANT_KINDS.filter((k) => k !== 'heic' || heif);
  if (!heif) {
    console.error('WARNING: heif-enc (Debian: libheif-examples) is missing: no HEIC copies in this run.');
    notes.push('No HEIC copies: heif-enc (libheif-examples) was not available.');
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-dupes-'));
  const runs: SetRun[] = [];
  try {
    for (const spec of SETS) {
      if (values.set && values.set !== spec.name) continue;
      const probe = spec.name === 'calibration' ? '/usr/share/backgrounds/mate/nature' : '/usr/share/wallpapers/Path';
      if (!(await ensurePackage(spec.debianPackage, probe))) {
        console.error(`WARNING: SKIPPED the ${spec.name} set: ${spec.debianPackage} is not installed and apt-get could not install it.`);
        notes.push(`The ${spec.name} set was skipped: ${spec.debianPackage} could not be installed.`);
        continue;
      }
      const r = await runSet(spec, kinds, tmp);
      runs.push(r);
      const t = table(r, kinds);
      console.log(`\n${spec.name} set (${spec.debianPackage}), pairs within reported groups:`);
      console.log(textTable(t.headers, t.rows));
      const la = lookAlikeTable(r);
      console.log(textTable(la.headers, la.rows));
      if ('missing' in r.peer) console.log(r.peer.missing);
      if (r.ourScore.falseExamples.length) console.log(`Kanjian's wrong pairs: ${r.ourScore.falseExamples.join('; ')}`);
    }

    let scaleResult: ReturnType<typeof scale> | null = null;
    if (!values['skip-scale']) {
      console.error(`\nGrouping ${SCALE_N.toLocaleString('en')} synthetic photos ×${REPEATS} …`);
      scaleResult = scale(SCALE_N, tmp);
      console.log(`\n${SCALE_N.toLocaleString('en')} photos: near grouping median ${ms(scaleResult.wallMs)} wall, ${ms(scaleResult.cpuMs)} CPU (${REPEATS} runs)`);
    }

    notes.push(
      `Kanjian: 64-bit DCT sign hashes of the border-trimmed picture (main/core/media/near-hash.ts; a border counts only when it ends in a step before a quarter of the side, and its blended last line is cut by the share that is border): full picture within ${NEAR_MAX_DISTANCE} bits at any quarter turn, or one of ${WINDOWS.length} crop windows (0/5/10 % off each side, and 2.5 % or 7.5 % off all four) of one picture within ${NEAR_WINDOW_MAX_DISTANCE} bits of the other's full hash; multi-index hashing; each pair a group takes is verified by fitting one picture's 48 × 48 grid into the other's (main/core/duplicates/verify.ts: scale per axis, shift, turn, brightness gain/offset/curve, from the uncut frame and from the matched window) and refused when it is turned by more than ${NEAR_MAX_TURN_DEGREES}° beyond quarter turns at more than ${NEAR_TURN_MIN_Z} standard errors of the fit (a burst frame, not a copy); anchor grouping (at most 30 per group). No model.`,
      'findimagedupes: default threshold 90 % (at most 25 of 256 fingerprint bits differ), `findimagedupes -R -- <dir>`. It does not apply EXIF orientation, and GraphicsMagick may not read HEIC.',
      'Recall per kind: share of originals whose copy of that kind is in the original’s group. Precision per kind: of the reported pairs with a file of that kind, the share between files of one original. “all pairs”: over every pair of files from one original (copies with each other too), and every reported pair.',
      'Look-alikes that are not copies, each its own picture: a burst frame (camera moved 3 %, turned 0.8°, +4 % exposure), the same scene a minute later (moved 5 %, −10 % exposure, a quarter of the scene changed), 8 flat skies, 8 documents of one template with different text.',
      'Thresholds were tuned on the calibration set only (with test/bench/duplicates/analyse.ts on its kept files: the turn limit and its z-score were put in the gap between copies and burst frames there); the held-out set was run after, with the same code and thresholds.',
    );

    const setSections = runs.flatMap((r) => {
      const t = table(r, kinds);
      const la = lookAlikeTable(r);
      return [
        `## ${r.spec.name === 'held-out' ? 'Held-out set (never tuned on)' : 'Calibration set (thresholds tuned here)'}: ${r.spec.debianPackage}`,
        '',
        `${r.set.files.length} files: ${r.set.pictures} pictures (two halves of each wallpaper, downscaled to 1600 px) × (original + ${kinds.length} copies + burst + a minute later), 8 skies, 8 documents.`,
        '',
        markdownTable(t.headers, t.rows),
        '',
        markdownTable(la.headers, la.rows),
        '',
        `Time: Kanjian ${round(r.our.indexMs / 1000, 1)} s to index ${r.set.files.length} files (decode, EXIF, SHA-256, hashes, thumbnail), grouping median ${ms(r.our.groupMs)} of ${REPEATS} runs; ` +
          ('missing' in r.peer ? 'findimagedupes not run.' : `findimagedupes ${round(r.peer.ms / 1000, 1)} s (one run).`),
        '',
        ...(r.our.failed.length ? [`Files Kanjian could not read: ${r.our.failed.join(', ')}`, ''] : []),
        `Kanjian's wrong pairs (${r.ourScore.falsePairs}): ${r.ourScore.falseExamples.join('; ') || 'none'}.`,
        '',
      ];
    });
    const md = [
      '# Duplicate finding benchmark',
      '',
      'Command: `npm run bench:duplicates`',
      '',
      machineMarkdown(machine),
      '',
      ...setSections,
      ...(scaleResult
        ? [
            `## Grouping ${SCALE_N.toLocaleString('en')} photos (synthetic hashes)`,
            '',
            `Near grouping from the stored hashes (SQL read, multi-index hashing with 4 turns + ${WINDOWS.length} windows per photo, anchor grouping, keep-best), median of ${REPEATS}: **${ms(scaleResult.wallMs)}** wall, ${ms(scaleResult.cpuMs)} CPU; ${scaleResult.groups} groups, largest ${scaleResult.largestGroup}. The review itself opens from the cache (main/core/duplicates/cache.ts) and pays this once per library change.`,
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
      settings: { kinds, nearMaxDistance: NEAR_MAX_DISTANCE, windowMaxDistance: NEAR_WINDOW_MAX_DISTANCE, maxTurnDegrees: NEAR_MAX_TURN_DEGREES, turnMinZ: NEAR_TURN_MIN_Z, windows: WINDOWS.length, repeats: REPEATS, scalePhotos: values['skip-scale'] ? null : SCALE_N },
      results: {
        sets: runs.map((r) => ({
          set: r.spec.name,
          package: r.spec.debianPackage,
          files: r.set.files.length,
          kanjian: { ...r.ourScore, indexMs: r.our.indexMs, groupMs: r.our.groupMs, groupRuns: r.our.groupTimes },
          findimagedupes: 'missing' in r.peer ? null : { ...r.peerScore, ms: r.peer.ms, version: r.peer.version, stderr: r.peer.stderr.slice(0, 2000) },
        })),
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
