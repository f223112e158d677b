// npm run bench:index-stages — where an indexed photo's CPU goes, stage by stage: the functions
// analyzePhoto and the indexer call (main/core/media/*, the model's imageTensor), run one at a
// time over bench:index's generated 12 MP JPEGs, process.cpuUsage() around each (user + system,
// every thread: libvips work on libuv threads counts). One photo at a time, so the stages do not
// share the cores; the indexer runs 3 photos at once, which this does not measure (bench:index
// does, end to end). Decode-only, the floor bench:index holds the CLI against, is timed too.
//   npm run bench:index-stages [-- --photos 40 --repeats 3]
// Each repeat runs every photo through every stage; per stage: the median over repeats of CPU ms
// a photo. Writes bench-results/index-stages.json and .md.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openImage, readPhoto } from '../../main/core/media/decode.js';
import { readExif } from '../../main/core/media/exif.js';
import { greyImage, greyOf } from '../../main/core/media/grey.js';
import { perceptualHash, sha256Async } from '../../main/core/media/hash.js';
import { hashInputOfGrey, nearHashes } from '../../main/core/media/near-hash.js';
import { textGate } from '../../main/core/media/text-gate.js';
import { DEFAULT_THUMBNAIL_SIZE, writeThumbnail } from '../../main/core/media/thumbnail.js';
import { openModel } from '../../main/core/embed/encoder.js';
import { REPO_ROOT, TOY_MODEL } from '../helpers/cli.js';
import { makePhotos } from './lib/photos-12mp.js';
import { cpuBusyFraction, machineInfo, machineMarkdown, markdownTable, percentile, round, textTable, writeBenchResult } from './lib/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = Math.max(1, arg('photos', 40));
const REPEATS = Math.max(1, arg('repeats', 3));
/** analyzePhoto's decode size with the default thumbnail (320) and a 224-px model. */
const DECODE_SIZE = DEFAULT_THUMBNAIL_SIZE;

const STAGES = [
  'read the file',
  'SHA-256 (WebCrypto, libuv)',
  'EXIF (exifr)',
  'header + decode to 320 px (openImage)',
  'grey copy (greyOf)',
  'pHash of the grey copy',
  'no-text gate (JS)',
  'near-hash render (cubic, 256 px)',
  'near-hash maths (JS)',
  'WebP thumbnail (resize + encode + atomic write)',
  'model input (toy model imageTensor)',
] as const;
type Stage = (typeof STAGES)[number];
const FLOOR = 'decode only: read + decode to 224 px (bench:index floor)';

async function main(): Promise<void> {
  const machine = machineInfo(); // load before anything of ours runs
  const busyBefore = await cpuBusyFraction();
  const files = (await makePhotos(path.join(REPO_ROOT, '.cache/bench-photos/12mp'), N)).slice(0, N);
  const model = await openModel(TOY_MODEL, { provider: 'cpu' });
  const thumbs = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bench-stages-'));
  const perRepeat: Record<string, number[]> = {};
  try {
    for (let r = 0; r < REPEATS; r++) {
      const cpu: Record<string, number> = {};
      const timed = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
        const c0 = process.cpuUsage();
        const out = await fn();
        const d = process.cpuUsage(c0);
        cpu[name] = (cpu[name] ?? 0) + (d.user + d.system) / 1000;
        return out;
      };
      for (const [i, file] of files.entries()) {
        const { bytes } = await timed('read the file', () => readPhoto(file));
        await timed('SHA-256 (WebCrypto, libuv)', () => sha256Async(bytes));
        await timed('EXIF (exifr)', () => readExif(bytes));
        const opened = await timed('header + decode to 320 px (openImage)', () => openImage(bytes, { decodeSize: DECODE_SIZE }));
        const grey = await timed('grey copy (greyOf)', () => greyOf(opened.image));
        await timed('pHash of the grey copy', () => perceptualHash(greyImage(grey)));
        await timed('no-text gate (JS)', () => textGate(grey.data, grey.width, grey.height));
        const input = await timed('near-hash render (cubic, 256 px)', () => hashInputOfGrey(grey));
        await timed('near-hash maths (JS)', () => nearHashes(input.grey, input.width, input.height));
        await timed('WebP thumbnail (resize + encode + atomic write)', () => writeThumbnail(opened.image, path.join(thumbs, `${r}-${i}.webp`)));
        await timed('model input (toy model imageTensor)', () => model.imageTensor(opened.image, { width: opened.pixels!.width, height: opened.pixels!.height }));
        await timed(FLOOR, async () => sharp(await readFile(file)).rotate().resize(224, 224, { fit: 'outside' }).raw().toBuffer());
      }
      for (const [k, v] of Object.entries(cpu)) (perRepeat[k] ??= []).push(v / files.length);
      console.log(`repeat ${r + 1}/${REPEATS} done`);
    }
  } finally {
    await model.close();
    rmSync(thumbs, { recursive: true, force: true });
  }

  const med = (k: string) => round(percentile(perRepeat[k], 50), 2);
  const stages = Object.fromEntries(STAGES.map((s) => [s, med(s)])) as Record<Stage, number>;
  const sum = round(STAGES.reduce((a, s) => a + stages[s], 0), 1);
  const floor = med(FLOOR);
  const rows = [...STAGES.map((s) => [s, stages[s]]), ['sum of the stages', sum], [FLOOR, floor], ['floor / sum (the ratio these stages allow on a CPU-bound machine)', round(floor / sum, 2)]];
  const command = `npm run bench:index-stages -- --photos ${N} --repeats ${REPEATS}`;
  console.log(textTable(['stage', 'CPU ms a photo'], rows));
  const md = [
    '# bench:index-stages',
    '',
    `Command: \`${command}\`. ${N} generated text-free 4000×3000 JPEGs (bench:index's), each through the stages analyzePhoto and the indexer run, one stage and one photo at a time; CPU ms a photo (user + system, every thread), median of ${REPEATS} repeats. Not measured here: the SQLite transaction (~1 ms), the inference itself (free with the toy model), start-up, and what running 3 photos at once costs or saves (bench:index measures the CLI end to end).`,
    '',
    markdownTable(['stage', 'CPU ms a photo'], rows),
    '',
    machineMarkdown(machine),
    `- CPU busy in the second before the run: ${round(busyBefore * 100, 0)} %`,
  ].join('\n');
  const { md: mdFile } = await writeBenchResult('index-stages', { bench: 'index-stages', machine, settings: { photos: N, repeats: REPEATS, command, busyBefore }, results: { cpuMsPerPhoto: stages, sum, decodeOnlyFloor: floor, perRepeat } }, md);
  console.log(`Written: ${path.relative(REPO_ROOT, mdFile)}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
