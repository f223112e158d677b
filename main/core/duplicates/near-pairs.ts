// Near-copy pairs kept between reviews. Finding every pair of a library is quadratic in its
// crop windows (minutes at a million photos, near.ts), so each content is paired once: the
// contents not yet paired ask, in one batch, against every content hashed so far (near.ts
// hashEdges with `asking`), and the pairs go into near_pairs (store/near-pairs.ts). A library
// seen for the first time pays the whole search once; after that, a review pays for the
// photos added since. Triggers drop a content's pairs when its hashes change, so nothing
// here has to be told. Only the default thresholds are kept: other ones (the API's
// maxDistance) search afresh (find.ts).
import { lockedOut, type Db } from '../store/db.js';
import { NEAR_HASH_VERSION, nearFullWords, nearWindowRuns } from '../store/near-hashes.js';
import { pairedContents, putNearPairs, storedNearPairs, type StoredNearPair } from '../store/near-pairs.js';
import { hashEdges, type NearThresholds } from './near.js';
import { LEGACY_NEAR_MAX_DISTANCE, NEAR_MAX_DISTANCE, NEAR_WINDOW_MAX_DISTANCE } from './thresholds.js';

export const KEPT_THRESHOLDS: NearThresholds = {
  full: NEAR_MAX_DISTANCE,
  window: NEAR_WINDOW_MAX_DISTANCE,
  legacy: LEGACY_NEAR_MAX_DISTANCE,
};

/** What the kept pairs were found with: pairs of anything else are found again. */
const SIGNATURE = `hashes v${NEAR_HASH_VERSION}; full ${KEPT_THRESHOLDS.full}; window ${KEPT_THRESHOLDS.window}`;

export interface NearPairsRun {
  /** Every pair among contents with current hashes (indexed or not: the caller picks). */
  pairs: StoredNearPair[];
  /** Contents paired in this run (asked against all the others). */
  paired: number;
  /** Every content with current hashes, in sha256 order. */
  hashed: string[];
}

/**
 * The kept pairs, after pairing the contents not yet paired. `db` reads; `writer` (the same
 * connection when it can write) keeps what this run found. Without a writer (a read-only
 * connection) the new pairs are found all the same, only not kept.
 */
export function nearPairs(db: Db, writer: Db | null): NearPairsRun {
  let done: Set<string>;
  try {
    done = pairedContents(writer ?? db, SIGNATURE);
  } catch (e) {
    // Pairs of other thresholds could not be cleared: none is used, all are searched for.
    if (!lockedOut(e)) throw e;
    done = new Set();
    writer = null;
  }
  // Every content with current hashes, in sha256 order: index order is then sha order, so an
  // edge (a < b) is already the stored pair (sha_a < sha_b) with its turns and window as found.
  const shas = db.prepare('SELECT sha256 FROM near_hashes WHERE version = ? ORDER BY sha256').pluck().all(NEAR_HASH_VERSION) as string[];
  const asking = new Uint8Array(shas.length);
  const askingShas: string[] = [];
  for (let i = 0; i < shas.length; i++) {
    if (done.has(shas[i])) continue;
    asking[i] = 1;
    askingShas.push(shas[i]);
  }
  const stored = done.size ? storedNearPairs(db) : [];
  if (!askingShas.length) return { pairs: stored, paired: 0, hashed: shas };

  const index = new Map(shas.map((s, i) => [s, i]));
  const { full, hasFull } = nearFullWords(db, index, shas.length);
  const edges = hashEdges(
    { count: shas.length, full, hasFull, windowRuns: () => nearWindowRuns(db, index, hasFull), legacy: [] },
    KEPT_THRESHOLDS,
    asking,
  );
  const found: StoredNearPair[] = edges.map((e) => ({
    shaA: shas[e.a],
    shaB: shas[e.b],
    distance: e.distance,
    turns: e.turns,
    cropped: e.cropped,
    window: e.window ?? null,
  }));
  if (writer) {
    const hex = (w: number) => w.toString(16).padStart(8, '0');
    try {
      putNearPairs(writer, found, askingShas, (sha) => {
        const i = index.get(sha)!;
        return hex(full[2 * i]) + hex(full[2 * i + 1]);
      });
    } catch (e) {
      // Another writer held the library past the busy timeout: these pairs serve this review
      // and are searched for again next time.
      if (!lockedOut(e)) throw e;
    }
  }
  return { pairs: [...stored, ...found], paired: askingShas.length, hashed: shas };
}
