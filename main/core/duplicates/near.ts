// Near-copy pairs from the hashes of main/core/media/near-hash.ts, without comparing every photo
// with every other: the `full` hashes of all contents go into one multi-index table (mih.ts),
// and each content queries it with
//   - its own `full` hash turned 0–3 quarter turns (a copy whose pixels were rotated), and
//   - each of its crop windows (a copy that is a crop of it: the copy's full ≈ our window).
// Contents indexed before these hashes existed (no row yet) pair by their old pHash until the
// backfill reaches them.
import { rotateHash } from '../media/near-hash.js';
import { HashIndex, nearPairs, parseHash, type Hash64 } from './mih.js';

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

  const withFull = items.map((it, i) => (it.full ? i : -1)).filter((i) => i >= 0);
  const fulls = withFull.map((i) => safe(items[i].full!)).filter((h): h is Hash64 => !!h);
  if (fulls.length === withFull.length && fulls.length > 1) {
    const index = new HashIndex(fulls);
    for (const i of withFull) {
      const it = items[i];
      for (let turns = 0; turns < 4; turns++) {
        const q = safe(turns ? rotateHash(it.full!, turns) : it.full!);
        if (q) index.query(q, t.full, (j, d) => keep(i, withFull[j], d, turns, false));
      }
      for (const [w, hex] of (it.windows ?? []).entries()) {
        const q = safe(hex);
        if (q) index.query(q, t.window, (j, d) => keep(i, withFull[j], d, 0, true, w));
      }
    }
  }

  // Old rows: pHash pairs where at least one side has no new hashes yet.
  const legacy = items.map((it, i) => (it.legacy && safe(it.legacy) ? i : -1)).filter((i) => i >= 0);
  if (legacy.some((i) => !items[i].full)) {
    for (const p of nearPairs(legacy.map((i) => safe(items[i].legacy!)!), t.legacy)) {
      const a = legacy[p.a];
      const b = legacy[p.b];
      if (items[a].full && items[b].full) continue;
      keep(a, b, p.distance, 0, false);
    }
  }
  return [...best.values()];
}

function safe(hex: string): Hash64 | null {
  try {
    return parseHash(hex);
  } catch {
    return null;
  }
}
