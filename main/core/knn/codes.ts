// Compact codes of image vectors and the scans over them: pure functions on typed arrays, no
// SQLite. Two codes per vector, both derived from the float vector sqlite-vec keeps:
//
//   bits  1 bit a dimension: the sign of (unit vector − library mean). 64 bytes for 512-d, so a
//         scan of a million is 64 MB; Hamming distance between bits tracks the angle.
//   int8  the unit vector scaled so its largest component is ±127. 512 bytes for 512-d; its dot
//         product with a float query gives the cosine to ~1e-3.
//
// A search is a Hamming scan of the bits (cheap) keeping the best few thousand candidates and
// an int8 re-score of those (vector-index.ts; the scans themselves are kernels.wat).

/** 32-bit words per bit code. */
export function bitWords(dim: number): number {
  return Math.ceil(dim / 32);
}

/** Writes the unit vector of `v` into `out` and returns its norm (0 for a zero vector). */
export function normalizeInto(v: ArrayLike<number>, out: Float32Array): number {
  let n = 0;
  for (let i = 0; i < out.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  const inv = n > 0 ? 1 / n : 0;
  for (let i = 0; i < out.length; i++) out[i] = v[i] * inv;
  return n;
}

/** int8 code of a unit vector into `codes` at `offset`; returns the factor: cosine ≈ factor · Σ q·code. */
export function encodeInt8(unit: Float32Array, codes: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < unit.length; i++) max = Math.max(max, Math.abs(unit[i]));
  if (max === 0) {
    codes.fill(0, offset, offset + unit.length);
    return 0;
  }
  const scale = 127 / max;
  for (let i = 0; i < unit.length; i++) {
    const x = unit[i] * scale;
    codes[offset + i] = (x + (x >= 0 ? 0.5 : -0.5)) | 0;
  }
  return max / 127;
}

/** Bit code of a unit vector (sign of unit − mean) into `bits` at word `offset`. */
export function encodeBits(unit: Float32Array, mean: Float32Array, bits: Uint32Array, offset: number): void {
  const words = bitWords(unit.length);
  for (let w = 0; w < words; w++) {
    let x = 0;
    const end = Math.min(32, unit.length - w * 32);
    const o = w * 32;
    for (let b = 0; b < end; b++) x |= (unit[o + b] > mean[o + b] ? 1 : 0) << b;
    bits[offset + w] = x >>> 0;
  }
}

/**
 * Writes into `out` the rows of the `count` smallest distances (ties at the boundary kept while
 * `out` has room), never rows at 0xffff; returns how many. A counting pass, not a sort:
 * distances are small integers.
 */
export function smallest(dist: Uint16Array, n: number, count: number, maxDistance: number, out: Int32Array): number {
  const hist = new Uint32Array(maxDistance + 2);
  for (let i = 0; i < n; i++) {
    const d = dist[i];
    if (d !== 0xffff) hist[d]++;
  }
  let cut = -1;
  let taken = 0;
  while (taken < count && cut < maxDistance) taken += hist[++cut];
  const room = Math.min(taken, out.length);
  let j = 0;
  for (let i = 0; i < n && j < room; i++) if (dist[i] <= cut) out[j++] = i;
  return j;
}

/** Exact cosine of two vectors (the re-score and the tests' oracle). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** An int16 copy of a unit query (for the int8 dot kernel); returns the factor back to floats. */
export function encodeInt16(unit: Float32Array, out: Int16Array): number {
  let max = 0;
  for (let i = 0; i < unit.length; i++) max = Math.max(max, Math.abs(unit[i]));
  out.fill(0);
  if (max === 0) return 0;
  // 2^14 - 1, not 2^15 - 1: Σ of 512 int8·int16 products then stays far inside an i32.
  const scale = 16383 / max;
  for (let i = 0; i < unit.length; i++) {
    const x = unit[i] * scale;
    out[i] = (x + (x >= 0 ? 0.5 : -0.5)) | 0;
  }
  return max / 16383;
}
