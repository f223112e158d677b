// Perceptual hashes for near copies that survive what people do to photos: re-encodes, resizes,
// brightness/contrast, format changes, borders and letterboxing, crops of up to 10 % per side
// (also on one side only) and quarter turns of the pixels. No model: a user's first run has none.
//
// The pure function `nearHashes` takes greyscale pixels (already upright: EXIF orientation
// applied) and returns:
//   - `full`: a 64-bit DCT sign hash of the picture with uniform borders trimmed away (to the
//     fraction of a pixel, see trimBorders);
//   - `windows`: the same hash of sub-windows of the trimmed picture (each side cut by 0, 5 or
//     10 %, per axis independently, and 2.5 % or 7.5 % off all four), so a crop of the
//     original matches one of the original's windows with its own `full` hash;
//   - `luma`: mean brightness, to name "brighter"/"darker" in the compare view;
//   - `detail`: a DETAIL_SIDE² greyscale grid of the trimmed picture and its aspect ratio, so a candidate pair can be
//     verified by aligning the two pictures (main/core/duplicates/verify.ts): 64 sign bits
//     cannot tell a crop from a burst frame a few percent off and turned a little.
// Bits are coefficient signs (not "above the median" as in pHash.org): turning the pixels a
// quarter turn maps each DCT coefficient to its transpose with a sign flip, so the hash of a
// rotated copy is a fixed bit permutation plus XOR mask of the original's — computed at query
// time (`rotateHash`) instead of stored four times.
import type { Sharp } from 'sharp';
import { greyImage, greyOf, type GreyPixels } from './grey.js';

const GRID = 32;
const LOW = 8;
/** Side of the greyscale image the hashes are computed on (long side). */
export const HASH_INPUT_SIDE = 256;
/** Side of the stored greyscale grid of the trimmed picture (stretched to a square). */
export const DETAIL_SIDE = 48;
/** The grid, then the trimmed picture's aspect ratio (width / height) as log2 · 4096 + 32768, big-endian. */
export const DETAIL_BYTES = DETAIL_SIDE * DETAIL_SIDE + 2;

/** The aspect ratio (width / height) a detail grid was sampled from. */
export function detailAspect(detail: Uint8Array): number {
  if (detail.length < DETAIL_BYTES) return 1;
  const code = (detail[DETAIL_SIDE * DETAIL_SIDE] << 8) | detail[DETAIL_SIDE * DETAIL_SIDE + 1];
  return 2 ** ((code - 32768) / 4096);
}

// cos((2x+1)uπ/2N) for u = 1..8, row u − 1 of a flat table: the hash never looks at other frequencies.
const COS = new Float64Array(LOW * GRID);
for (let u = 1; u <= LOW; u++) for (let x = 0; x < GRID; x++) COS[(u - 1) * GRID + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * GRID));

/** Two hex digits of each byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Cuts per side, as shares of the trimmed picture's width/height. */
const CUTS = [0, 0.05, 0.1] as const;

/** The windows, in a fixed order (left, right cut × top, bottom cut, then the even trims), full picture excluded. */
export const WINDOWS: readonly { l: number; r: number; t: number; b: number }[] = (() => {
  const out: { l: number; r: number; t: number; b: number }[] = [];
  for (const l of CUTS) for (const r of CUTS) for (const t of CUTS) for (const b of CUTS) {
    if (l === 0 && r === 0 && t === 0 && b === 0) continue;
    out.push({ l, r, t, b });
  }
  // A light trim all round (2.5 %, 7.5 % a side) sits between the cuts above, too far from
  // either for the window threshold.
  for (const c of [0.025, 0.075]) out.push({ l: c, r: c, t: c, b: c });
  return out;
})();

