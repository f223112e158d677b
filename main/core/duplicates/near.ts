// Near-copy pairs from the hashes of main/core/media/near-hash.ts, without comparing every photo
// with every other, by multi-index tables (mih.ts) asked in sorted batches (HashIndex.join):
//   - each content's own `full` hash turned 0–3 quarter turns (a copy whose pixels were rotated)
//     against the table of `full` hashes, and
//   - crop windows against `full` hashes (a copy that is a crop of it: the copy's full ≈ our
//     window): 82 windows a content, 8 million at 100k contents, so the windows are the table,
//     a slice at a time, and the full hashes ask it (hashEdges).
// Contents indexed before these hashes existed (no row yet) pair by their old pHash until the
// backfill reaches them.
import { HashIndex, parseHash, popcount32, type Hash64 } from './mih.js';
import type { NearWindowRun as WindowRun } from '../store/near-hashes.js';

export type { WindowRun };

export interface NearItem {
  full: string | null;
  windows: readonly string[] | null;
  /** The pre-v1 64-bit pHash (photos.phash). */
  legacy: string | null;
}

/** The hashes as numbers: a library's windows as strings would not fit in memory at a million. */
export interface NearInput {
  count: number;
  /** Two words (hi, lo) per content, meaningful where hasFull is 1. */
  full: Uint32Array;
  hasFull: Uint8Array;
  /** The windows, a run at a time (asked for once). */
  windowRuns: () => Iterable<WindowRun>;
  legacy: readonly (string | null)[];
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

/** Windows in one table at a time (four band tables of 12 bytes a window: ~100 MB). */
const WINDOW_SLICE = 1 << 21;

/**
 * Up to this many asking contents, the windows ask them (one small table, 52 entries a
 * content for a window distance of 6) rather than each slice of windows becoming a table.
 */
const FEW_ASKING = 20_000;

/**
 * Up to this many asking contents (a watcher's pass: a photo or a few), each window is compared
 * with each of their full hashes bit by bit: a few XOR + popcounts a window against ~75 ns for
 * the join, which must sort and probe every window even for one asker.
 */
const SCAN_ASKING = 8;

/** Items with hashes as strings (tests, the duplicates bench) as the numbers nearEdges reads. */
export function nearInput(items: readonly NearItem[]): NearInput {
  const n = items.length;
  const full = new Uint32Array(2 * n);
  const hasFull = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f = items[i].full;
    if (f && parseInto(f)) {
      full[2 * i] = scratch[0];
      full[2 * i + 1] = scratch[1];
      hasFull[i] = 1;
    }
  }
  const windowRuns = function* (): Iterable<WindowRun> {
    const owners: number[] = [];
    const starts: number[] = [0];
    const words: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!hasFull[i]) continue;
      owners.push(i);
      const windows = items[i].windows ?? [];
      for (let w = 0; w < windows.length; w++) {
        // A window that does not parse asks nothing (the others keep their indices).
        if (!parseInto(windows[w])) continue;
        words.push(scratch[0], scratch[1]);
        slots.push(w);
      }
      starts.push(slots.length);
    }
    yield {
      owners: Int32Array.from(owners),
      starts: Uint32Array.from(starts),
      words: Uint32Array.from(words),
      slots: Uint16Array.from(slots),
    };
  };
  return { count: n, full, hasFull, windowRuns, legacy: items.map((it) => it.legacy) };
}

/**
 * Every near pair: hashEdges for contents with the new hashes, legacyEdges for the rest (the two
 * never find the same pair: legacy pairs have a side without new hashes).
 */
export function nearEdges(items: readonly NearItem[] | NearInput, t: NearThresholds): NearEdge[] {
  const input = 'count' in items ? items : nearInput(items);
  return [...hashEdges(input, t), ...legacyEdges(input, t)];
}

/**
 * The best edge of each pair, whichever query found it: the lowest distance, and between equal
 * distances the query a query-by-query scan would meet first (by rank: content, then turns
 * before windows), whatever order the batches run in.
 */
class Edges {
  private best = new Map<number, NearEdge>();
  private order = new Map<number, number>();
  constructor(private n: number) {}

  keep(a: number, b: number, distance: number, turns: number, cropped: boolean, window: number, rank: number): void {
    if (a === b) return;
    const [x, y] = a < b ? [a, b] : [b, a];
    const key = x * this.n + y;
    const old = this.best.get(key);
    if (old && (old.distance < distance || (old.distance === distance && this.order.get(key)! <= rank))) return;
    const e: NearEdge = { a: x, b: y, distance, turns, cropped };
    if (window >= 0) e.window = { container: a === x ? 'a' : 'b', index: window };
    this.best.set(key, e);
    this.order.set(key, rank);
  }

