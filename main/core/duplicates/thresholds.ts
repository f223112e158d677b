// Where "duplicate" ends. Numbers here are measured or sourced; see README "Duplicates".

/**
 * Near copies (main/core/media/near-hash.ts, main/core/duplicates/near.ts): differing bits of
 * the 64-bit DCT sign hashes, full picture against full picture (any quarter turn). Calibrated
 * with `npm run bench:duplicates` on the calibration set only (the vendored camera photos);
 * the held-out set (Debian's wallpapers) is measured, never tuned on. See bench-results/duplicates.md.
 */
export const NEAR_MAX_DISTANCE = 8;

/** A crop window of one picture against the full hash of the other (a crop of up to 10 % per side). */
export const NEAR_WINDOW_MAX_DISTANCE = 6;

/**
 * A hash candidate is a near copy only if aligning the two pictures (their 48 × 48 grids,
 * main/core/duplicates/verify.ts: scale per axis, shift, turn, and a brightness curve) finds
 * them turned by at most this many degrees beyond quarter turns: copies and crops are not
 * turned, burst frames are (the bench's by 0.8°). Chosen on the calibration set only
 * (bench:duplicates; copies measure ≤ 0.2° but for smooth or clipped pictures, bursts 0.5–1.2°).
 */
export const NEAR_MAX_TURN_DEGREES = 0.3;

/**
 * ...and only when the turn is this many of the fit's standard errors away from none. On the
 * calibration set, copies whose turn read above 0.3° (a blurry night shot brightened into
 * clipping, a road in motion blur) were at z ≤ 14.5, burst frames at z ≥ 18; see
 * bench-results/duplicates.md.
 */
export const NEAR_TURN_MIN_Z = 16;

/**
 * Old rows (indexed before the near hashes existed) pair by their pHash.org-style pHash until
 * the backfill re-hashes them: the previous calibrated cut-off (resizes, re-encodes, PNG/WebP,
 * brightness at 0–6 bits; the closest different pair of the old bench at 16).
 */
export const LEGACY_NEAR_MAX_DISTANCE = 10;

/** No group larger than this: a real set of copies or a burst is small; a giant group is a bug. */
export const MAX_GROUP_SIZE = 30;

/** Neighbours asked of the vector index per photo when looking for similar shots. */
export const SIMILAR_KNN = 24;

/**
 * Similar shots (bursts, same scene): image-embedding cosine at or above this, per model,
 * because each model spreads its cosines differently. Not measured here (no real weights can be
 * downloaded on our machines): CLIP-family values follow Lap's similar-photo presets for
 * ViT-B/32 (0.97 / 0.93 / 0.90 / 0.85, default 0.93; julyx10/lap src-tauri/src/t_similar.rs).
 * Users can pass their own `minSimilarity`.
 */
export const DEFAULT_SIMILAR_MIN_COSINE = 0.93;

/** A package may carry its own threshold (manifest `duplicates.minSimilarity`). */
export function similarThreshold(manifest: { duplicates?: { minSimilarity: number } }): number {
  return manifest.duplicates?.minSimilarity ?? DEFAULT_SIMILAR_MIN_COSINE;
}

/** Pairs are stored down to this much below the model's threshold, so a looser request still works. */
export const SIMILAR_STORE_MARGIN = 0.05;
