// Image vectors in sqlite-vec. One vec0 table per model (a vec0 column has a fixed
// dimension, and keeping each model's vectors apart lets the old model stay searchable
// while a new one re-embeds the library). The vec0 rowid is the embeddings row id.
import type { Db } from './db.js';

export interface Neighbour {
  sha256: string;
  /** Cosine similarity, 1 = same direction. */
  score: number;
}

export class VectorRepo {
  constructor(private db: Db) {}

  /** Registers a model (by manifest id) and creates its vector table; returns its row id. */
  ensureModel(key: string, dim: number): number {
    const existing = this.db.prepare('SELECT id, dim FROM models WHERE key = ?').get(key) as
      | { id: number; dim: number }
      | undefined;
    if (existing) {
      if (existing.dim !== dim) {
        throw new Error(`Model "${key}" was indexed with ${existing.dim}-d vectors but now reports ${dim}-d.`);
      }
      return existing.id;
    }
    return this.db.transaction(() => {
      const id = Number(this.db.prepare('INSERT INTO models (key, dim) VALUES (?, ?)').run(key, dim).lastInsertRowid);
      this.db.exec(
        `CREATE VIRTUAL TABLE ${table(id)} USING vec0(embedding float[${dim}] distance_metric=cosine)`,
      );
      return id;
    })();
  }

  /**
   * A library from before model identities keyed vectors by manifest id alone: those vectors were
   * made by the package installed then, so the first open under identities takes them over.
   */
  adoptLegacyKey(id: string, key: string): void {
    this.db
      .prepare('UPDATE models SET key = ? WHERE key = ? AND NOT EXISTS (SELECT 1 FROM models WHERE key = ?)')
      .run(key, id, key);
  }

  /** Every model that has (or had) vectors here. */
  allModels(): { id: number; key: string; dim: number }[] {
    return this.db.prepare('SELECT id, key, dim FROM models ORDER BY id').all() as { id: number; key: string; dim: number }[];
  }

  modelId(key: string): number | undefined {
    return (this.db.prepare('SELECT id FROM models WHERE key = ?').get(key) as { id: number } | undefined)?.id;
  }

  has(modelId: number, sha: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM embeddings WHERE model_id = ? AND sha256 = ?').get(modelId, sha);
  }

  /** Takes a content's vector back into use (a move or copy of a known photo). */
  adopt(sha: string): void {
    // Every model's vector of this content, not just the current one: during a model switch
    // the previous model still answers searches.
    this.db.prepare('UPDATE embeddings SET orphaned_at = NULL WHERE sha256 = ?').run(sha);
  }

  /** Stores a vector; call inside the transaction that writes the photo row. */
  put(modelId: number, sha: string, vector: Float32Array): void {
    const existing = this.db
      .prepare('SELECT id FROM embeddings WHERE model_id = ? AND sha256 = ?')
      .get(modelId, sha) as { id: number } | undefined;
    if (existing) {
      this.adopt(sha);
      return;
    }
    const id = this.db.prepare('INSERT INTO embeddings (model_id, sha256) VALUES (?, ?)').run(modelId, sha).lastInsertRowid;
    // sqlite-vec needs an INTEGER rowid: better-sqlite3 binds BigInt as INTEGER.
    this.db
      .prepare(`INSERT INTO ${table(modelId)} (rowid, embedding) VALUES (?, ?)`)
      .run(BigInt(id), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
  }

  /** The k nearest contents to `query`, best first. Orphaned vectors are skipped. */
  knn(modelId: number, query: Float32Array, k: number): Neighbour[] {
    const rows = this.db
      .prepare(
        `SELECT e.sha256 AS sha256, v.distance AS distance
           FROM (SELECT rowid, distance FROM ${table(modelId)} WHERE embedding MATCH ? AND k = ?) v
           JOIN embeddings e ON e.id = v.rowid
          WHERE e.orphaned_at IS NULL
          ORDER BY v.distance`,
      )
      .all(Buffer.from(query.buffer, query.byteOffset, query.byteLength), k) as { sha256: string; distance: number }[];
    return rows.map((r) => ({ sha256: r.sha256, score: 1 - r.distance }));
  }

  /** Number of distinct indexed contents that have a vector for this model. */
  coverage(modelId: number): { embedded: number; contents: number } {
    return this.db
      .prepare(
        `SELECT
           (SELECT COUNT(DISTINCT p.sha256) FROM photos p JOIN embeddings e ON e.sha256 = p.sha256 AND e.model_id = ?
             WHERE p.status = 'indexed') AS embedded,
           (SELECT COUNT(DISTINCT sha256) FROM photos WHERE status = 'indexed' AND sha256 IS NOT NULL) AS contents`,
      )
      .get(modelId) as { embedded: number; contents: number };
  }

  /** Marks every vector whose content no photo has any more (after bulk removals). */
  markOrphans(): void {
    this.db
      .prepare(
        `UPDATE embeddings SET orphaned_at = ?
          WHERE orphaned_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = embeddings.sha256)`,
      )
      .run(Date.now());
  }

  /** Deletes vectors orphaned longer than `graceMs` ago. */
  purgeOrphans(graceMs: number): number {
    const cutoff = Date.now() - graceMs;
    const rows = this.db
      .prepare('SELECT id, model_id FROM embeddings WHERE orphaned_at IS NOT NULL AND orphaned_at <= ?')
      .all(cutoff) as { id: number; model_id: number }[];
    this.db.transaction(() => {
      for (const r of rows) {
        this.db.prepare(`DELETE FROM ${table(r.model_id)} WHERE rowid = ?`).run(BigInt(r.id));
        this.db.prepare('DELETE FROM embeddings WHERE id = ?').run(r.id);
      }
    })();
    return rows.length;
  }
}

/** The vec0 table holding a model's image vectors (one place, so every reader agrees). */
export function vectorTable(modelId: number): string {
  // modelId is an integer row id from our own table, never user text.
  return `vec_image_${Math.trunc(modelId)}`;
}

const table = vectorTable;

/** A float32 vector from a SQLite blob (copied: a Buffer slice may start at an odd offset). */
export function vectorFromBlob(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** Vectors of the given contents (those that have one for the model), read back by hash. */
export function vectorsOf(db: Db, modelId: number, shas: readonly string[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const stmt = db.prepare(
    `SELECT e.sha256 AS sha256, v.embedding AS embedding
       FROM embeddings e JOIN ${table(modelId)} v ON v.rowid = e.id
      WHERE e.model_id = ? AND e.sha256 = ?`,
  );
  for (const sha of shas) {
    const row = stmt.get(modelId, sha) as { sha256: string; embedding: Buffer } | undefined;
    if (row) out.set(row.sha256, vectorFromBlob(row.embedding));
  }
  return out;
}
