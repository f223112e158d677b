// Which vector row (embeddings.id of one model) holds the content of each row of another table
// keyed by content hash (photos, ocr_texts), for a whole table at once: two scans in hash order,
// each of a covering index, merged. A join probing the embeddings index once per row took
// 10.5 s at a million photos (bench:scale's library), the merged scans ~3 s.
import type { Db } from '../store/index.js';

/**
 * `rows`: SQL yielding (sha256, id) of the table's rows in sha256 order; ids above `maxId` (rows written since it was read) are left out.
 * Returns id → embeddings.id, 0 for a row whose content has no vector for the model.
 */
export function vectorRowsByContent(db: Db, modelId: number, rows: string, maxId: number, ...params: unknown[]): Int32Array<ArrayBuffer> {
  const out = new Int32Array(maxId + 1);
  const left = db.prepare(rows).raw().iterate(...params) as Iterator<[string, number]>;
  const vectors = db.prepare('SELECT sha256, id FROM embeddings WHERE model_id = ? ORDER BY sha256').raw().iterate(modelId) as Iterator<[string, number]>;
  // Hashes are lower-case hex: SQLite's binary order and JavaScript's string order agree.
  let v = vectors.next();
  for (let r = left.next(); !r.done; r = left.next()) {
    const [sha, id] = r.value;
    while (!v.done && v.value[0] < sha) v = vectors.next();
    if (v.done) {
      left.return?.();
      break;
    }
    if (v.value[0] === sha && id <= maxId) out[id] = v.value[1];
  }
  vectors.return?.();
  return out;
}
