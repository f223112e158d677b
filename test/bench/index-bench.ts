// npm run bench:index — indexing as users get it, next to the floor it can reach, in one run:
//   - `cli index`: the real CLI spawned as a child process (`node --import tsx main/cli/index.ts
//     index <folder> --json`, fresh data folder each time), OCR, tags and similar shots included,
//     timed from spawn to exit; its own report splits indexing and reading text;
//   - decode only: the same files read and decoded with shrink-on-load to 224 px (sharp, EXIF
//     orientation applied), 2 streams in flight — what any indexer must at least pay;
//   - model only: the image tower on one preprocessed tensor, batch 1, after warm-up.
// On generated text-free 12 MP JPEGs (test/bench/lib/photos-12mp.ts), with the toy fixture model
// (inference ~free, so the CLI is held against decoding) and, when it has been built, the
// random-weight ViT-B/32 int8 tower (test/bench/towers/make-towers.sh; needs python3-torch).
// Machine load is recorded before anything runs; each measure is the median of --repeats (>= 3)
// rounds, the three measures interleaved in every round so drifting load hits them alike.
// Next to the rates, CPU time a photo (all threads; the CLI's from its rusage as a reaped child):
// on a shared machine the rates follow whatever share of the 2 cores the run got, CPU time far less.
//
// The tag vocabulary's vectors come from a per-machine cache (main/core/tags/vector-cache.ts)
// that the bench keeps in .cache/bench-machine-cache (KANJIAN_CACHE for its CLI runs), so only the
// first bench run on a machine embeds the vocabulary; --cold-vocabulary empties it first. What
// each run did is written beside the table.
//
//   npm run bench:index -- [--photos 120] [--repeats 3] [--tower <package dir>] [--cold-vocabulary]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { IndexSummary } from '../../main/core/api.js';
import { openModel } from '../../main/core/embed/encoder.js';
import { builtinVocabulary, tagPrompts } from '../../main/core/tags/vocabulary.js';
import { openImage } from '../../main/core/media/decode.js';
import { REPO_ROOT, TOY_MODEL } from '../helpers/cli.js';
import { makePhotos } from './lib/photos-12mp.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, textTable, writeBenchResult } from './lib/index.js';

const machine = machineInfo(); // load before anything of ours runs
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '120' },
    repeats: { type: 'string', default: '3' },
    tower: { type: 'string', default: path.join(REPO_ROOT, '.cache/bench-models/bench-vitb32-xlmr') },
    'cold-vocabulary': { type: 'boolean', default: false },
  },
});
/** The per-machine cache folder of the bench's CLI runs (tag vectors). */
const MACHINE_CACHE = path.join(REPO_ROOT, '.cache/bench-machine-cache');
const CLI_ENV = { ...process.env, KANJIAN_CACHE: MACHINE_CACHE };
const N = Number(values.photos);
const REPEATS = Math.max(3, Number(values.repeats));
const CLI = path.join(REPO_ROOT, 'main/cli/index.ts');
const DECODE_SIZE = 224;
const DECODE_STREAMS = 2;
const EMPTY = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-empty-'));

interface Config {
  name: string;
  model: string;
  precision: 'fp32' | 'int8';
}

interface Round {
  cliWallS: number;
  /** The same command on an empty folder: process start-up and fixed work (model load, tag vocabulary). */
  cliEmptyS: number;
  cliIndexingS: number;
  cliOcrS: number;
  ocrNoText: number;
  ocrRead: number;
  decodeS: number;
  modelS: number;
  /** CPU time (user + system, every thread) a photo. */
  cliCpuMs: number;
  decodeCpuMs: number;
}

/** CPU seconds of this process's reaped children so far (/proc/self/stat cutime + cstime). */
function childrenCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5), counted from after the command name (which starts at field 3).
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function ownCpuS(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

/** Decode only: read + shrink-on-load decode to 224 px, `DECODE_STREAMS` files in flight. */
async function decodeOnly(files: string[]): Promise<{ s: number; cpuS: number }> {
  const c0 = ownCpuS();
  const t0 = performance.now();
  let next = 0;
  const stream = async () => {
    while (next < files.length) {
      const bytes = await readFile(files[next++]);
      await sharp(bytes).rotate().resize(DECODE_SIZE, DECODE_SIZE, { fit: 'outside' }).raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: DECODE_STREAMS }, stream));
  return { s: (performance.now() - t0) / 1000, cpuS: ownCpuS() - c0 };
}

