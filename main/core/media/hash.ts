import { createHash, webcrypto } from 'node:crypto';
import type { Sharp } from 'sharp';

/** Content identity: equal bytes, equal hash, whatever the file is called or wherever it moved. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The same digest computed on a libuv thread (WebCrypto), so ~3 ms a 5 MB photo of hashing
 * overlaps other work instead of holding the event loop.
 */
export async function sha256Async(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

const SIZE = 32;
const LOW = 8;

// cos((2x+1)uπ/2N) for the low frequencies only: the hash never looks at the rest of the DCT.
const COS: Float64Array[] = Array.from({ length: LOW + 1 }, (_, u) => {
  const row = new Float64Array(SIZE);
  for (let x = 0; x < SIZE; x++) row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE));
  return row;
});

/**
 * 64-bit DCT perceptual hash as 16 hex chars, the pHash.org construction: greyscale 32×32, 2-D
 * DCT, the 8×8 block of coefficients 1..8 on both axes (skipping row and column 0, which hold
 * the mean brightness and the coarsest gradients that a re-exposure shifts), each bit set when
 * its coefficient is above the block's median. Computed on the image as given, so pass the
 * upright image: a rotated copy must hash like the original.
 */
export async function perceptualHash(image: Sharp): Promise<string> {
  const { data, info } = await image
    .clone()
    // Transparent areas would otherwise hash as whatever colour happens to sit under them.
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(SIZE, SIZE, { fit: 'fill' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  const pixels = new Float64Array(SIZE * SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * channels];

  // Separable DCT-II, rows first then columns, normalisation dropped (every kept coefficient
  // has u,v ≥ 1 and so the same scale; the median comparison does not care).
  const rows = new Float64Array(SIZE * LOW); // [y][u] for u = 1..8
  for (let y = 0; y < SIZE; y++) {
    for (let u = 1; u <= LOW; u++) {
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += pixels[y * SIZE + x] * COS[u][x];
      rows[y * LOW + (u - 1)] = sum;
    }
  }
  const block = new Float64Array(LOW * LOW); // [v][u]
  for (let v = 1; v <= LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += rows[y * LOW + u] * COS[v][y];
      block[(v - 1) * LOW + u] = sum;
    }
  }

  const sorted = Float64Array.from(block).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (block[nibble * 4 + bit] > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** A perceptual hash as two 32-bit halves (no BigInt on the hot path). */
export interface Hash64 {
  hi: number;
  lo: number;
}

export function parseHash(hex: string): Hash64 {
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new TypeError(`not a 64-bit hex hash: ${hex}`);
  return { hi: parseInt(hex.slice(0, 8), 16) >>> 0, lo: parseInt(hex.slice(8), 16) >>> 0 };
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function hamming64(a: Hash64, b: Hash64): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** Number of differing bits between two 16-hex-char perceptual hashes (0..64). */
export function hammingDistance(a: string, b: string): number {
  return hamming64(parseHash(a), parseHash(b));
}
