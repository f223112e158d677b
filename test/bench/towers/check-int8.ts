// Checks the dynamically quantised towers of the bench packages against their fp32 towers:
// onnxruntime-node must load and run each int8 graph, and its embeddings must point the same way
// as fp32 (cosine > 0.95) on a few random images and real zh/en queries.
//
// Random-weight towers map every input to nearly the same vector (their fp32 outputs for
// different inputs already have cosine ~0.99), so the plain cosine alone proves little. The
// "centred" cosine first subtracts the mean fp32 output over the inputs, comparing only the part
// that depends on the input; it is printed alongside and should also stay high.
//
//   npx tsx test/bench/towers/check-int8.ts [--models-dir DIR] [--threads N]

import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openModel, type EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { randomImageTensor, QUERIES } from './inputs.js';
import { logicalCores, round } from '../lib/index.js';

const MIN_COSINE = 0.95;

export interface Int8Agreement {
  tower: 'image' | 'text';
  inputs: number;
  /** Lowest cosine(fp32, int8) over the inputs. */
  minCosine: number;
  meanCosine: number;
  /** Lowest cosine after subtracting the mean fp32 output (input-dependent part only). */
  minCentredCosine: number;
  /** Mean cosine between fp32 outputs of different inputs: how input-dependent the tower is. */
  fp32Spread: number;
}

export async function compareInt8(fp32: EmbeddingModel, int8: EmbeddingModel, images = 4, queries = 6): Promise<Int8Agreement[]> {
  const size = fp32.manifest.image.size;
  const img: Array<[Float32Array, Float32Array]> = [];
  for (let i = 0; i < images; i++) {
    const t = randomImageTensor(size, fp32.manifest.image, 1000 + i);
    img.push([await fp32.embedImage(t), await int8.embedImage(t)]);
  }
  const txt: Array<[Float32Array, Float32Array]> = [];
  for (const q of QUERIES.slice(0, queries)) txt.push([await fp32.embedText(q), await int8.embedText(q)]);
  return [agreement('image', img), agreement('text', txt)];
}

function agreement(tower: 'image' | 'text', pairs: Array<[Float32Array, Float32Array]>): Int8Agreement {
  const dim = pairs[0][0].length;
  const mean = new Float32Array(dim);
  for (const [a] of pairs) for (let i = 0; i < dim; i++) mean[i] += a[i] / pairs.length;
  const cos = pairs.map(([a, b]) => cosine(a, b));
  const centred = pairs.map(([a, b]) => cosine(sub(a, mean), sub(b, mean)));
  const spread: number[] = [];
  for (let i = 0; i < pairs.length; i++) for (let j = i + 1; j < pairs.length; j++) spread.push(cosine(pairs[i][0], pairs[j][0]));
  return {
    tower,
    inputs: pairs.length,
    minCosine: Math.min(...cos),
    meanCosine: cos.reduce((s, x) => s + x, 0) / cos.length,
    minCentredCosine: Math.min(...centred),
    fp32Spread: spread.reduce((s, x) => s + x, 0) / spread.length,
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

function sub(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((x, i) => x - b[i]);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'models-dir': { type: 'string', default: path.resolve(import.meta.dirname, '../../../.cache/bench-models') },
      threads: { type: 'string' },
    },
  });
  const root = values['models-dir']!;
  const threads = values.threads ? Number(values.threads) : logicalCores();
  const dirs = existsSync(root) ? readdirSync(root).filter((d) => existsSync(path.join(root, d, 'manifest.json'))) : [];
  if (dirs.length === 0) {
    console.error(`no model packages in ${root}; run bash test/bench/towers/make-towers.sh first`);
    return 1;
  }
  let failed = false;
  console.log(`int8 vs fp32 (onnxruntime-node, CPU, ${threads} threads); pass: cosine > ${MIN_COSINE}`);
  for (const id of dirs.sort()) {
    const dir = path.join(root, id);
    const fp32 = await openModel(dir, { precision: 'fp32', provider: 'cpu', threads });
    const int8 = await openModel(dir, { precision: 'int8', provider: 'cpu', threads });
    try {
      if (!int8.pkg.paths.imageInt8 || !int8.pkg.paths.textInt8) {
        console.log(`  ${id.padEnd(18)} FAIL  manifest names no int8 file for ${!int8.pkg.paths.imageInt8 ? 'image' : 'text'}; rebuild with make-towers.sh`);
        failed = true;
        continue;
      }
      const rows = await compareInt8(fp32, int8);
      for (const r of rows) {
        const ok = r.minCosine > MIN_COSINE;
        failed ||= !ok;
        console.log(
          `  ${id.padEnd(18)} ${r.tower.padEnd(5)} ${ok ? 'PASS' : 'FAIL'}  cosine min ${round(r.minCosine, 4)} mean ${round(r.meanCosine, 4)}` +
            `  centred min ${round(r.minCentredCosine, 4)}  (fp32 spread ${round(r.fp32Spread, 4)}, ${r.inputs} inputs)`,
        );
      }
    } finally {
      await fp32.close();
      await int8.close();
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
