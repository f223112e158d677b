// Speed of the model packages on this machine's CPU: image throughput and text-query latency,
// fp32 against dynamic int8, through the app's own runtime (main/core/embed/encoder.ts).
//
// The packages are random-weight towers in the real shapes (test/bench/towers/make-towers.sh
// builds them into .cache/bench-models/): speed only, never quality.
//
//   npm run bench:models                       (= npx tsx test/bench/models-bench.ts)
//   npx tsx test/bench/models-bench.ts --make  (build missing packages first, ~3 min)
//   npx tsx test/bench/models-bench.ts --packages bench-vitb16-bert --precisions int8 --images 40
//
// Writes bench-results/models.json and bench-results/models.md.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openModel, type EmbeddingModel } from '../../main/core/embed/encoder.js';
import type { Precision } from '../../main/core/embed/providers.js';
import {
  logicalCores,
  machineInfo,
  machineMarkdown,
  markdownTable,
  percentile,
  round,
  summarize,
  textTable,
  timeCalls,
  waitForIdleCpu,
  timeOnce,
  writeBenchResult,
  type Summary,
} from './lib/index.js';
import { QUERIES, randomImageTensor } from './towers/inputs.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const DEFAULT_PACKAGES = ['bench-vitb32-xlmr', 'bench-vitb16-bert'];
const MAKE = 'bash test/bench/towers/make-towers.sh';
const SPEED_ONLY = 'Random weights: speed only, not quality.';

interface Row {
  package: string;
  name: string;
  precision: Precision;
  /** Precision actually run: int8 falls back to fp32 when a package has no int8 file. */
  ran: string;
  provider: string;
  imageFileMB: number;
  textFileMB: number;
  imageLoadMs: number;
  /** First query: text session + tokenizer load, then one run. */
  textFirstQueryMs: number;
  image: { imagesPerSecond: number; ms: Summary; cpuShare: number | null };
  text: { ms: Summary; cpuShare: number | null; contextLength: number };
  notes: string | null;
  /** Share of all cores busy (any process) just before this row started. */
  busyBefore: number;
  /** Runs made for this row (>= 3); the row's numbers are the medians over them. */
  attempts: number;
  /** Each run's headline numbers, in run order. */
  runs?: { imagesPerSecond: number; imageMsMedian: number; textMsMedian: number; textMsP90: number; cpuShare: number }[];
}