  all(): NearEdge[] {
    return [...this.best.values()];
  }
}

/** Ranks: content · RANKS + 0..3 for its turns, + 4 + w for its window w; old rows after all. */
const RANKS = 4096;

/**
 * Pairs by the new hashes: full against full (any quarter turn) and crop window against full.
 * With `asking`, only pairs with at least one asking content (1 in asking): a content paired
 * for the first time against all the others (near-pairs.ts), every query that could find such
 * a pair and nothing else. Without it, every pair. `ways`: the asker counts up to which each
 * way of matching windows is taken (FEW_ASKING, SCAN_ASKING); tests set them to try every way.
 */
export function hashEdges(
  input: NearInput,
  t: NearThresholds,
  asking?: Uint8Array,
  { fewAsking = FEW_ASKING, scanAsking = SCAN_ASKING }: { fewAsking?: number; scanAsking?: number } = {},
): NearEdge[] {
  const edges = new Edges(input.count);
  const withFull: number[] = [];
  for (let i = 0; i < input.count; i++) if (input.hasFull[i]) withFull.push(i);
  if (withFull.length < 2) return [];
  const hi = Uint32Array.from(withFull, (i) => input.full[2 * i]);
  const lo = Uint32Array.from(withFull, (i) => input.full[2 * i + 1]);
  const index = new HashIndex(hi, lo);
  // Only some asking. All asking (a library's first review) is the search without `asking`:
  // the windows' own asking (askingWindows) would find every crop pair a second time.
  const only = asking && withFull.some((i) => !asking[i]) ? asking : undefined;
  // Positions in withFull of the contents that ask.
  const askers = only ? withFull.flatMap((i, k) => (only[i] ? [k] : [])) : withFull.map((_, k) => k);
  if (!askers.length) return [];
  // Window w of content `owner` within d of the full hash at withFull[k].
  const cropEdge = (owner: number, w: number, k: number, d: number) => edges.keep(owner, withFull[k], d, 0, true, w, owner * RANKS + 4 + w);
  // Each asking full hash in its four quarter turns (query 4k + turns), as one sorted batch.
  const qhi = new Uint32Array(4 * askers.length);
  const qlo = new Uint32Array(4 * askers.length);
  const turned = new Uint32Array(2);
  for (let k = 0; k < askers.length; k++) {
    turned[0] = hi[askers[k]];
    turned[1] = lo[askers[k]];
    for (let turns = 0; turns < 4; turns++) {
      if (turns) quarterTurn(turned);
      qhi[4 * k + turns] = turned[0];
      qlo[4 * k + turns] = turned[1];
    }
  }
  index.join(qhi, qlo, t.full, (q, item, d) => {
    const i = withFull[askers[q >> 2]];
    const j = withFull[item];
    // Kept as the lower of the two would have found it, whichever asked: the turns from it to
    // the other (the inverse when the higher one's hash was turned), ranked as its query. With
    // `asking` only one side may ask, and the pair must come out as a search of all finds it.
    const turns = i < j ? q & 3 : (4 - (q & 3)) % 4;
    edges.keep(i, j, d, turns, false, -1, Math.min(i, j) * RANKS + turns);
  });
  // Windows against full hashes, the other way round: a slice of the windows goes into its
  // own table and every asking full hash asks it. The same pairs as each window asking the
  // table of full hashes, but a hundred thousand queries instead of eight million, each
  // reading long runs of the table in order.
  const ahi = only ? Uint32Array.from(askers, (k) => hi[k]) : hi;
  const alo = only ? Uint32Array.from(askers, (k) => lo[k]) : lo;
  // A few contents asking (those added since the last review): their full hashes are the
  // table, filed under every key a window would probe, and every window asks it — building
  // the window tables cost ~0.3 µs a window however few asked them.
  const scan = !!only && askers.length <= scanAsking;
  const few = only && !scan && askers.length <= fewAsking ? new HashIndex(ahi, alo, 4, t.window) : null;
  for (const run of input.windowRuns()) {
    if (scan) scanWindows(run, ahi, alo, t.window, (owner, w, k, d) => cropEdge(owner, w, askers[k], d));
    else if (few) {
      const owner = ownersOf(run, 0, run.owners.length);
      const { hi: whi, lo: wlo } = splitWords(run.words, 0, run.slots.length);
      few.join(whi, wlo, t.window, (q, k, d) => cropEdge(owner[q], run.slots[q], askers[k], d));
    }
    for (let first = 0; !few && !scan && first < run.owners.length; ) {
      let last = first + 1;
      while (last < run.owners.length && run.starts[last + 1] - run.starts[first] <= WINDOW_SLICE) last++;
      const from = run.starts[first];
      const owner = ownersOf(run, first, last);
      const words = splitWords(run.words, from, run.starts[last]);
      new HashIndex(words.hi, words.lo).join(ahi, alo, t.window, (k, q, d) => cropEdge(owner[q], run.slots[from + q], askers[k], d));
      first = last;
    }
    // An asking content's windows against every full hash: that a content hashed before it
    // is a crop of it (without `asking`, the join above found those already).
    if (only) askingWindows(run, only, index, t.window, cropEdge);
  }
  return edges.all();
}

