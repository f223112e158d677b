// Similar shots need each photo's nearest neighbours in embedding space. They are found once
// per content, after indexing, from the library's in-memory image index, and the pairs above
// the model's floor are kept in `similar_pairs`. Grouping then only reads that table.
import type { EmbeddingModel } from '../embed/encoder.js';
import type { LoadedModel } from '../embed/loaded.js';
import type { Store } from '../store/index.js';
import { SIMILAR_KNN, SIMILAR_STORE_MARGIN, similarThreshold } from './thresholds.js';
import { libraryIndexes } from '../knn/registry.js';
import type { IndexHit } from '../knn/vector-index.js';
import { allNeighbours } from '../knn/batch.js';

/** Duplicates read only the manifest (thresholds) and the stored vectors. */
export type ManifestModel = LoadedModel<Pick<EmbeddingModel, 'manifest'>>;

export interface SimilarPair {
  shaA: string;
  shaB: string;
  score: number;
}

/** Score below which pairs are not stored for this model. */
export function similarFloor(manifest: ManifestModel['model']['manifest']): number {
  return similarThreshold(manifest) - SIMILAR_STORE_MARGIN;
}

/** Up to this many contents to scan, one index search each; more: the batched scan of all. */
const PER_CONTENT_MAX = 2000;

/**
 * Finds and stores the neighbours of every content not scanned yet for this model, from the
 * library's in-memory image index (main/core/knn): a few new photos get one index search each, a
 * library seen for the first time the batched neighbour scan (minutes at 100k, not hours).
 * Returns the number of contents scanned. `shouldStop` lets a closing library end it between
 * batches (what was written stays; the rest is scanned next time).
 */
export async function scanSimilar(
  store: Store,
  m: ManifestModel,
  opts: { batch?: number; shouldStop?: () => boolean } = {},
): Promise<number> {
  const floor = similarFloor(m.model.manifest);
  const pending = new Map(unscannedRows(store, m).map((r) => [r.id, r.sha256]));
  if (!pending.size) return 0;
  const dim = (store.db.prepare('SELECT dim FROM models WHERE id = ?').pluck().get(m.modelId) as number | undefined) ?? 0;
  const index = libraryIndexes(store.db).vectorIndex(m.modelId, dim);
  // A pair is met from both of its sides (same vectors, same score): the second is skipped.
  const insertPair = store.db.prepare(
    'INSERT OR IGNORE INTO similar_pairs (model_id, sha_a, sha_b, score) VALUES (?, ?, ?, ?)',
  );
  const markScanned = store.db.prepare(
    'INSERT OR REPLACE INTO similar_scanned (model_id, sha256, floor) VALUES (?, ?, ?)',
  );
  const shaOf = store.db.prepare('SELECT sha256 FROM embeddings WHERE id = ? AND orphaned_at IS NULL').pluck();
  let found: { eid: number; hits: IndexHit[] }[] = [];
  let scanned = 0;
  const flush = () => {
    store.tx(() => {
      for (const { eid, hits } of found) {
        const sha = pending.get(eid)!;
        for (const h of hits) {
          const other = pending.get(h.eid) ?? (shaOf.get(h.eid) as string | undefined);
          if (!other || other === sha) continue;
          const [a, b] = sha < other ? [sha, other] : [other, sha];
          insertPair.run(m.modelId, a, b, h.score);
        }
        markScanned.run(m.modelId, sha, floor);
      }
    });
    scanned += found.length;
    found = [];
  };
  const stopped = () => !!opts.shouldStop?.();
  if (pending.size <= PER_CONTENT_MAX) {
    let lastYield = performance.now();
    for (const eid of pending.keys()) {
      if (stopped()) break;
      const vector = index.vectorOf(eid);
      if (!vector) continue;
      found.push({ eid, hits: index.search(vector, SIMILAR_KNN + 1).filter((h) => h.eid !== eid && h.score >= floor) });
      if (found.length >= (opts.batch ?? 64)) flush();
      if (performance.now() - lastYield > 40) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    flush();
    return scanned;
  }
  const Stop = Symbol('stop');
  try {
    await allNeighbours(index.codesView(), SIMILAR_KNN, floor, (eid, hits) => found.push({ eid, hits }), {
      only: (eid) => pending.has(eid),
      onBatch: async () => {
        if (found.length >= (opts.batch ?? 512)) flush();
        if (stopped()) throw Stop;
        // Let the event loop answer API calls in between.
        await new Promise<void>((r) => setImmediate(r));
      },
    });
  } catch (e) {
    if (e !== Stop) throw e;
  }
  flush();
  return scanned;
}

/**
 * `+p.status` keeps SQLite on the sha256 index: given the choice it probed photos by status (the
 * facets' photos_lens index), a scan of every photo per embedding — quadratic, hours at 100k.
 */
function unscannedRows(store: Store, m: ManifestModel): { id: number; sha256: string }[] {
  return store.db
    .prepare(
      `SELECT e.id AS id, e.sha256 AS sha256 FROM embeddings e
        WHERE e.model_id = ? AND e.orphaned_at IS NULL
          AND EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = e.sha256 AND +p.status = 'indexed')
          AND NOT EXISTS (SELECT 1 FROM similar_scanned s
                           WHERE s.model_id = e.model_id AND s.sha256 = e.sha256 AND s.floor <= ?)`,
    )
    .all(m.modelId, similarFloor(m.model.manifest)) as { id: number; sha256: string }[];
}

/** Contents with a vector for the model whose neighbours have not been looked for yet. */
export function unscanned(store: Store, m: ManifestModel): string[] {
  return unscannedRows(store, m).map((r) => r.sha256);
}

/** Stored pairs at or above `minScore` for the model. */
export function similarPairs(store: Store, modelId: number, minScore: number): SimilarPair[] {
  return (
    store.db
      .prepare('SELECT sha_a, sha_b, score FROM similar_pairs WHERE model_id = ? AND score >= ?')
      .all(modelId, minScore) as { sha_a: string; sha_b: string; score: number }[]
  ).map((r) => ({ shaA: r.sha_a, shaB: r.sha_b, score: r.score }));
}
