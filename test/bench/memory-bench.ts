// bench:memory — peak RSS of a real `index` run over huge images. Generates four 10000×10000
// 16-bit RGBA PNGs (4.3 MB each on disk, 800 MB each decoded: the case that took the indexer to
// 4.2 GB), indexes them with the CLI (`index <folder> --json`, the toy fixture model, OCR off) in a
// child process, and reads the child's peak resident set (VmHWM in /proc/<pid>/status, polled until
// it exits). Repeated --runs times (default 3) on a fresh library each; the median is reported.
// Code path measured: cli index → scan → Indexer (decode budget, analyzePhoto, embed) → store.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { machineInfo, machineMarkdown, markdownTable, round, textTable, writeBenchResult } from './lib/index.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(REPO, 'main/cli/index.ts');
const TOY = path.join(REPO, 'test/fixtures/models/toy-colors');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, images: { type: 'string', default: '4' }, side: { type: 'string', default: '10000' } } });
const RUNS = Math.max(1, Number(values.runs));
const IMAGES = Math.max(1, Number(values.images));
const SIDE = Math.max(100, Number(values.side));
const TARGET_MB = 1536;

if (os.platform() !== 'linux') {
  console.error('SKIPPED: bench:memory reads /proc/<pid>/status (Linux only)');
  process.exit(0);
}

function vmHwmKb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function indexOnce(lib: string, data: string): Promise<{ peakMb: number; summary: { indexed: number; failed: { path: string; error: string }[] } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'index', lib, '--json', '--data', data, '--model', TOY], {
    cwd: REPO,
    env: { ...process.env, KANJIAN_OCR: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  let peak = 0;
  const timer = setInterval(() => {
    const kb = vmHwmKb(child.pid!);
    if (kb) peak = Math.max(peak, kb);
  }, 20);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(timer);
  if (code !== 0) throw new Error(`index exited with ${code}`);
  return { peakMb: round(peak / 1024, 0), summary: JSON.parse(stdout) };
}

const machine = machineInfo(); // load average recorded before anything runs
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-memory-'));
try {
  const lib = path.join(tmp, 'photos');
  mkdirSync(lib);
  console.error(`Generating ${IMAGES} ${SIDE}×${SIDE} 16-bit RGBA PNGs …`);
  for (let i = 0; i < IMAGES; i++) {
    await sharp({ create: { width: SIDE, height: SIDE, channels: 4, background: { r: 10 + i * 50, g: 120, b: 200, alpha: 1 } } })
      .toColourspace('rgb16')
      .png()
      .toFile(path.join(lib, `huge-${i}.png`));
  }
  const meta = await sharp(path.join(lib, 'huge-0.png')).metadata();
  const decodedMb = round((meta.width! * meta.height! * meta.channels! * 2) / 2 ** 20, 0);
  const rows: { run: number; peakMb: number; indexed: number; failed: number }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const data = path.join(tmp, `data-${run}`);
    const r = await indexOnce(lib, data);
    rows.push({ run, peakMb: r.peakMb, indexed: r.summary.indexed, failed: r.summary.failed.length });
    console.error(`run ${run}: peak RSS ${r.peakMb} MB, indexed ${r.summary.indexed}, failed ${r.summary.failed.length}`);
    if (existsSync(data)) rmSync(data, { recursive: true, force: true });
  }
  const sorted = rows.map((r) => r.peakMb).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const headers = ['run', 'peak RSS (MB)', 'indexed', 'failed'];
  const table = rows.map((r) => [r.run, r.peakMb, r.indexed, r.failed]);
  console.log(textTable(headers, table));
  console.log(`median peak RSS: ${median} MB (target ≤ ${TARGET_MB} MB) — ${IMAGES} × ${meta.width}×${meta.height} ${meta.channels}-channel 16-bit PNG, ${decodedMb} MB decoded each`);
  const md = [
    '# bench:memory — peak RSS of `index` over huge images',
    '',
    machineMarkdown(machine),
    '',
    `Command: \`npm run -s bench:memory\` (runs=${RUNS}). Code path: CLI \`index --json\` (toy fixture model, OCR off) in a child process; peak = VmHWM of that process.`,
    `Input: ${IMAGES} generated ${meta.width}×${meta.height} ${meta.channels}-channel 16-bit PNGs (${decodedMb} MB decoded each).`,
    '',
    markdownTable(headers, table),
    '',
    `**Median peak RSS: ${median} MB** (target ≤ ${TARGET_MB} MB).`,
  ].join('\n');
  const written = await writeBenchResult('memory', { bench: 'memory', machine, settings: { runs: RUNS, images: IMAGES, side: SIDE, decodedMbEach: decodedMb }, results: { runs: rows, medianPeakMb: median, targetMb: TARGET_MB } }, md);
  console.error(`Wrote ${written.json} and ${written.md}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
