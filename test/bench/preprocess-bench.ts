// npm run bench:preprocess — how far the image tensor Kanjian feeds a model is from the
// reference preprocessing, torchvision Resize + CenterCrop + ToTensor + Normalize on the PIL
// backend (antialiased), for each manifest resize mode (squash; shortest side + centre crop)
// and interpolation (bicubic, bilinear), on real camera photos (EXIF-rotated ones included)
// and on variants made from them: greyscale, CMYK, 16-bit RGB and greyscale, alpha.
//
// Code path measured: file bytes → media/decode.ts openImage (EXIF orientation, shrink-on-load
// for JPEG) → embed/preprocess.ts imageTensor, exactly what the indexer runs; the reference is
// test/bench/preprocess_reference.py. An accuracy bench: it measures no time.
// Writes bench-results/preprocess.md and .json.
//
//   npm run bench:preprocess
// Needs python3 with torchvision (Debian: apt-get install -y python3-torchvision python3-numpy).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compare, makeInputs, perMode, referenceMissing } from './lib/preprocess-compare.js';
import { machineInfo, machineMarkdown, markdownTable, round, textTable, writeBenchResult } from './lib/index.js';

async function main(): Promise<void> {
  // Load first: the result is not a timing, but say what the machine was doing all the same.
  const machine = machineInfo();
  const missing = referenceMissing();
  if (missing) {
    console.error(`bench:preprocess needs the reference: ${missing}`);
    process.exit(2);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-preprocess-'));
  try {
    const inputs = await makeInputs(path.join(tmp, 'inputs'));
    const { diffs, versions } = await compare(inputs, path.join(tmp, 'tensors'));
    const modes = perMode(diffs);
    const r = (x: number) => round(x, 4);

    const modeRows = modes.map((m) => [m.resize, m.interpolation, r(m.maxAbs), r(m.meanAbs), round(m.maxLevels, 1), round(m.meanLevels, 2), m.worst]);
    const modeHeaders = ['resize', 'interpolation', 'max |Δ| (tensor)', 'mean |Δ| (tensor)', 'max |Δ| (8-bit levels)', 'mean |Δ| (8-bit levels)', 'worst input'];
    const inputHeaders = ['input', 'what', 'resize', 'interpolation', 'max |Δ|', 'mean |Δ|', 'mean |Δ| levels'];
    const inputRows = diffs.map((d) => [d.input, d.kind, d.resize, d.interpolation, r(d.maxAbs), r(d.meanAbs), round(d.meanLevels, 2)]);
    console.log(textTable(modeHeaders, modeRows));
    console.log();
    console.log(textTable(inputHeaders, inputRows));

    const md = [
      '# Image preprocessing vs the reference (torchvision)',
      '',
      `Command: \`npm run bench:preprocess\`. Ours: file bytes → \`openImage\` (EXIF orientation, JPEG shrink-on-load) → \`imageTensor\` (main/core/embed/preprocess.ts), the indexer's path. ` +
        `Reference: torchvision ${versions.torchvision} \`Resize\` (+ \`CenterCrop\` for shortest-crop) + \`ToTensor\` + \`Normalize\` on Pillow ${versions.pillow}, antialias on (test/bench/preprocess_reference.py). ` +
        `224 px, CLIP (OpenAI) mean/std. ${inputs.length} inputs: ${inputs.map((i) => i.kind).join(', ')}.`,
      '',
      'Differences per element of the [3, 224, 224] tensor, in normalised units ((x/255 − mean)/std; 1 unit ≈ 68 levels) and in 8-bit pixel levels.',
      '',
      markdownTable(modeHeaders, modeRows),
      '',
      '## Per input',
      '',
      markdownTable(inputHeaders, inputRows),
      '',
      '## Machine',
      '',
      machineMarkdown(machine),
    ].join('\n');
    const { md: mdFile } = await writeBenchResult(
      'preprocess',
      { bench: 'preprocess', machine, settings: { size: 224, versions, inputs: inputs.map((i) => ({ name: i.name, kind: i.kind })) }, results: { modes, diffs } },
      md,
    );
    console.log(`\nwrote ${mdFile}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
