// Near-copy pairs from the hashes of main/core/media/near-hash.ts, without comparing every photo
// with every other: the `full` hashes of all contents go into one multi-index table (mih.ts),
// and each content queries it with
//   - its own `full` hash turned 0–3 quarter turns (a copy whose pixels were rotated), and
//   - each of its crop windows (a copy that is a crop of it: the copy's full ≈ our window).
// Contents indexed before these hashes existed (no row yet) pair by their old pHash until the
// backfill reaches them.
import { HashIndex, parseHash, type Hash64 } from './mih.js';

export interface NearItem {
  full: string | null;
  windows: readonly string[] | null;
  /** The pre-v1 64-bit pHash (photos.phash). */
  legacy: string | null;
}

export interface NearEdge {
  a: number;
  b: number;
  /** Bits apart (lower is closer). */
  distance: number;
  /** Quarter turns between the two, when that is how they matched. */
  turns: number;
  /** Matched through a crop window (one is a crop of the other). */
  cropped: boolean;
  /** When cropped: the window (index into WINDOWS) of `container` that matched the other's full hash. */
  window?: { container: 'a' | 'b'; index: number };
}

export interface NearThresholds {
  /** Full vs full (any quarter turn). */
  full: number;
  /** A crop window vs a full hash. */
  window: number;
  /** Old pHash vs old pHash, for contents without the new hashes. */
  legacy: number;
}

export function nearEdges(items: readonly NearItem[], t: NearThresholds): NearEdge[] {
  const best = new Map<number, NearEdge>();
  const n = items.length;
  const keep = (a: number, b: number, distance: number, turns: number, cropped: boolean, window = -1) => {
    if (a === b) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    const key = x * n + y;
    const old = best.get(key);
    if (!old || distance < old.distance) {
      const e: NearEdge = { a: x, b: y, distance, turns, cropped };
      if (window >= 0) e.window = { container: a === x ? 'a' : 'b', index: window };
      best.set(key, e);
    }
  };

  // Hashes as numbers from here on: at 100k contents the queries number in the millions, and a
  // parsed object or a turned hex string per query was most of the time (and the garbage).
  const withFull: number[] = [];
  const hi: number[] = [];
  const lo: number[] = [];
  let allParsed = true;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (!it.full) continue;
    withFull.push(i);
    if (!parseInto(it.full)) allParsed = false;
    hi.push(scratch[0]);
    lo.push(scratch[1]);
  }
  if (allParsed && withFull.length > 1) {
    const index = new HashIndex(Uint32Array.from(hi), Uint32Array.from(lo));
    const hits = new Int32Array(2 * withFull.length);
    const turned = new Uint32Array(2);
    for (let k = 0; k < withFull.length; k++) {
      const i = withFull[k];
      for (let turns = 0; turns < 4; turns++) {
        turned[0] = hi[k];
        turned[1] = lo[k];
        for (let r = 0; r < turns; r++) quarterTurn(turned);
        const found = index.collect(turned[0], turned[1], t.full, hits);
        for (let h = 0; h < found; h++) keep(i, withFull[hits[2 * h]], hits[2 * h + 1], turns, false);
      }
      const windows = items[i].windows ?? [];
      for (let w = 0; w < windows.length; w++) {
        if (!parseInto(windows[w])) continue;
        const found = index.collect(scratch[0], scratch[1], t.window, hits);
        for (let h = 0; h < found; h++) keep(i, withFull[hits[2 * h]], hits[2 * h + 1], 0, true, w);
      }
    }
  }

  // Old rows: pHash pairs where at least one side has no new hashes yet. Only those rows ask
  // (against every row's pHash), so a library whose rows all have the new hashes pays nothing.
  const legacy = items.map((it, i) => (it.legacy && safe(it.legacy) ? i : -1)).filter((i) => i >= 0);
  const asking = legacy.filter((i) => !items[i].full);
  if (asking.length) {
    const index = HashIndex.of(legacy.map((i) => safe(items[i].legacy!)!));
    const hits = new Int32Array(2 * legacy.length);
    for (const a of asking) {
      const q = safe(items[a].legacy!)!;
      const found = index.collect(q.hi, q.lo, t.legacy, hits);
      for (let h = 0; h < found; h++) {
        // Two old rows find each other twice: the same edge, kept once.
        keep(a, legacy[hits[2 * h]], hits[2 * h + 1], 0, false);
      }
    }
  }
  return [...best.values()];
}

/** Parsed words of the last parseInto (hi, lo). */
const scratch = new Uint32Array(2);

/** 16 hex digits → scratch; false (scratch untouched) for anything else. */
function parseInto(hex: string): boolean {
  if (hex.length !== 16) return false;
  let h = 0;
  let l = 0;
  for (let i = 0; i < 16; i++) {
    const c = hex.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return false;
    if (i < 8) h = (h << 4) | d;
    else l = (l << 4) | d;
  }
  scratch[0] = h >>> 0;
  scratch[1] = l >>> 0;
  return true;
}

/**
 * rotateHash (media/near-hash.ts) by one quarter turn, on the two 32-bit words in place: bit k
 * of the hash (k = row·8 + column of the 8×8 DCT signs, most significant first) comes from the
 * transposed coefficient, flipped for odd frequencies (see rotateHash).
 */
function quarterTurn(words: Uint32Array): void {
  const h = words[0];
  const l = words[1];
  let nh = 0;
  let nl = 0;
  for (let k = 0; k < 64; k++) {
    const src = TURN_SOURCE[k];
    let bit = (src < 32 ? h >>> (31 - src) : l >>> (63 - src)) & 1;
    bit ^= TURN_FLIP[k];
    if (k < 32) nh |= bit << (31 - k);
    else nl |= bit << (63 - k);
  }
  words[0] = nh >>> 0;
  words[1] = nl >>> 0;
}

const TURN_SOURCE = new Uint8Array(64);
const TURN_FLIP = new Uint8Array(64);
for (let v = 1; v <= 8; v++) {
  for (let u = 1; u <= 8; u++) {
    TURN_SOURCE[(v - 1) * 8 + (u - 1)] = (u - 1) * 8 + (v - 1);
    TURN_FLIP[(v - 1) * 8 + (u - 1)] = u % 2;
  }
}

function safe(hex: string): Hash64 | null {
  try {
    return parseHash(hex);
  } catch {
    return null;
  }
}
