// npm run bench:ocr-gate — the no-text gate (main/core/media/text-gate.ts) on the pixels the
// indexer decodes (analyzePhoto, shorter side 320 px), measured on:
//   - the OCR bench set (bench:ocr): real camera photos with rendered Chinese/English text —
//     the share kept (must be all: a gated photo is never read) — and the same photos without text;
//   - the vendored camera photos as they are (test/fixtures/photos; some hold real text);
//   - generated text-free 12 MP JPEGs (bench:index's): the share skipped.
// Plus the gate's own cost per photo (median), next to the indexer's analyse time.
//
//   npm run bench:ocr-gate -- [--big 12]
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzePhoto, textGateOf } from '../../main/core/media/analyze.js';
import { EXIF_SAMPLES } from '../helpers/cli.js';
import { makeSet } from './lib/ocr-set.js';
import { makePhotos } from './lib/photos-12mp.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, textTable, writeBenchResult } from './lib/index.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { big: { type: 'string', default: '12' } } });

interface Seen {
  file: string;
  group: string;
  mayHoldText: boolean;
  maxCellRidges: number;
}

async function gateAll(files: string[], group: string, thumbDir: string, times: number[]): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const file of files) {
    const p = await analyzePhoto(file, { thumbDir });
    const t0 = performance.now();
    const gate = await textGateOf(p.image);
    times.push(performance.now() - t0);
    out.push({ file, group, ...gate });
  }
  return out;
}

function camera(): string[] {
  const out: string[] = [];
  for (const dir of ['jpg', 'jpg/gps', 'jpg/mobile', 'jpg/exif-org']) {
    const abs = path.join(EXIF_SAMPLES, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) if (/\.jpe?g$/i.test(f)) out.push(path.join(abs, f));
  }
  return out;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const thumbDir = mkdtempSync(path.join(os.tmpdir(), 'kanjian-gate-'));
  const set = await makeSet(path.join(REPO, '.cache/bench-ocr/set-noto-sans-sc'));
  const big = await makePhotos(path.join(REPO, '.cache/bench-photos/12mp'), Number(values.big));
  const times: number[] = [];
  const seen = [
    ...(await gateAll(set.filter((i) => i.kind !== 'none').map((i) => i.file), 'with text (bench:ocr set)', thumbDir, times)),
    ...(await gateAll(set.filter((i) => i.kind === 'none').map((i) => i.file), 'without text (bench:ocr set)', thumbDir, times)),
    ...(await gateAll(camera(), 'vendored camera photos, as they are', thumbDir, times)),
    ...(await gateAll(big.slice(0, Number(values.big)), 'generated text-free 12 MP JPEGs', thumbDir, times)),
  ];
  rmSync(thumbDir, { recursive: true, force: true });
  const groups = [...new Set(seen.map((s) => s.group))];
  const rows = groups.map((g) => {
    const s = seen.filter((x) => x.group === g);
    const kept = s.filter((x) => x.mayHoldText).length;
    const ridges = s.map((x) => x.maxCellRidges).sort((a, b) => a - b);
    return [g, s.length, kept, s.length - kept, `${ridges[0]}–${ridges.at(-1)} (median ${percentile(ridges, 50)}): ${ridges.join(' ')}`];
  });
  const headers = ['photos', 'n', 'kept for OCR', 'skipped (no text)', 'busiest cell, stroke pixels (counted up to 24)'];
  const gateMs = round(percentile([...times].sort((a, b) => a - b), 50), 2);
  console.log(textTable(headers, rows));
  console.log(`gate cost per photo (median, greyscale of the decoded pixels + the gate): ${gateMs} ms`);
  const missed = seen.filter((x) => x.group.startsWith('with text') && !x.mayHoldText);
  for (const m of missed) console.log(`  MISSED text photo: ${path.basename(m.file)} (${m.maxCellRidges})`);
  const md = [
    '# bench:ocr-gate',
    '',
    'Command: `npm run bench:ocr-gate`. The no-text gate on the pixels the indexer decodes (shorter side 320 px).',
    'A photo the gate skips gets an empty text row and is never read by OCR; a photo it keeps is read as before.',
    '',
    markdownTable(headers, rows),
    '',
    `Gate cost per photo (median: greyscale of the decoded pixels + the gate, one stream): ${gateMs} ms.`,
    '',
    machineMarkdown(machine),
  ].join('\n');
  const out = await writeBenchResult('ocr-gate', { bench: 'ocr-gate', machine, settings: { big: Number(values.big) }, results: { rows, gateMs, missed: missed.map((m) => path.basename(m.file)) }, notes: [] }, md);
  console.log(`Written: ${path.relative(REPO, out.md)}`);
}

await main();
