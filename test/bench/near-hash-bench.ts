// npm run bench:near-hash — JavaScript time of the near-copy hashes (main/core/media/near-hash.ts
// nearHashes: border trim, summed-area table, 83 window hashes, detail grid) per photo, on the
// hash inputs of the vendored photos and their quarter turns (decoded once, before timing: the
// decode and resize are sharp's, measured by bench:index). One thread, the main one.
//   npm run bench:near-hash [-- --repeats 9]
// Each repeat hashes every input once; the result is the median over repeats of ms per photo.
// Writes bench-results/near-hash.json and .md.
import { photoHashInputs } from '../helpers/hash-inputs.js';
import { nearHashes } from '../../main/core/media/near-hash.js';
import { cpuBusyFraction, machineInfo, machineMarkdown, markdownTable, round, summarize, textTable, writeBenchResult } from './lib/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPEATS = Math.max(5, arg('repeats', 9));
const WARMUP = 3;

async function main(): Promise<void> {
  const machine = machineInfo(); // load before anything of ours runs
  const busyBefore = await cpuBusyFraction();
  const inputs = await photoHashInputs();
  if (machine.loadAverage1m > 0.5) console.warn(`note: load average is ${machine.loadAverage1m}; other work on this machine slows the numbers down`);

  let sink = 0; // keeps the results alive
  const pass = () => {
    const t = performance.now();
    for (const g of inputs) sink += nearHashes(g.grey, g.width, g.height).luma;
    return (performance.now() - t) / inputs.length;
  };
  for (let i = 0; i < WARMUP; i++) pass();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const perPhoto = Array.from({ length: REPEATS }, pass);
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1000 / wall;
  const s = summarize(perPhoto);
  const command = `npm run bench:near-hash -- --repeats ${REPEATS}`;

  const headers = ['inputs', 'repeats', 'median ms/photo', 'min', 'max', 'CPU share'];
  const rows = [[inputs.length, REPEATS, round(s.median, 2), round(s.min, 2), round(s.max, 2), round(cpuShare, 2)]];
  console.log(`load average at start: ${machine.loadAverage1m} (${machine.cores} cores), CPU busy ${Math.round(busyBefore * 100)}%`);
  console.log(textTable(headers, rows));
  const notes = [
    'Inputs: every vendored photo (test/fixtures/photos) decoded as the indexer does, through hashInputOf, and the same turned a quarter turn.',
    'CPU share: this process\'s CPU time over wall time while timing; clearly below 1 means another process held the core.',
  ];
  const md = [
    '# Near-copy hashes (nearHashes) per photo',
    '',
    `Command: \`${command}\``,
    '',
    machineMarkdown(machine),
    `- CPU busy (all cores, 1 s) before the run: ${Math.round(busyBefore * 100)}%`,
    '',
    markdownTable(headers, rows),
    '',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
  const written = await writeBenchResult(
    'near-hash',
    {
      bench: 'near-hash',
      machine,
      settings: { inputs: inputs.length, repeats: REPEATS, warmup: WARMUP, command, cpuBusyBefore: round(busyBefore, 2) },
      results: { medianMsPerPhoto: round(s.median, 3), minMsPerPhoto: round(s.min, 3), maxMsPerPhoto: round(s.max, 3), perRepeatMs: perPhoto.map((x) => round(x, 3)), cpuShare: round(cpuShare, 2) },
      notes,
    },
    md,
  );
  console.log(`wrote ${written.md}${sink < 0 ? '' : ''}`);
}

await main();
