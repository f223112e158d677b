// npm run bench:index — indexing throughput on generated 12-megapixel JPEGs:
//   end to end (the real Kanjian core: scan, queue, decode, EXIF, hashes, thumbnail, embed, SQLite),
//   and in the same run decode-only (analyzePhoto + preprocessing) and model-only (image tower).
// The model is a real-shape random-weight encoder (speed only, never quality), made by
// test/bench/towers/make-towers.sh; pass --model <dir> to use another package.
//
//   npm run bench:index -- [--photos 24] [--model <package dir>] [--precision fp32|int8] [--skip-analyse]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Kanjian } from '../../main/core/kanjian.js';
import { analyzePhoto } from '../../main/core/media/analyze.js';
import { openModel } from '../../main/core/embed/encoder.js';
import { makePhotos } from './lib/photos-12mp.js';
import { machineInfo, machineMarkdown, markdownTable, round, textTable, writeBenchResult } from './lib/index.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '24' },
    model: { type: 'string', default: path.join(REPO, '.cache/bench-models/bench-vitb32-xlmr') },
    precision: { type: 'string', default: 'fp32' },
    // Skips timing tags + duplicates (the first run of a model embeds the whole tag vocabulary).
    'skip-analyse': { type: 'boolean', default: false },
  },
});
const N = Number(values.photos);
const modelDir = path.resolve(values.model!);
const precision = values.precision === 'int8' ? 'int8' : 'fp32';

if (!existsSync(path.join(modelDir, 'manifest.json'))) {
  console.error(`No model package at ${modelDir}.\nMake the random-weight towers first: bash test/bench/towers/make-towers.sh`);
  process.exit(1);
}

async function main() {
  const photoDir = path.join(REPO, '.cache/bench-photos/12mp');
  console.log(`Generating/reusing ${N} 12 MP JPEGs in ${photoDir} …`);
  const files = (await makePhotos(photoDir, N)).slice(0, N);
  const work = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-'));
  const threads = os.cpus().length;

  // Decode-only: read, hash, EXIF, decode with orientation, pHash, thumbnail, preprocess.
  const model = await openModel(modelDir, { precision, provider: 'cpu' });
  const t0 = performance.now();
  let tensor: Float32Array | null = null;
  for (const f of files) {
    const p = await analyzePhoto(f, { thumbDir: path.join(work, 'thumbs-decode') });
    tensor = await model.imageTensor(p.image);
  }
  const decodeMs = performance.now() - t0;

  // Model-only: the image tower on one preprocessed tensor, batch 1, after warm-up.
  for (let i = 0; i < 3; i++) await model.embedImage(tensor!);
  const t1 = performance.now();
  for (let i = 0; i < N; i++) await model.embedImage(tensor!);
  const modelMs = performance.now() - t1;
  await model.close();

  // End to end through the core, as `cli index` runs it (fresh data dir, so nothing is reused).
  const k = await Kanjian.open({ dataDir: path.join(work, 'data'), model: modelDir, precision, provider: 'cpu', ocr: false });
  const t2 = performance.now();
  const summary = await k.indexFolder(photoDir, { analyse: false });
  const e2eMs = performance.now() - t2;
  // What `cli index` does next: tags (the first run embeds the tag vocabulary once per model),
  // duplicate groups and the search views. OCR is off here: bench:ocr measures it.
  const t3 = performance.now();
  if (!values['skip-analyse']) await k.analyseLibrary();
  const analyseMs = values['skip-analyse'] ? NaN : performance.now() - t3;
  await k.close();
  if (summary.indexed !== N || summary.failed.length) throw new Error(`end-to-end run indexed ${summary.indexed}/${N}: ${JSON.stringify(summary.failed)}`);
  rmSync(work, { recursive: true, force: true });

  const rate = (ms: number) => round((N * 1000) / ms, 2);
  const rows = [
    ['end to end: scan, decode, embed, store (3 in flight)', rate(e2eMs), round(e2eMs / N, 1)],
    ['decode only (read, hash, EXIF, decode, pHash, thumbnail, preprocess; 1 stream)', rate(decodeMs), round(decodeMs / N, 1)],
    ['model only (image tower, batch 1)', rate(modelMs), round(modelMs / N, 1)],
  ];
  const headers = ['stage', 'photos/s', 'ms/photo'];
  const analyseNote = values['skip-analyse']
    ? 'Tags + duplicates not timed (--skip-analyse).'
    : `Then tags + duplicates for the ${N} photos (the first run of a model also embeds the whole tag vocabulary once): ${round(analyseMs / 1000, 1)} s.`;
  const modelName = (await import(path.join(modelDir, 'manifest.json'), { with: { type: 'json' } })).default.name;
  console.log(`\nModel: ${modelName} (${precision}, CPU, ${threads} threads), ${N} photos of 4000×3000\n`);
  console.log(textTable(headers, rows));
  console.log(analyseNote);
  const machine = machineInfo();
  const md = [
    `# bench:index`,
    '',
    `Model: ${modelName} — ${precision}, CPU execution provider. Random weights: speed only, not quality.`,
    `Photos: ${N} generated 4000×3000 (12 MP) JPEGs, ~${Math.round(readdirSync(photoDir).length)} in the cache folder.`,
    '',
    markdownTable(headers, rows),
    '',
    analyseNote,
    '',
    machineMarkdown(machine),
  ].join('\n');
  const out = await writeBenchResult(
    `index-${path.basename(modelDir)}-${precision}`,
    {
      bench: 'index',
      machine,
      settings: { photos: N, model: modelName, modelDir: path.relative(REPO, modelDir), precision, threads },
      results: { endToEnd: rate(e2eMs), decodeOnly: rate(decodeMs), modelOnly: rate(modelMs), analyseSeconds: round(analyseMs / 1000, 1) },
      notes: ['random weights: speed only, not quality'],
    },
    md,
  );
  console.log(`\nWritten: ${path.relative(REPO, out.md)}, ${path.relative(REPO, out.json)}`);
}

await main();
