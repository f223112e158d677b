// Near-copy pairs kept between reviews. Finding every pair of a library is quadratic in its
// crop windows (minutes at a million photos, near.ts), so each content is paired once: the
// contents not yet paired ask, in one batch, against every content hashed so far (near.ts
// hashEdges with `asking`), and the pairs go into near_pairs (store/near-pairs.ts). A library
// seen for the first time pays the whole search once; after that, a review pays for the
// photos added since. That first search takes minutes at a million photos, so the review can
// ask for it in steps (`firstStep`) when more than PAIR_AT_ONCE_MAX contents wait: each step
// pairs at most as many new contents as are paired already (50,000 at first) against those,
// keeps them, and the review shows what is paired so far while the next step runs; a kill
// loses at most the step under way. Triggers drop a content's pairs when its hashes change,
// so nothing here has to be told. Only the default thresholds are kept: other ones (the API's
// maxDistance) search afresh (find.ts).
import { lockedOut, type Db } from '../store/db.js';
import { NEAR_HASH_VERSION, nearFullWords, nearWindowRuns } from '../store/near-hashes.js';
import { hashedContents, keptPairsHold, putNearPairs, storedNearPairs, type StoredNearPair } from '../store/near-pairs.js';
import { hashEdges, type NearThresholds } from './near.js';
import { LEGACY_NEAR_MAX_DISTANCE, NEAR_MAX_DISTANCE, NEAR_WINDOW_MAX_DISTANCE } from './thresholds.js';

export const KEPT_THRESHOLDS: NearThresholds = {
  full: NEAR_MAX_DISTANCE,
  window: NEAR_WINDOW_MAX_DISTANCE,
  legacy: LEGACY_NEAR_MAX_DISTANCE,
};

/**
 * The first step's size. Steps then double (a step pairs as many contents as are paired
 * already): the first answer in seconds instead of minutes, for more work in all — each step
 * asks both ways and reads every window of the contents paired so far.
 */
export const FIRST_PAIRING_STEP = 50_000;
/**
 * Up to this many contents waiting, they are paired in one go even when steps are asked for:
 * at 100k (bench:scale) two steps gave the first answer at 12.0 s and the last at 32.8 s,
 * where one go takes 14.5 s.
 */
export const PAIR_AT_ONCE_MAX = 150_000;

/** What the kept pairs were found with: pairs of anything else are found again. */
const SIGNATURE = `hashes v${NEAR_HASH_VERSION}; full ${KEPT_THRESHOLDS.full}; window ${KEPT_THRESHOLDS.window}`;

export interface NearPairsRun {
  /** Every pair among contents with current hashes (indexed or not: the caller picks). */
  pairs: StoredNearPair[];
  /** Contents paired in this run (asked against all the others). */
  paired: number;
  /** Every content with current hashes, in sha256 order. */
  hashed: string[];
  /** Contents with current hashes still not paired after this run (only when it ran in steps). */
  unpaired: number;
}

/** How a first review pairs in steps (see the header). */
export interface PairingSteps {
  /**
   * Pair in steps when more than `atOnceMax` contents wait: at most max(firstStep, contents
   * paired already) new contents this run (see the header; FIRST_PAIRING_STEP in the app).
   * Absent: every new content at once.
   */
  firstStep?: number;
  /** PAIR_AT_ONCE_MAX unless given (tests lower it). */
  atOnceMax?: number;
}

/**
 * The kept pairs, after pairing the contents not yet paired. `db` reads; `writer` (the same
 * connection when it can write) keeps what this run found. Without a writer (a read-only
 * connection) the new pairs are found all the same, only not kept, and all at once (a step
 * that is not kept would never be followed by the next).
 */
export function nearPairs(db: Db, writer: Db | null, opts: PairingSteps = {}): NearPairsRun {
  let holds: boolean;
  try {
    holds = keptPairsHold(writer ?? db, SIGNATURE);
  } catch (e) {
    // Pairs of other thresholds could not be cleared: none is used, all are searched for.
    if (!lockedOut(e)) throw e;
    holds = false;
    writer = null;
  }
  // Every content with current hashes, in sha256 order: index order is then sha order, so an
  // edge (a < b) is already the stored pair (sha_a < sha_b) with its turns and window as found.
  const hashed = hashedContents(db, NEAR_HASH_VERSION);
  const shas = hashed.shas;
  const done = holds ? hashed.paired : new Uint8Array(shas.length);
  const doneCount = holds ? hashed.pairedCount : 0;
  const pending = shas.length - doneCount;
  const inSteps = writer && opts.firstStep && pending > (opts.atOnceMax ?? PAIR_AT_ONCE_MAX);
  const step = inSteps ? Math.max(opts.firstStep!, doneCount) : Infinity;
  // This run's contents: those paired already and the new ones that ask (in sha order, so the
  // first step's are a random sample of the library).
  const among: string[] = [];
  const askingShas: string[] = [];
  /** Positions in `among` of the askers (no map of a million keys: ~1 s at a million). */
  const askingAt: number[] = [];
  let waiting = 0;
  for (let k = 0; k < shas.length; k++) {
    const sha = shas[k];
    if (done[k]) among.push(sha);
    else if (askingShas.length < step) {
      askingShas.push(sha);
      askingAt.push(among.length);
      among.push(sha);
    } else waiting++;
  }
  const stored = doneCount ? storedNearPairs(db) : [];
  if (!askingShas.length) return { pairs: stored, paired: 0, hashed: shas, unpaired: 0 };

  const asking = new Uint8Array(among.length);
  for (const i of askingAt) asking[i] = 1;
  const { full, hasFull } = nearFullWords(db, among);
  const edges = hashEdges(
    { count: among.length, full, hasFull, windowRuns: () => nearWindowRuns(db, among, hasFull), legacy: [] },
    KEPT_THRESHOLDS,
    asking,
  );
  const found: StoredNearPair[] = edges.map((e) => ({
    shaA: among[e.a],
    shaB: among[e.b],
    distance: e.distance,
    turns: e.turns,
    cropped: e.cropped,
    window: e.window ?? null,
  }));
  if (writer) {
    const hex = (w: number) => w.toString(16).padStart(8, '0');
    // The full hash each content was paired with, for the askers and the contents of a pair.
    const usedFull = new Map<string, string>();
    for (const i of [...askingAt, ...edges.flatMap((e) => [e.a, e.b])]) usedFull.set(among[i], hex(full[2 * i]) + hex(full[2 * i + 1]));
    try {
      putNearPairs(writer, found, askingShas, (sha) => usedFull.get(sha)!);
    } catch (e) {
      // Another writer held the library past the busy timeout: these pairs serve this review
      // and are searched for again next time.
      if (!lockedOut(e)) throw e;
    }
  }
  return { pairs: [...stored, ...found], paired: askingShas.length, hashed: shas, unpaired: waiting };
}
