// Reading stored image vectors back by content hash. Tagging scores them against tag texts and
// the similar-shot scan uses each as a KNN query; both need the vectors themselves, which the
// store's KNN does not return.
import type { Db } from '../store/index.js';
import { vectorFromBlob as toVector, vectorTable as table } from '../store/vectors.js';

/** Vectors of the given contents (those that have one for the model). */
export function vectorsOf(db: Db, modelId: number, shas: readonly string[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const stmt = db.prepare(
    `SELECT e.sha256 AS sha256, v.embedding AS embedding
       FROM embeddings e JOIN ${table(modelId)} v ON v.rowid = e.id
      WHERE e.model_id = ? AND e.sha256 = ?`,
  );
  for (const sha of shas) {
    const row = stmt.get(modelId, sha) as { sha256: string; embedding: Buffer } | undefined;
    if (row) out.set(row.sha256, toVector(row.embedding));
  }
  return out;
}
