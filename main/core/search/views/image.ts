// The image view: the query embedded by the model's text tower, nearest image vectors in
// sqlite-vec, cut at the model's calibrated relevance threshold.
import type { LoadedModel } from '../../embed/loaded.js';
import type { Store } from '../../store/index.js';
import { vectorTable } from '../../store/vectors.js';
import { photosOfContents, type SearchView, type ViewHit, type ViewQuery } from './types.js';

/** sqlite-vec's KNN takes k <= 4096. */
const MAX_K = 4096;
/**
 * Up to this many photos pass the filters → score exactly those. sqlite-vec has no filtered
 * KNN on our table, and fetching a vector by rowid costs ~60 µs (measured, 512-d), so this
 * many cost about as much as one brute-force KNN over 100k.
 */
const EXACT_MAX = 1500;

export class ImageView implements SearchView {
  readonly name = 'image' as const;

  constructor(
    private store: Store,
    private model: LoadedModel,
  ) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const vector = await q.embedding();
    if (!vector) return [];
    const minScore = q.minScore ?? this.model.model.manifest.search.minScore;
    // Exact copies share one vector, so ask for more neighbours than hits.
    const wanted = Math.max(q.depth * 2, 256);
    let passing = 0;
    if (q.filter.active) {
      passing = this.photosPassing(q);
      if (passing === 0) return [];
      if (passing <= EXACT_MAX) {
        return photosOfContents(this.store.db, this.nearestWithin(vector, q, minScore), q.filter, q.depth);
      }
    }
    const k = Math.min(wanted, MAX_K);
    const all = this.store.vectors.knn(this.model.modelId, vector, k);
    const hits = photosOfContents(this.store.db, all.filter((n) => n.score >= minScore), q.filter, q.depth);
    // A broad filter kept too few of the nearest, and relevant photos may lie further out (the
    // k-th neighbour still passes the cut-off): widen the KNN by the filter's selectivity.
    // KNN time grows with k (~3× from 256 to 4096 at 100k), so only when it can matter.
    const lastRelevant = all.length === k && all[k - 1].score >= minScore;
    if (!q.filter.active || hits.length >= q.depth || !lastRelevant) return hits;
    const total =
      (this.store.db
        .prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ? AND orphaned_at IS NULL')
        .get(this.model.modelId) as { n: number }).n || passing;
    const wider = Math.min(MAX_K, Math.ceil((wanted * total) / passing));
    if (wider <= k) return hits;
    const more = this.store.vectors.knn(this.model.modelId, vector, wider).filter((n) => n.score >= minScore);
    return photosOfContents(this.store.db, more, q.filter, q.depth);
  }

  private photosPassing(q: ViewQuery): number {
    return (
      // Photos, not distinct contents: copies are few, and this only picks a strategy.
      this.store.db.prepare(`SELECT COUNT(*) AS n FROM photos p WHERE ${q.filter.sql}`).get(...q.filter.params) as {
        n: number;
      }
    ).n;
  }

  private nearestWithin(vector: Float32Array, q: ViewQuery, minScore: number): { sha256: string; score: number }[] {
    const table = vectorTable(this.model.modelId);
    const rows = this.store.db
      .prepare(
        `SELECT e.sha256 AS sha256, vec_distance_cosine(v.embedding, ?) AS distance
           FROM ${table} v JOIN embeddings e ON e.id = v.rowid
          WHERE v.rowid IN (
                  SELECT e2.id FROM embeddings e2
                   WHERE e2.model_id = ? AND e2.orphaned_at IS NULL
                     AND e2.sha256 IN (SELECT p.sha256 FROM photos p WHERE ${q.filter.sql}))
          ORDER BY distance LIMIT ?`,
      )
      .all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), this.model.modelId, ...q.filter.params, q.depth * 2) as {
      sha256: string;
      distance: number;
    }[];
    return rows.map((r) => ({ sha256: r.sha256, score: 1 - r.distance })).filter((n) => n.score >= minScore);
  }
}