export interface NearHashes {
  /** 16 hex chars. */
  full: string;
  /** 16 hex chars each, in WINDOWS order. */
  windows: string[];
  /** Mean brightness 0..255 of the trimmed picture. */
  luma: number;
  /** DETAIL_SIDE × DETAIL_SIDE grey levels of the trimmed picture, row by row, then its aspect (DETAIL_BYTES). */
  detail?: Uint8Array;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Hashes of greyscale pixels `grey` (width × height, one byte each, upright). */
export function nearHashes(grey: Uint8Array, width: number, height: number): NearHashes {
  const r = trimBorders(grey, width, height);
  const pic: Picture = { grey, width, height, sat: summedArea(grey, width, height) };
  const luma = sampleGrid(pic, r.x, r.y, r.w, r.h, 1)[0];
  const hashOf = (wnd: { l: number; r: number; t: number; b: number }) => {
    // The full picture goes through here too (not r.w, r.h): x1 − x0 can differ from r.w in
    // the last bit, and the stored hashes were computed this way.
    const x0 = r.x + wnd.l * r.w;
    const x1 = r.x + (1 - wnd.r) * r.w;
    const y0 = r.y + wnd.t * r.h;
    const y1 = r.y + (1 - wnd.b) * r.h;
    return dctSignHash(sampleGrid(pic, x0, y0, x1 - x0, y1 - y0, GRID));
  };
  const full = hashOf({ l: 0, r: 0, t: 0, b: 0 });
  const windows = WINDOWS.map(hashOf);
  const fine = sampleGrid(pic, r.x, r.y, r.w, r.h, DETAIL_SIDE);
  const detail = new Uint8Array(DETAIL_BYTES);
  for (let i = 0; i < DETAIL_SIDE * DETAIL_SIDE; i++) detail[i] = Math.round(fine[i]);
  // The grid is stretched to a square: a turn can only be told from a shear knowing the shape.
  const code = Math.round(Math.log2(r.w / r.h) * 4096) + 32768;
  detail[DETAIL_SIDE * DETAIL_SIDE] = code >> 8;
  detail[DETAIL_SIDE * DETAIL_SIDE + 1] = code & 0xff;
  return { full, windows, luma: Math.round(luma * 10) / 10, detail };
}

/** The hashes of a decoded (upright) image, from one small greyscale render of it. */
export async function nearHashesOf(image: Sharp): Promise<NearHashes> {
  return nearHashesOfGrey(await greyOf(image));
}

/** The same from the photo's grey copy (media/grey.ts), when other consumers share it. */
export async function nearHashesOfGrey(g: GreyPixels): Promise<NearHashes> {
  const { grey, width, height } = await hashInputOfGrey(g);
  return nearHashes(grey, width, height);
}

/** The small greyscale render the hashes are computed from (benchmarks cache it). */
export async function hashInputOf(image: Sharp): Promise<{ grey: Uint8Array; width: number; height: number }> {
  return hashInputOfGrey(await greyOf(image));
}

/**
 * The render itself: the grey copy, cubic-resized to fit HASH_INPUT_SIDE. It used to be one
 * pipeline from the colour pixels (flatten, greyscale, resize); libvips converts to grey before
 * it resizes either way, so this is the same bytes (the golden test holds every input's pixels)
 * for one colour pass fewer a photo (5.6 → 2.5 ms of CPU on the bench's 12 MP JPEGs).
 */
export async function hashInputOfGrey(g: GreyPixels): Promise<{ grey: Uint8Array; width: number; height: number }> {
  const { data, info } = await greyImage(g)
    .resize(HASH_INPUT_SIDE, HASH_INPUT_SIDE, { fit: 'inside', kernel: 'cubic' })
    .toColourspace('b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`near-hash render: ${info.channels} channels, expected 1`);
  return { grey: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * The region inside uniform borders (letterboxing, frames, white margins), in fractional pixels.
 * Per side, lines whose pixels nearly all match that edge's colour are dropped, and the line
 * where the bar ends (half bar, half picture after resampling) by the share of it that is bar.
 * A run counts as a bar only when it ends in a step (most pixels of the next line clearly
 * unlike the bar) before a quarter of the side: a sky or a wall fading slowly into the scene,
 * or filling a quarter of it, is the picture itself. Trimming it in one copy but not in
 * another (whose bars stop the run first) is what made letterboxed copies miss.
 */
export function trimBorders(grey: Uint8Array, width: number, height: number): Rect {
  const TOL = 14;
  const SHARE = 0.97;
  /** Share of the line after a bar that must differ from the bar's last line (a step, not a fade). */
  const STEP = 0.5;
  // One side: `at(d, i)` is pixel i of the line d lines in from that edge, n pixels long.
  const side = (at: (d: number, i: number) => number, n: number, depthCap: number): number => {
    const ref = median(Array.from({ length: 9 }, (_, k) => at(0, Math.floor(((k + 0.5) * n) / 9))));
    const unlike = (d: number) => {
      let off = 0;
      for (let i = 0; i < n; i++) if (Math.abs(at(d, i) - ref) > TOL) off++;
      return off / n;
    };
    let d = 0;
    while (d < depthCap && unlike(d) <= 1 - SHARE) d++;
    if (d === 0 || d >= depthCap - 2) return 0;
    let stepped = 0;
    for (let i = 0; i < n; i++) if (Math.abs(at(d + 1, i) - at(d - 1, i)) > TOL) stepped++;
    if (stepped < STEP * n) return 0;
    // Resampling blends the bar into a line or two: each of lines d, d + 1 is cut by the share
    // of it that is bar, read from line means against the picture two lines further in.
    const mean = (k: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += at(k, i);
      return sum / n;
    };
    const picture = (mean(d + 2) + mean(d + 3)) / 2;
    if (Math.abs(ref - picture) <= 2 * TOL) return d;
    let edge = d;
    for (const k of [d, d + 1]) edge += Math.max(0, Math.min(1, (mean(k) - picture) / (ref - picture)));
    return edge;
  };
  const capY = Math.floor(height * 0.25);
  const capX = Math.floor(width * 0.25);
  const top = side((d, i) => grey[d * width + i], width, capY);
  const bottom = side((d, i) => grey[(height - 1 - d) * width + i], width, capY);
  // Columns only over the rows inside the top and bottom bars.
  const y0 = Math.ceil(top);
  const rows = Math.max(1, height - Math.ceil(bottom) - y0);
  const left = side((d, i) => grey[(y0 + i) * width + d], rows, capX);
  const right = side((d, i) => grey[(y0 + i) * width + width - 1 - d], rows, capX);
  const w = width - left - right;
  const h = height - top - bottom;
  if (w < 8 || h < 8) return { x: 0, y: 0, w: width, h: height };
  return { x: left, y: top, w, h };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Summed-area table: entry (x, y) of a (width+1)-wide table is the sum of pixels [0,x)×[0,y). */
function summedArea(grey: Uint8Array, width: number, height: number): Float64Array {
  const W = width + 1;
  const sat = new Float64Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += grey[y * width + x];
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1] + row;
    }
  }
  return sat;
}

/** The picture and its summed-area table. */
interface Picture {
  grey: Uint8Array;
  width: number;
  height: number;
  sat: Float64Array;
}

// Scratch buffers of sampleGrid and dctSignHash, sized for the largest grid (DETAIL_SIDE) and
// reused instead of two fresh arrays per window: nearHashes is synchronous (and a worker thread
// has its own module), so no two calls ever use them at once.
const MAX_SIDE = DETAIL_SIDE;
const cornerX = new Float64Array(MAX_SIDE + 1);
const cornerY = new Float64Array(MAX_SIDE + 1);
const pixelX = new Int32Array(MAX_SIDE + 1);
const pixelY = new Int32Array(MAX_SIDE + 1);
const fracX = new Float64Array(MAX_SIDE + 1);
const fracY = new Float64Array(MAX_SIDE + 1);
const corners = new Float64Array((MAX_SIDE + 1) * (MAX_SIDE + 1));
const cells = new Float64Array(MAX_SIDE * MAX_SIDE);
const dctRows = new Float64Array(GRID * LOW);

/**
 * side×side box-filtered samples of the region (fractional bounds): each cell is the mean of
 * the pixels under it, weighted by how much of each pixel it covers, from the summed-area table
 * (83 windows per photo: a per-pixel sum cost ~50 ms a photo on the main thread). Returns a
 * scratch buffer, valid until the next call.
 *
 * The integral of the (piecewise-constant) picture over [0,x]×[0,y] at fractional x, y is
 * bilinear inside one pixel, so interpolating the table bilinearly is exact. Neighbouring cells
 * share corners, so the integral is computed once per corner of the (side+1)² lattice instead of
 * four times per cell, and a corner's pixel and fraction once per lattice line. The arithmetic,
 * its order included, is the one the stored hashes were computed with: reassociating it would
 * move the last bit of some cells, and the sign of a near-zero DCT coefficient with it (flat and
 * symmetric pictures have nothing but such coefficients).
 */
function sampleGrid(pic: Picture, x0: number, y0: number, w: number, h: number, side: number): Float64Array {
  const { sat, grey, width, height } = pic;
  const W = width + 1;
  const n = side + 1;
  for (let g = 0; g <= side; g++) {
    const x = Math.max(0, Math.min(width, x0 + (g * w) / side));
    const ix = Math.min(Math.floor(x), width - 1);
    cornerX[g] = x;
    pixelX[g] = ix;
    fracX[g] = x - ix;
    const y = Math.max(0, Math.min(height, y0 + (g * h) / side));
    const iy = Math.min(Math.floor(y), height - 1);
    cornerY[g] = y;
    pixelY[g] = iy;
    fracY[g] = y - iy;
  }
  for (let gy = 0; gy <= side; gy++) {
    const top = pixelY[gy] * W;
    const fy = fracY[gy];
    for (let gx = 0; gx <= side; gx++) {
      const i = top + pixelX[gx];
      const fx = fracX[gx];
      const a = sat[i];
      const b = sat[i + 1];
      const c = sat[i + W];
      const d = sat[i + W + 1];
      corners[gy * n + gx] = a + (b - a) * fx + (c - a) * fy + (d - b - c + a) * fx * fy;
    }
  }
  for (let gy = 0; gy < side; gy++) {
    const ya = cornerY[gy];
    const dy = cornerY[gy + 1] - ya;
    const above = gy * n;
    const below = above + n;
    for (let gx = 0; gx < side; gx++) {
      const xa = cornerX[gx];
      const area = (cornerX[gx + 1] - xa) * dy;
      cells[gy * side + gx] =
        area > 0
          ? (corners[below + gx + 1] - corners[below + gx] - corners[above + gx + 1] + corners[above + gx]) / area
          : grey[Math.min(height - 1, Math.floor(ya)) * width + Math.min(width - 1, Math.floor(xa))];
    }
  }
  return cells;
}

/**
 * Bit (v−1)·8 + (u−1), MSB first: the sign of DCT coefficient (u, v), u, v = 1..8, of a GRID²
 * grid: the rows' 8 low frequencies, then those columns' 8. Each coefficient is summed in the
 * order the stored hashes were (x, then y ascending, from 0); the eight of a row or column are
 * accumulated side by side, which reads each sample once and changes no sum.
 */
function dctSignHash(px: Float64Array): string {
  for (let y = 0; y < GRID; y++) {
    let s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
    for (let x = 0, i = y * GRID; x < GRID; x++, i++) {
      const p = px[i];
      s1 += p * COS[x];
      s2 += p * COS[GRID + x];
      s3 += p * COS[2 * GRID + x];
      s4 += p * COS[3 * GRID + x];
      s5 += p * COS[4 * GRID + x];
      s6 += p * COS[5 * GRID + x];
      s7 += p * COS[6 * GRID + x];
      s8 += p * COS[7 * GRID + x];
    }
    const o = y * LOW;
    dctRows[o] = s1;
    dctRows[o + 1] = s2;
    dctRows[o + 2] = s3;
    dctRows[o + 3] = s4;
    dctRows[o + 4] = s5;
    dctRows[o + 5] = s6;
    dctRows[o + 6] = s7;
    dctRows[o + 7] = s8;
  }
  let hex = '';
  for (let v = 0; v < LOW; v++) {
    let s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
    for (let y = 0, o = 0; y < GRID; y++, o += LOW) {
      const c = COS[v * GRID + y];
      s1 += dctRows[o] * c;
      s2 += dctRows[o + 1] * c;
      s3 += dctRows[o + 2] * c;
      s4 += dctRows[o + 3] * c;
      s5 += dctRows[o + 4] * c;
      s6 += dctRows[o + 5] * c;
      s7 += dctRows[o + 6] * c;
      s8 += dctRows[o + 7] * c;
    }
    const byte =
      (s1 > 0 ? 128 : 0) | (s2 > 0 ? 64 : 0) | (s3 > 0 ? 32 : 0) | (s4 > 0 ? 16 : 0) | (s5 > 0 ? 8 : 0) | (s6 > 0 ? 4 : 0) | (s7 > 0 ? 2 : 0) | (s8 > 0 ? 1 : 0);
    hex += HEX[byte];
  }
  return hex;
}

/**
 * The hash of the same picture turned a quarter turn clockwise, `turns` times. Turning maps
 * pixel (x, y) to (N−1−y, x): coefficient (u, v) moves to (v, u) and changes sign when v is odd
 * (cos((2(N−1−x)+1)vπ/2N) = (−1)^v cos((2x+1)vπ/2N)).
 */
export function rotateHash(hex: string, turns: number): string {
  let bits = hexToBits(hex);
  for (let t = 0; t < ((turns % 4) + 4) % 4; t++) {
    const next = new Uint8Array(64);
    for (let v = 1; v <= LOW; v++) {
      for (let u = 1; u <= LOW; u++) {
        // New image I'(x', y') = I(y', N−1−x'): its coefficient (u', v') = (−1)^{u'} · C(v', u').
        const src = bits[(u - 1) * LOW + (v - 1)];
        next[(v - 1) * LOW + (u - 1)] = u % 2 === 1 ? src ^ 1 : src;
      }
    }
    bits = next;
  }
  return bitsToHex(bits);
}

function hexToBits(hex: string): Uint8Array {
  const bits = new Uint8Array(64);
  for (let i = 0; i < 16; i++) {
    const n = parseInt(hex[i], 16);
    for (let b = 0; b < 4; b++) bits[i * 4 + b] = (n >> (3 - b)) & 1;
  }
  return bits;
}

function bitsToHex(bits: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += ((bits[i * 4] << 3) | (bits[i * 4 + 1] << 2) | (bits[i * 4 + 2] << 1) | bits[i * 4 + 3]).toString(16);
  return hex;
}
