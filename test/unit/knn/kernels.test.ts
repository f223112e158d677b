// The WebAssembly kernels: the shipped bytes are the compiled kernels.wat, and both kernels give
// what a plain loop gives on random codes (including rows the allowed map excludes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeArena } from '../../../main/core/knn/kernels.js';
import { KERNELS_WASM_BASE64 } from '../../../main/core/knn/kernels-wasm.js';
import { compileKernels } from '../../../scripts/kernels-compile.js';
import { rng } from '../../bench/scale/vectors.js';

describe('kernels.wat', () => {
  it('kernels-wasm.ts holds exactly the compiled source (run npm run build:kernels after editing)', async () => {
    const wat = readFileSync(path.resolve(import.meta.dirname, '../../../main/core/knn/kernels.wat'), 'utf8');
    const bytes = await compileKernels(wat);
    expect(Buffer.from(bytes).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });

  for (const dim of [512, 768, 48]) {
    it(`hamming and dot8 match plain loops (${dim}-d)`, () => {
      const r = rng(dim);
      const n = 300;
      const a = new CodeArena(n, dim);
      for (let i = 0; i < a.bits.length; i++) a.bits[i] = (r() * 2 ** 32) >>> 0;
      // Padding words past dim stay zero in real codes; keep them zero here too.
      const words = Math.ceil(dim / 32);
      for (let row = 0; row < n; row++) for (let w = words; w < a.m * 4; w++) a.bits[row * a.m * 4 + w] = 0;
      for (let i = 0; i < n * a.dimPad; i++) a.codes[i] = (i % a.dimPad) < dim ? Math.floor(r() * 255) - 127 : 0;
      for (let w = 0; w < words; w++) a.qbits[w] = (r() * 2 ** 32) >>> 0;
      for (let i = 0; i < dim; i++) a.q16[i] = Math.floor(r() * 32767) - 16383;
      for (let i = 0; i < n; i++) a.allowed[i] = i % 7 === 3 ? 0 : 1;
      a.hamming(n);
      let checked = 0;
      for (let i = 0; i < n; i++) {
        let d = 0;
        for (let w = 0; w < words; w++) {
          let x = (a.bits[i * a.m * 4 + w] ^ a.qbits[w]) >>> 0;
          while (x) { d += x & 1; x >>>= 1; }
        }
        expect(a.dist[i]).toBe(a.allowed[i] ? d : 0xffff);
        checked++;
      }
      expect(checked).toBe(n);
      const rows = [5, 0, 299, 17, 17];
      a.rows.set(rows);
      a.dot8(rows.length);
      rows.forEach((row, j) => {
        let s = 0;
        for (let i = 0; i < dim; i++) s += a.codes[row * a.dimPad + i] * a.q16[i];
        expect(a.dots[j]).toBe(s);
      });
    });
  }
});
