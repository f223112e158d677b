// The no-text gate: a cheap look at the pixels the indexer already decoded (the one decode,
// ~320 px on the shorter side) that says "this photo certainly holds no text", so OCR never
// decodes it again nor runs its detector on it. Most photos of a library hold no text, and
// reading each one with the detector (even at 640 px) costs ~0.3 s of CPU: far more than
// indexing the photo.
//
// What it looks for: strokes. Glyphs are thin lines, so along a row (or a column) a pixel of a
// stroke differs from both neighbours 1–2 pixels away *in the same direction* (darker than both
// sides, or lighter than both). The edge of a shape (a sky line, a round object, a gradient)
// steps only one way and is not counted; sensor noise is averaged away by shrink-on-load.
// A photo is gated out only when no cell of CELL×CELL pixels holds MIN_RIDGES stroke pixels, at
// the decoded size and at 1/2 and 1/4 of it (a stroke is found only if it is at most ~3 pixels
// wide, so big lettering shows up on the smaller levels).
// This is deliberately conservative: textured photos (foliage, gravel, fabric) pass the gate and
// are read by OCR as before; the gate only skips photos smooth enough that no text can be in
// them at this resolution. bench:ocr-gate measures both sides (skipped text-free photos, kept
// photos with text) on the OCR bench set.

/** Stored as the engine of the empty text row a gated photo gets (a later gate may redo it). */
export const OCR_GATE_ENGINE = 'no-text-gate@1';

/** Grey levels a stroke pixel differs from both sides by. */
const CONTRAST = 18;
const CELL = 16;
/** Stroke pixels in one cell for it to maybe hold text. */
const MIN_RIDGES = 24;

export interface TextGate {
  /** False when the photo certainly holds no text (the gate skips it). */
  mayHoldText: boolean;
  /** Stroke pixels in the busiest cell, counted up to MIN_RIDGES (the scan stops there). */
  maxCellRidges: number;
}

/** Levels of the pyramid looked at: the pixels as decoded, then halved twice. */
const LEVELS = 3;

/** The gate on greyscale pixels (width × height, one byte each, upright). */
export function textGate(grey: Uint8Array, width: number, height: number): TextGate {
  let max = 0;
  let level = { grey, width, height };
  for (let l = 0; l < LEVELS; l++) {
    if (l > 0) level = halve(level.grey, level.width, level.height);
    if (level.width < 8 || level.height < 8) break;
    max = Math.max(max, busiestCell(level.grey, level.width, level.height));
    if (max >= MIN_RIDGES) break;
  }
  return { mayHoldText: max >= MIN_RIDGES, maxCellRidges: max };
}

/** 2×2 box average. */
function halve(grey: Uint8Array, width: number, height: number): { grey: Uint8Array; width: number; height: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const a = 2 * y * width;
    const b = a + width;
    for (let x = 0; x < w; x++) {
      out[y * w + x] = (grey[a + 2 * x] + grey[a + 2 * x + 1] + grey[b + 2 * x] + grey[b + 2 * x + 1] + 2) >> 2;
    }
  }
  return { grey: out, width: w, height: h };
}

/** Stroke pixels in the busiest CELL×CELL cell, or MIN_RIDGES as soon as one cell has that many. */
function busiestCell(grey: Uint8Array, width: number, height: number): number {
  const cols = Math.ceil(width / CELL);
  const cells = new Uint16Array(cols * Math.ceil(height / CELL));
  const R = 2;
  for (let y = R; y < height - R; y++) {
    const row = y * width;
    const cellRow = ((y / CELL) | 0) * cols;
    for (let x = R; x < width - R; x++) {
      const i = row + x;
      const c = grey[i];
      if (isRidge(c, grey[i - 1], grey[i + 1]) || isRidge(c, grey[i - 2], grey[i + 2]) ||
          isRidge(c, grey[i - width], grey[i + width]) || isRidge(c, grey[i - 2 * width], grey[i + 2 * width])) {
        // One busy cell is enough: textured photos stop within their first rows.
        if (++cells[cellRow + ((x / CELL) | 0)] >= MIN_RIDGES) return MIN_RIDGES;
      }
    }
  }
  let max = 0;
  for (const n of cells) if (n > max) max = n;
  return max;
}

function isRidge(c: number, a: number, b: number): boolean {
  return (c - a >= CONTRAST && c - b >= CONTRAST) || (a - c >= CONTRAST && b - c >= CONTRAST);
}
