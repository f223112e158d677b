// embedTexts (many texts in one session run where the graph allows it) against embedText, on
// the real toy package (dynamic batch and sequence) and on copies of it whose text graph
// declares a fixed batch of 1 (Immich's exports) or 4. Runs are counted on onnxruntime's own
// InferenceSession.run, which the encoder calls for every tower run.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openModel, TEXT_BATCH } from '../../../main/core/embed/encoder.js';
import { spyOnSessionRuns } from '../../helpers/session-runs.js';
import { TOY_DIR, toyCopy } from './helpers.js';

const WORDS = ['red', 'blue', '红色', '绿色', 'yellow', 'white', '黑色', 'unknown', 'sky', '蓝'];
// Texts of different lengths (1 to ~12 tokens), more than one batch, some the model cannot read.
const TEXTS = Array.from({ length: TEXT_BATCH * 2 + 5 }, (_, i) =>
  Array.from({ length: 1 + (i % 6) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(i % 2 ? ' ' : ''),
);

function cosineOrZero(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  // Texts of unknown words embed to zero: both must then be zero.
  if (na < 1e-12 || nb < 1e-12) return na < 1e-12 && nb < 1e-12 ? 1 : 0;
  return d / Math.sqrt(na * nb);
}

/** A copy of the toy package whose text graph declares `batch` rows (a number: fixed). */
async function withTextBatch(batch: number) {
  const copy = await toyCopy();
  const file = path.join(copy.dir, 'textual/model.onnx');
  const m = onnxProto.onnx.ModelProto.decode(await readFile(file));
  for (const v of [...m.graph!.input!, ...m.graph!.output!]) {
    const dims = v.type!.tensorType!.shape!.dim!;
    dims[0] = { dimValue: batch };
    if (dims.length === 2 && v.name !== 'embedding') dims[1] = { dimValue: 16 };
  }
  await writeFile(file, onnxProto.onnx.ModelProto.encode(m).finish());
  return copy;
}

async function compare(dir: string) {
  const model = await openModel(dir, { provider: 'cpu', threads: 1 });
  try {
    const single: Float32Array[] = [];
    for (const t of TEXTS) single.push(await model.embedText(t));
    const spy = spyOnSessionRuns();
    const batched = await model.embedTexts(TEXTS);
    const runs = spy.count();
    spy.restore();
    expect(batched).toHaveLength(TEXTS.length);
    const worst = Math.min(...TEXTS.map((_, i) => cosineOrZero(single[i], batched[i])));
    return { runs, worst, readable: single.filter((v) => v.some((x) => x !== 0)).length };
  } finally {
    await model.close();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('embedTexts', () => {
  it('runs a dynamic-batch graph TEXT_BATCH texts at a time, padded to the longest, with the vectors embedText gives', async () => {
    const r = await compare(TOY_DIR);
    expect(r.readable).toBeGreaterThan(TEXTS.length / 2);
    expect(r.worst).toBeGreaterThan(1 - 1e-4);
    expect(r.runs).toBe(Math.ceil(TEXTS.length / TEXT_BATCH));
  });

  it('runs a fixed batch-1 graph one text at a time', async () => {
    const copy = await withTextBatch(1);
    try {
      const r = await compare(copy.dir);
      expect(r.worst).toBeGreaterThan(1 - 1e-4);
      expect(r.runs).toBe(TEXTS.length);
    } finally {
      await copy.cleanup();
    }
  });

  it('fills a fixed batch larger than 1 with padding rows', async () => {
    const copy = await withTextBatch(4);
    try {
      const r = await compare(copy.dir);
      expect(r.worst).toBeGreaterThan(1 - 1e-4);
      expect(r.runs).toBe(Math.ceil(TEXTS.length / 4));
    } finally {
      await copy.cleanup();
    }
  });

  it('returns nothing for no texts', async () => {
    const model = await openModel(TOY_DIR, { provider: 'cpu', threads: 1 });
    try {
      expect(await model.embedTexts([])).toEqual([]);
    } finally {
      await model.close();
    }
  });
});