/**
 * Model only: the image tower, batch 1, N times on one real tensor, with every core (the CLI
 * gives it half of them, since it decodes at the same time: this is the model's own floor).
 */
async function modelOnly(c: Config, file: string): Promise<number> {
  const model = await openModel(c.model, { precision: c.precision, provider: 'cpu', threads: os.availableParallelism() });
  try {
    const opened = await openImage(await readFile(file), { decodeSize: model.manifest.image.size });
    const tensor = await model.imageTensor(opened.image);
    for (let i = 0; i < 3; i++) await model.embedImage(tensor);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await model.embedImage(tensor);
    return (performance.now() - t0) / 1000;
  } finally {
    await model.close();
  }
}

/**
 * The real CLI, as a user's script runs it; wall time from spawn to exit. `seed`: a data folder to
 * start from (copied: a library that exists already), else a new one.
 */
async function cliIndex(c: Config, folder: string, expect = N, seed?: string, keep?: string): Promise<{ wallS: number; cpuS: number; summary: IndexSummary }> {
  const data = keep ?? mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-index-'));
  if (seed) cpSync(seed, data, { recursive: true });
  try {
    const args = ['--import', 'tsx', CLI, 'index', folder, '--json', '--data', data, '--model', c.model, '--precision', c.precision];
    const c0 = childrenCpuS();
    const t0 = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
    });
    const wallS = (performance.now() - t0) / 1000;
    const cpuS = childrenCpuS() - c0;
    if (code !== 0) throw new Error(`cli index exited ${code}: ${stderr}`);
    const summary = JSON.parse(stdout) as IndexSummary;
    if (summary.indexed !== expect || summary.failed.length) throw new Error(`cli index indexed ${summary.indexed}/${expect}: ${JSON.stringify(summary.failed)}`);
    return { wallS, cpuS, summary };
  } finally {
    if (!keep) rmSync(data, { recursive: true, force: true });
  }
}

