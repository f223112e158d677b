// Our image tensor (decode → preprocess, the indexer's path) matches the reference preprocessing
// — torchvision Resize + CenterCrop + ToTensor + Normalize on Pillow, antialiased — for each
// manifest resize mode and interpolation, on real camera photos (EXIF-rotated, with ICC
// profiles) and greyscale, CMYK, 16-bit and alpha variants. Needs python3 with torchvision
// (Debian's python3-torchvision); without it the test skips, saying so.
//
// Tolerance, per input and mode, in normalised tensor units ((x/255 − mean)/std; one 8-bit level
// ≈ 0.015): mean |Δ| ≤ 0.01 (under one level: resampling and rounding noise), except CMYK ≤ 0.05
// (two colour engines, libvips' and Pillow's lcms, convert the profile); max |Δ| ≤ 0.35 (a few
// edge pixels, JPEG decoded at reduced scale by shrink-on-load). A crop one pixel off, or a
// colour profile ignored, gives means of 0.1–0.2 and fails.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, INTERPOLATIONS, makeInputs, MODES, referenceMissing, type Comparison } from '../../bench/lib/preprocess-compare.js';

const missing = referenceMissing();
if (missing) console.warn(`[preprocess-reference] SKIPPED: ${missing}`);

let tmp: string;
let result: Comparison;

describe.skipIf(missing !== null)('image preprocessing vs torchvision (reference)', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-preprocess-ref-'));
    result = await compare(await makeInputs(path.join(tmp, 'inputs')), path.join(tmp, 'tensors'));
  }, 240_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('compares every input in every resize mode and interpolation', () => {
    expect(result.diffs).toHaveLength(10 * MODES.length * INTERPOLATIONS.length);
    expect(result.versions.torchvision).toMatch(/^\d+\.\d+/);
  });

  it.each(MODES.flatMap((m) => INTERPOLATIONS.map((i) => [m, i] as const)))('%s, %s: within tolerance on every input', (resize, interpolation) => {
    const diffs = result.diffs.filter((d) => d.resize === resize && d.interpolation === interpolation);
    expect(diffs).toHaveLength(10);
    for (const d of diffs) {
      expect(d.meanAbs, `${d.input} (${d.kind}) mean |Δ|`).toBeLessThanOrEqual(d.kind.startsWith('CMYK') ? 0.05 : 0.01);
      expect(d.maxAbs, `${d.input} (${d.kind}) max |Δ|`).toBeLessThanOrEqual(0.35);
    }
  });
});