/** Below this cpu share the run waited on other processes for a noticeable part of its time. */
const MIN_SHARE = 0.9;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'models-dir': { type: 'string', default: process.env.KANJIAN_BENCH_MODELS ?? path.join(REPO, '.cache/bench-models') },
      packages: { type: 'string', default: DEFAULT_PACKAGES.join(',') },
      precisions: { type: 'string', default: 'fp32,int8' },
      images: { type: 'string', default: '24' },
      queries: { type: 'string', default: String(QUERIES.length) },
      warmup: { type: 'string', default: '3' },
      threads: { type: 'string', default: String(logicalCores()) },
      provider: { type: 'string', default: 'cpu' },
      make: { type: 'boolean', default: false },
      'wait-idle': { type: 'string', default: '90' },
      attempts: { type: 'string', default: '3' },
      out: { type: 'string', default: 'models' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npx tsx test/bench/models-bench.ts [--make] [--packages a,b] [--precisions fp32,int8]\n' +
        '         [--images N>=20] [--queries N>=30] [--warmup N] [--threads N] [--provider cpu] [--models-dir DIR] [--out NAME]\n' +
        '         [--wait-idle SECONDS]  wait up to this long for other processes to leave the CPU before each run (default 90)\n' +
        '         [--attempts N]         runs per package and precision (at least 3, default 3); the table shows their medians',
    );
    return 0;
  }
  const modelsDir = path.resolve(values['models-dir']!);
  const packages = list(values.packages!);
  const precisions = list(values.precisions!) as Precision[];
  const images = int(values.images!, 'images', 20);
  const queries = int(values.queries!, 'queries', 30);
  const warmup = int(values.warmup!, 'warmup', 0);
  const threads = int(values.threads!, 'threads', 1);
  const provider = values.provider as 'cpu';
  const waitIdleMs = int(values['wait-idle']!, 'wait-idle', 0) * 1000;
  const attempts = int(values.attempts!, 'attempts', 3);
  for (const p of precisions) if (p !== 'fp32' && p !== 'int8') throw new Error(`--precisions: unknown precision "${p}"`);

  const missing = packages.filter((id) => !existsSync(path.join(modelsDir, id, 'manifest.json')));
  if (missing.length) {
    if (!values.make) {
      console.error(`Bench model packages missing in ${modelsDir}: ${missing.join(', ')}.`);
      console.error(`Build them first (~3 min on 2 cores, ~2.8 GB): ${MAKE}`);
      console.error('or run this bench with --make to build them now.');
      return 1;
    }
    console.log(`building missing packages (${missing.join(', ')}) with ${MAKE} ...`);
    const made = spawnSync('bash', ['test/bench/towers/make-towers.sh', ...missing.flatMap((id) => ['--only', id])], {
      cwd: REPO,
      stdio: 'inherit',
      env: { ...process.env, KANJIAN_BENCH_MODELS: modelsDir },
    });
    if (made.status !== 0) return made.status ?? 1;
  }

  const machine = machineInfo();
  if (machine.loadAverage1m > 0.5) {
    console.warn(`note: load average is ${machine.loadAverage1m}; other work on this machine will slow the numbers down`);
  }
  console.log(`${SPEED_ONLY} CPU ${machine.cpuModel}, ${threads} threads, ${images} images, ${queries} queries per run\n`);

  const rows: Row[] = [];
  for (const id of packages) {
    for (const precision of precisions) {
      const runs: Row[] = [];
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const idle = await waitForIdleCpu({
          timeoutMs: waitIdleMs,
          onWait: (busy) => console.log(`waiting up to ${waitIdleMs / 1000} s for the CPU to go idle (${Math.round(busy * 100)}% busy) ...`),
        });
        if (!idle.quiet && waitIdleMs > 0) console.warn(`CPU still ${Math.round(idle.busy * 100)}% busy; measuring anyway`);
        const run = await benchOne(path.join(modelsDir, id), precision, { images, queries, warmup, threads, provider });
        run.busyBefore = idle.busy;
        runs.push(run);
        console.log(`${id} ${precision} run ${attempt}/${attempts}: ${round(run.image.imagesPerSecond, 1)} img/s, text median ${round(run.text.ms.median, 1)} ms, cpu share ${round(share(run), 2)}`);
      }
      const row = medianOfRuns(runs);
      rows.push(row);
      console.log(
        `${id} ${precision}: ${round(row.image.imagesPerSecond, 1)} img/s, text median ${round(row.text.ms.median, 1)} ms` +
          ` (p90 ${round(row.text.ms.p90, 1)} ms)${row.notes ? ` — ${row.notes}` : ''}`,
      );
    }
  }

  const headers = ['package', 'precision', 'img/s', 'img ms (median)', 'text ms (median)', 'text ms (p90)', 'image MB', 'text MB', 'load s', 'cpu share'];
  const table = rows.map((r) => [
    r.package,
    r.ran === r.precision ? r.precision : `${r.precision} (ran ${r.ran})`,
    round(r.image.imagesPerSecond, 1),
    round(r.image.ms.median, 1),
    round(r.text.ms.median, 1),
    round(r.text.ms.p90, 1),
    Math.round(r.imageFileMB),
    Math.round(r.textFileMB),
    round((r.imageLoadMs + r.textFirstQueryMs) / 1000, 1),
    round(share(r), 2),
  ]);
  console.log('\n' + textTable(headers, table) + '\n');

  const settings = { provider, threads, images, queries, warmup, attempts, waitIdleSeconds: waitIdleMs / 1000, batch: 1, packages, precisions, runtime: 'main/core/embed/encoder.ts openModel()' };
  const notes = [
    SPEED_ONLY,
    'Image: batch 1, random preprocessed [3, 224, 224] tensors, throughput over the measured images after warm-up.',
    `Text: embedText() per query, tokenisation included, ${queries} mixed Chinese/English/mixed queries after warm-up; every query runs the full fixed context (77 tokens XLM-R, 52 BERT).`,
    'int8: dynamic quantisation (weights int8 per output column, activations uint8 at run time) by test/bench/towers/quantize_dynamic.py.',
    'load s: image session creation plus the first query (text session + tokenizer load).',
    `cpu share: process CPU time / (wall time x threads) over the measured part, the lower of image and text; below ${MIN_SHARE} means another process competed for the cores and the numbers are pessimistic. Every row is the median of ${attempts} runs (each waits for an idle CPU first); cpu share shown is the median run's.`,
    'Compare precisions and packages within one run: on a shared virtual machine, contention on the host is invisible from inside, and repeated runs can differ by tens of percent even at cpu share near 1.',
  ];
  const md = [
    '# Model speed',
    '',
    `**${SPEED_ONLY}** These packages are random-weight towers in the real shapes of the models the app offers; they measure how fast a model of that shape runs here, nothing about how well it searches.`,
    '',
    '## Machine',
    '',
    machineMarkdown(machine),
    `- onnxruntime-node ${ortVersion()}, provider ${provider}, intraOpNumThreads ${threads}`,
    '',
    '## Results',
    '',
    markdownTable(headers, table),
    '',
    '## Packages',
    '',
    ...[...new Set(rows.map((r) => `- \`${r.package}\`: ${r.name}`))],
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    ...rows.filter((r) => r.notes).map((r) => `- ${r.package} ${r.precision}: ${r.notes}`),
    '',
    `Regenerate: \`${MAKE}\` then \`npm run bench:models\`.`,
  ].join('\n');

  const written = await writeBenchResult(values.out!, { bench: 'models', machine, settings, results: rows, notes }, md);
  console.log(`wrote ${path.relative(process.cwd(), written.json)} and ${path.relative(process.cwd(), written.md)}`);
  return 0;
}

