// Similar shots need each photo's nearest neighbours in embedding space. A KNN over the whole
// library costs O(library) with sqlite-vec's exact search, so it runs once per content, right
// after indexing (where its cost sits next to the embedding itself), and the pairs above the
// model's floor are kept in `similar_pairs`. Grouping then only reads that table.
import type { EmbeddingModel } from '../embed/encoder.js';
import type { LoadedModel } from '../embed/loaded.js';
import type { Store } from '../store/index.js';
import { vectorsOf } from '../store/vectors.js';
import { SIMILAR_KNN, SIMILAR_STORE_MARGIN, similarThreshold } from './thresholds.js';

/** Duplicates read only the manifest (thresholds) and the stored vectors. */
export type ManifestModel = LoadedModel<Pick<EmbeddingModel, 'manifest'>>;

export interface SimilarPair {
  shaA: string;
  shaB: string;
  score: number;
}

/** Score below which pairs are not stored for this model. */
export function similarFloor(modelKey: string): number {
  return similarThreshold(modelKey) - SIMILAR_STORE_MARGIN;
}

/**
 * Finds and stores the neighbours of every content not scanned yet for this model. Returns the
 * number of contents scanned. `shouldStop` lets a closing library end it between batches.
 */
export async function scanSimilar(
  store: Store,
  m: ManifestModel,
  opts: { batch?: number; shouldStop?: () => boolean } = {},
): Promise<number> {
  const floor = similarFloor(m.model.manifest.id);
  const pending = unscanned(store, m);
  const insertPair = store.db.prepare(
    'INSERT OR REPLACE INTO similar_pairs (model_id, sha_a, sha_b, score) VALUES (?, ?, ?, ?)',
  );
  const markScanned = store.db.prepare(
    'INSERT OR REPLACE INTO similar_scanned (model_id, sha256, floor) VALUES (?, ?, ?)',
  );
  const batch = opts.batch ?? 64;
  let scanned = 0;
  let lastYield = performance.now();
  for (let i = 0; i < pending.length; i += batch) {
    if (opts.shouldStop?.()) break;
    const shas = pending.slice(i, i + batch);
    const vectors = vectorsOf(store.db, m.modelId, shas);
    const found: SimilarPair[] = [];
    for (const [sha, vector] of vectors) {
      for (const n of store.vectors.knn(m.modelId, vector, SIMILAR_KNN + 1)) {
        if (n.sha256 === sha || n.score < floor) continue;
        found.push(sha < n.sha256 ? { shaA: sha, shaB: n.sha256, score: n.score } : { shaA: n.sha256, shaB: sha, score: n.score });
      }
      // One KNN takes ~55 ms at 100k photos: let the event loop answer API calls in between.
      if (performance.now() - lastYield > 40) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    store.tx(() => {
      for (const p of found) insertPair.run(m.modelId, p.shaA, p.shaB, p.score);
      for (const sha of shas) markScanned.run(m.modelId, sha, floor);
    });
    scanned += shas.length;
  }
  return scanned;
}

/** Contents with a vector for the model whose neighbours have not been looked for yet. */
export function unscanned(store: Store, m: ManifestModel): string[] {
  return (
    store.db
      .prepare(
        `SELECT e.sha256 AS sha256 FROM embeddings e
          WHERE e.model_id = ? AND e.orphaned_at IS NULL
            AND EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = e.sha256 AND p.status = 'indexed')
            AND NOT EXISTS (SELECT 1 FROM similar_scanned s
                             WHERE s.model_id = e.model_id AND s.sha256 = e.sha256 AND s.floor <= ?)`,
      )
      .all(m.modelId, similarFloor(m.model.manifest.id)) as { sha256: string }[]
  ).map((r) => r.sha256);
}

/** Stored pairs at or above `minScore` for the model. */
export function similarPairs(store: Store, modelId: number, minScore: number): SimilarPair[] {
  return (
    store.db
      .prepare('SELECT sha_a, sha_b, score FROM similar_pairs WHERE model_id = ? AND score >= ?')
      .all(modelId, minScore) as { sha_a: string; sha_b: string; score: number }[]
  ).map((r) => ({ shaA: r.sha_a, shaB: r.sha_b, score: r.score }));
}
