// Where "duplicate" ends. Numbers here are measured or sourced; see README "Duplicates".

/**
 * Near-duplicates: pHash (64-bit DCT, after EXIF orientation) Hamming distance at or below this.
 * Calibrated with `npm run bench:duplicates` on the shared exif-samples camera photos: resizes,
 * JPEG q40, PNG/WebP re-saves, +10% brightness and EXIF rotations land at 0–6 bits from their
 * original, 5% crops at 2–10 (2–12 over all 45 samples: 2 of 45 crops are at 12), while the
 * closest pair of different photos is 16 bits apart and the next ones 22. 10 finds every copy
 * in the bench set and keeps a 6-bit margin to the closest different pair; a large library has
 * many more look-alike pairs, and users complain far more about false groups than about a
 * missed crop, so the margin wins over the last crops.
 */
export const NEAR_MAX_DISTANCE = 10;

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