const median = (xs: number[]) => percentile(xs, 50);

/** One row from several runs: each headline number is the median over the runs. */
function medianOfRuns(runs: Row[]): Row {
  const byImg = [...runs].sort((a, b) => a.image.imagesPerSecond - b.image.imagesPerSecond);
  const mid = byImg[Math.floor(byImg.length / 2)];
  return {
    ...mid,
    imageLoadMs: median(runs.map((r) => r.imageLoadMs)),
    textFirstQueryMs: median(runs.map((r) => r.textFirstQueryMs)),
    image: { ...mid.image, imagesPerSecond: median(runs.map((r) => r.image.imagesPerSecond)), ms: { ...mid.image.ms, median: median(runs.map((r) => r.image.ms.median)) } },
    text: { ...mid.text, ms: { ...mid.text.ms, median: median(runs.map((r) => r.text.ms.median)), p90: median(runs.map((r) => r.text.ms.p90)) } },
    busyBefore: runs[0].busyBefore,
    attempts: runs.length,
    runs: runs.map((r) => ({ imagesPerSecond: r.image.imagesPerSecond, imageMsMedian: r.image.ms.median, textMsMedian: r.text.ms.median, textMsP90: r.text.ms.p90, cpuShare: share(r) })),
  };
}

async function benchOne(
  dir: string,
  precision: Precision,
  o: { images: number; queries: number; warmup: number; threads: number; provider: 'cpu' },
): Promise<Row> {
  const opened = await timeOnce(() => openModel(dir, { precision, provider: o.provider, threads: o.threads }));
  const model: EmbeddingModel = opened.value;
  try {
    const spec = model.manifest.image;
    const tensors = Array.from({ length: Math.min(o.images + o.warmup, 32) }, (_, i) => randomImageTensor(spec.size, spec, i + 1));
    const image = await timeCalls((i) => model.embedImage(tensors[i % tensors.length]), {
      warmup: o.warmup,
      iterations: o.images,
      threads: o.threads,
    });

    const first = await timeOnce(() => model.embedText(QUERIES[0]));
    const text = await timeCalls((i) => model.embedText(QUERIES[i % QUERIES.length]), {
      warmup: o.warmup,
      iterations: o.queries,
      threads: o.threads,
    });

    const int8Missing = precision === 'int8' && (!model.pkg.paths.imageInt8 || !model.pkg.paths.textInt8);
    const imageFile = precision === 'int8' && model.pkg.paths.imageInt8 ? model.pkg.paths.imageInt8 : model.pkg.paths.image;
    const textFile = precision === 'int8' && model.pkg.paths.textInt8 ? model.pkg.paths.textInt8 : model.pkg.paths.text;
    return {
      package: model.manifest.id,
      name: model.manifest.name,
      precision,
      ran: int8Missing ? 'fp32' : precision,
      provider: model.provider,
      imageFileMB: statSync(imageFile).size / 1e6,
      textFileMB: statSync(textFile).size / 1e6,
      imageLoadMs: opened.ms,
      textFirstQueryMs: first.ms,
      image: { imagesPerSecond: o.images / (image.totalMs / 1000), ms: summarize(image.samples), cpuShare: image.cpuShare },
      text: { ms: summarize(text.samples), cpuShare: text.cpuShare, contextLength: model.manifest.text.contextLength },
      notes: model.providerNote,
      busyBefore: NaN,
      attempts: 1,
    };
  } finally {
    await model.close();
  }
}

function ortVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The lower of the image and text runs' cpu share; 1 when the platform gave no figure. */
function share(r: Row): number {
  return Math.min(r.image.cpuShare ?? 1, r.text.cpuShare ?? 1);
}

function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function int(s: string, name: string, min: number): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got "${s}")`);
  return n;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