/** Every window of the run against each of a handful of full hashes (see SCAN_ASKING). */
function scanWindows(
  run: WindowRun,
  hi: Uint32Array,
  lo: Uint32Array,
  maxDistance: number,
  found: (owner: number, window: number, asker: number, distance: number) => void,
): void {
  const { owners, starts, words, slots } = run;
  for (let k = 0; k < owners.length; k++) {
    for (let w = starts[k]; w < starts[k + 1]; w++) {
      const wh = words[2 * w];
      const wl = words[2 * w + 1];
      for (let q = 0; q < hi.length; q++) {
        const d = popcount32((wh ^ hi[q]) >>> 0) + popcount32((wl ^ lo[q]) >>> 0);
        if (d <= maxDistance) found(owners[k], slots[w], q, d);
      }
    }
  }
}

/** Each window's owner, for the run's contents first .. last − 1 (indexed from their first window). */
function ownersOf(run: WindowRun, first: number, last: number): Int32Array {
  const from = run.starts[first];
  const owner = new Int32Array(run.starts[last] - from);
  for (let k = first; k < last; k++) owner.fill(run.owners[k], run.starts[k] - from, run.starts[k + 1] - from);
  return owner;
}

/** Hashes from .. to − 1 of interleaved (hi, lo) words as the two arrays HashIndex reads. */
function splitWords(words: Uint32Array, from: number, to: number): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(to - from);
  const lo = new Uint32Array(to - from);
  for (let q = 0; q < to - from; q++) {
    hi[q] = words[2 * (from + q)];
    lo[q] = words[2 * (from + q) + 1];
  }
  return { hi, lo };
}

/** The windows of the run's asking owners, each against `index` (of full hashes). */
function askingWindows(
  run: WindowRun,
  asking: Uint8Array,
  index: HashIndex,
  maxDistance: number,
  found: (owner: number, window: number, item: number, distance: number) => void,
): void {
  // The asking contents' windows of the run as one batch (a join a content would sort the
  // queries of each against a million-hash table): for each, its owner and place in the run.
  const owner: number[] = [];
  const at: number[] = [];
  for (let k = 0; k < run.owners.length; k++) {
    if (!asking[run.owners[k]]) continue;
    for (let w = run.starts[k]; w < run.starts[k + 1]; w++) {
      owner.push(run.owners[k]);
      at.push(w);
    }
  }
  if (!at.length) return;
  const qhi = Uint32Array.from(at, (w) => run.words[2 * w]);
  const qlo = Uint32Array.from(at, (w) => run.words[2 * w + 1]);
  index.join(qhi, qlo, maxDistance, (q, item, d) => found(owner[q], run.slots[at[q]], item, d));
}

/**
 * Old rows: pHash pairs where at least one side has no new hashes yet. Only those rows ask
 * (against every row's pHash), so a library whose rows all have the new hashes pays nothing.
 */
export function legacyEdges(input: NearInput, t: NearThresholds): NearEdge[] {
  const n = input.count;
  const edges = new Edges(n);
  const legacy = input.legacy.map((h, i) => (h && safe(h) ? i : -1)).filter((i) => i >= 0);
  const asking = legacy.filter((i) => !input.hasFull[i]);
  if (asking.length) {
    const index = HashIndex.of(legacy.map((i) => safe(input.legacy[i]!)!));
    const hits = new Int32Array(2 * legacy.length);
    for (const a of asking) {
      const q = safe(input.legacy[a]!)!;
      const found = index.collect(q.hi, q.lo, t.legacy, hits);
      for (let h = 0; h < found; h++) {
        // Two old rows find each other twice: the same edge, kept once.
        edges.keep(a, legacy[hits[2 * h]], hits[2 * h + 1], 0, false, -1, (n + a) * RANKS);
      }
    }
  }
  return edges.all();
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