/** The model's tag vector files in the per-machine cache, with their modification times. */
function cachedVocabulary(c: Config): string[] {
  const dir = path.join(MACHINE_CACHE, 'tag-vectors');
  if (!existsSync(dir)) return [];
  const id = (JSON.parse(readFileSync(path.join(c.model, 'manifest.json'), 'utf8')) as { id: string }).id;
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${id}-`) && f.endsWith('.json'))
    .map((f) => `${f}@${statSync(path.join(dir, f)).mtimeMs}`);
}

interface Seed {
  dir: string;
  wallS: number;
  cpuS: number;
  /** 'embedded': the per-machine cache had no vectors for this text tower, the run embedded the vocabulary. */
  vocabulary: 'embedded' | 'machine cache';
  /** A second new library right after: its vocabulary from the per-machine cache. */
  warmWallS: number;
  warmCpuS: number;
}

/**
 * A library as it is after its first run: `cli index` of an empty folder into a new data folder,
 * which embeds the tag vocabulary with the model's text tower unless the per-machine cache has
 * it (and then stores it in the library too). Reported apart, with a second new library right
 * after (vocabulary from the per-machine cache for certain); the rounds start from copies of it.
 */
async function seedLibrary(c: Config): Promise<Seed> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-seed-'));
  const before = cachedVocabulary(c);
  const { wallS, cpuS } = await cliIndex(c, EMPTY, 0, undefined, dir);
  const after = cachedVocabulary(c);
  const embedded = after.some((f) => !before.includes(f));
  const warm = await cliIndex(c, EMPTY, 0);
  if (cachedVocabulary(c).some((f) => !after.includes(f))) throw new Error('the second new library embedded the vocabulary again');
  return { dir, wallS, cpuS, vocabulary: embedded ? 'embedded' : 'machine cache', warmWallS: warm.wallS, warmCpuS: warm.cpuS };
}

/**
 * What batching the text tower does for this package: its ids input's declared shape, and 32 tag
 * prompts through embedText one by one against embedTexts (ms a text, CPU ms a text, the worst
 * cosine between the two vectors of a prompt).
 */
async function textBatching(c: Config): Promise<string> {
  const model = await openModel(c.model, { precision: c.precision, provider: 'cpu' });
  try {
    const v = builtinVocabulary();
    const prompts = v.tags.slice(0, 8).flatMap((t) => tagPrompts({ en: t.en, zh: t.zh, phrase: t.phrase, prompts: t.prompts }, v.templates, ['en', 'zh']));
    await model.embedText(prompts[0]);
    await model.embedTexts(prompts.slice(0, 2));
    const time = async <T>(f: () => Promise<T>) => {
      const c0 = ownCpuS();
      const t0 = performance.now();
      const r = await f();
      return { r, ms: (performance.now() - t0) / prompts.length, cpuMs: (1000 * (ownCpuS() - c0)) / prompts.length };
    };
    const single = await time(async () => {
      const out: Float32Array[] = [];
      for (const p of prompts) out.push(await model.embedText(p));
      return out;
    });
    const batched = await time(() => model.embedTexts(prompts));
    let worst = 1;
    single.r.forEach((a, i) => {
      const b = batched.r[i];
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let j = 0; j < a.length; j++) {
        d += a[j] * b[j];
        na += a[j] * a[j];
        nb += b[j] * b[j];
      }
      if (na > 1e-12 && nb > 1e-12) worst = Math.min(worst, d / Math.sqrt(na * nb));
    });
    const shape = await model.textBatching();
    const how =
      shape.batch === 1
        ? 'a fixed batch of 1: embedTexts runs one text at a time'
        : `${shape.batch === 'dynamic' ? 'a dynamic batch' : `a fixed batch of ${shape.batch}`}${shape.dynamicSequence ? ' and sequence (padded to the longest)' : ''}: embedTexts batches`;
    return (
      `${c.name} (${c.precision}) text tower, ${how}; ` +
      `${prompts.length} tag prompts: embedText ${single.ms.toFixed(2)} ms a text (CPU ${single.cpuMs.toFixed(2)} ms), embedTexts ${batched.ms.toFixed(2)} ms (CPU ${batched.cpuMs.toFixed(2)} ms); ` +
      `worst cosine between the two vectors of a prompt ${worst.toFixed(6)}.`
    );
  } finally {
    await model.close();
  }
}

async function measure(c: Config, folder: string, files: string[], seed: string): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const decode = await decodeOnly(files);
    const modelS = await modelOnly(c, files[0]);
    const { wallS, cpuS: cliCpu, summary } = await cliIndex(c, folder, N, seed);
    const empty = await cliIndex(c, EMPTY, 0, seed);
    const ph = summary.phases!;
    rounds.push({
      cliWallS: wallS,
      cliEmptyS: empty.wallS,
      cliIndexingS: ph.indexing.seconds,
      cliOcrS: ph.ocr?.seconds ?? NaN,
      ocrNoText: ph.ocr?.noText ?? 0,
      ocrRead: ph.ocr?.read ?? 0,
      decodeS: decode.s,
      modelS,
      cliCpuMs: (1000 * cliCpu) / N,
      decodeCpuMs: (1000 * decode.cpuS) / N,
    });
    console.log(
      `  ${c.name} round ${r + 1}: cli ${round(N / wallS, 2)}/s (indexing ${ph.indexing.seconds} s, text ${ph.ocr?.seconds} s), ` +
        `decode ${round(N / decode.s, 2)}/s, model ${round(N / modelS, 2)}/s; CPU a photo: cli ${round((1000 * cliCpu) / N, 1)} ms, decode ${round((1000 * decode.cpuS) / N, 1)} ms`,
    );
  }
  return rounds;
}

const med = (xs: number[]) => percentile(xs, 50);

async function main(): Promise<void> {
  const cache = path.join(REPO_ROOT, '.cache/bench-photos/12mp');
  console.log(`load average at start: ${machine.loadAverage1m} (${machine.cores} cores)`);
  console.log(`generating/reusing ${N} text-free 12 MP JPEGs in ${cache} …`);
  const made = await makePhotos(cache, N);
  // The CLI indexes a whole folder: one holding exactly these N (hard links, real files to the scan).
  const folder = path.join(REPO_ROOT, `.cache/bench-photos/12mp-set-${N}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const all = made.slice(0, N).map((f) => {
    const to = path.join(folder, path.basename(f));
    linkSync(f, to);
    return to;
  });

  const configs: Config[] = [{ name: 'toy fixture model', model: TOY_MODEL, precision: 'fp32' }];
  const tower = path.resolve(values.tower!);
  const notes: string[] = [];
  if (existsSync(path.join(tower, 'manifest.json'))) configs.push({ name: 'ViT-B/32 random weights', model: tower, precision: 'int8' });
  else {
    const why = `SKIPPED the ViT-B/32 int8 tower: no package at ${path.relative(REPO_ROOT, tower)} (build it with bash test/bench/towers/make-towers.sh, which needs python3-torch and python3-onnx)`;
    console.log(`\n*** ${why} ***\n`);
    notes.push(why);
  }

  if (values['cold-vocabulary']) rmSync(MACHINE_CACHE, { recursive: true, force: true });
  const results: Record<string, unknown>[] = [];
  const rows: (string | number)[][] = [];
  const headers = [
    'model',
    'cli index photos/s (spawn to exit)',
    'cli index of an empty folder s',
    'first run of a new library s (once; CPU s)',
    'its tag vocabulary',
    'next new library s (vocabulary from the machine cache; CPU s)',
    'its indexing phase photos/s',
    'its text phase s',
    'gate cleared / OCR read',
    'decode only photos/s (2 streams, 224 px)',
    'model only photos/s',
    'cli / decode only',
    'cli / min(decode, model)',
    'both stages in turn photos/s',
    'indexing phase / both in turn',
    'indexing phase / decode only',
    'cli CPU ms/photo (whole run)',
    'decode only CPU ms/photo',
    'decode CPU / cli CPU',
  ];
  // Written after every model, so a cut-short run keeps what it measured.
  const write = async (pending: string[]) => {
    const md = [
      '# bench:index',
      '',
      `Command: \`npm run bench:index -- --photos ${N}\`. ${N} generated text-free 4000×3000 (12 MP) JPEGs; median of ${REPEATS} rounds, the three measures interleaved in each round.`,
      '`cli index` is the real CLI spawned as a child process (OCR, tags and similar shots included; Node + tsx start-up included), timed from spawn to exit, into a library that exists (a copy of one made by a first run, fresh for every round): adding a folder of new photos. A new library needs the tag vocabulary\'s vectors (471 tags × 4 prompts = 1884 texts, + 4 background prompts); see below for where they came from.',
      `Decode only: read + sharp shrink-on-load decode to ${DECODE_SIZE} px with EXIF orientation, ${DECODE_STREAMS} files in flight. Model only: the image tower, batch 1, on one real tensor, every core (cli index gives it half of them while it decodes). "Both stages in turn" = 1 / (1/decode + 1/model): each stage alone fills the machine, so a photo costs at least both however they overlap — the bound the goal "0.8 × min(decode, model)" cannot exceed when the two are of a size.`,
      'CPU ms/photo: user + system time of every thread over the photos (the CLI\'s whole run, start-up and tags included, from its rusage); on a shared machine it moves far less with load than the rates do.',
      `Tag vocabulary: the CLI runs share a per-machine cache folder (${path.relative(REPO_ROOT, MACHINE_CACHE)}, KANJIAN_CACHE). "First run of a new library" is \`cli index\` of an empty folder into a new data folder; "its tag vocabulary" says whether that run embedded the vocabulary with the text tower (the cache had nothing for this text tower: the first bench run on the machine, or --cold-vocabulary) or read it from the cache (an earlier bench run embedded it). "Next new library" is the same command into another new data folder right after, which always reads it from the cache. Every round's \`cli index\` starts from a copy of the first library, so the rounds read the vocabulary from the library's own table and never run the text tower for it.`,
      'The same command on an empty folder (same existing library) gives the fixed part of that wall time (Node + tsx start-up, opening the store and the model). "Indexing phase" is the CLI\'s own `phases.indexing` (scan excluded: every photo decoded, hashed, thumbnailed, gated, embedded and stored), after which every photo is searchable by image.',
      '',
      markdownTable(headers, rows),
      '',
      ...[...notes, ...pending].map((n) => `- ${n}`),
      '',
      machineMarkdown(machine),
    ].join('\n');
    return await writeBenchResult('index', { bench: 'index', machine, settings: { photos: N, repeats: REPEATS, decodeSize: DECODE_SIZE, decodeStreams: DECODE_STREAMS }, results, notes: [...notes, ...pending] }, md);
  };
  for (const c of configs) {
    console.log(`${c.name}: a new library first (tag vocabulary embedded once) …`);
    const seed = await seedLibrary(c);
    console.log(
      `  new library: ${round(seed.wallS, 1)} s (CPU ${round(seed.cpuS, 1)} s; vocabulary ${seed.vocabulary}); next new library: ${round(seed.warmWallS, 1)} s (CPU ${round(seed.warmCpuS, 1)} s)`,
    );
    const batching = await textBatching(c);
    console.log(`  ${batching}`);
    notes.push(batching);
    const rounds = await measure(c, folder, all, seed.dir);
    rmSync(seed.dir, { recursive: true, force: true });
    const cli = N / med(rounds.map((r) => r.cliWallS));
    const indexing = N / med(rounds.map((r) => r.cliIndexingS));
    const decode = N / med(rounds.map((r) => r.decodeS));
    const model = N / med(rounds.map((r) => r.modelS));
    const floor = Math.min(decode, model);
    // Decoding and inference each fill the whole machine alone (2 streams; every core), so
    // however they overlap, one photo costs at least both: the machine's bound for the pair.
    const inTurn = 1 / (1 / decode + 1 / model);
    const cliCpu = med(rounds.map((r) => r.cliCpuMs));
    const decodeCpu = med(rounds.map((r) => r.decodeCpuMs));
    results.push({
      config: c.name,
      precision: c.precision,
      cliPerS: round(cli, 2),
      cliEmptyFolderS: round(med(rounds.map((r) => r.cliEmptyS)), 2),
      newLibraryS: round(seed.wallS, 2),
      newLibraryCpuS: round(seed.cpuS, 2),
      newLibraryVocabulary: seed.vocabulary,
      nextNewLibraryS: round(seed.warmWallS, 2),
      nextNewLibraryCpuS: round(seed.warmCpuS, 2),
      cliIndexingPhasePerS: round(indexing, 2),
      cliTextPhaseS: round(med(rounds.map((r) => r.cliOcrS)), 2),
      textGateCleared: rounds[0].ocrNoText,
      textRead: rounds[0].ocrRead,
      decodeOnlyPerS: round(decode, 2),
      modelOnlyPerS: round(model, 2),
      ratioCliToDecode: round(cli / decode, 2),
      ratioCliToFloor: round(cli / floor, 2),
      bothStagesInTurnPerS: round(inTurn, 2),
      ratioIndexingPhaseToBothInTurn: round(indexing / inTurn, 2),
      ratioIndexingPhaseToDecode: round(indexing / decode, 2),
      cliCpuMsPerPhoto: round(cliCpu, 1),
      decodeCpuMsPerPhoto: round(decodeCpu, 1),
      ratioDecodeCpuToCliCpu: round(decodeCpu / cliCpu, 2),
      rounds,
    });
    rows.push([
      `${c.name} (${c.precision})`,
      round(cli, 2),
      round(med(rounds.map((r) => r.cliEmptyS)), 2),
      `${round(seed.wallS, 1)} (${round(seed.cpuS, 1)})`,
      seed.vocabulary,
      `${round(seed.warmWallS, 1)} (${round(seed.warmCpuS, 1)})`,
      round(indexing, 2),
      round(med(rounds.map((r) => r.cliOcrS)), 2),
      `${rounds[0].ocrNoText} / ${rounds[0].ocrRead}`,
      round(decode, 2),
      round(model, 2),
      round(cli / decode, 2),
      round(cli / floor, 2),
      round(inTurn, 2),
      round(indexing / inTurn, 2),
      round(indexing / decode, 2),
      round(cliCpu, 1),
      round(decodeCpu, 1),
      round(decodeCpu / cliCpu, 2),
    ]);
    const left = configs.slice(configs.indexOf(c) + 1).map((x) => `NOT MEASURED (yet): ${x.name}; the run was still going when this file was written`);
    if (left.length) await write(left);
  }
  console.log('\n' + textTable(headers, rows));
  const out = await write([]);
  rmSync(EMPTY, { recursive: true, force: true });
  console.log(`\nWritten: ${path.relative(REPO_ROOT, out.md)}, ${path.relative(REPO_ROOT, out.json)}`);
}

await main();
