// The image view: the query embedded by the model's text tower, nearest image vectors from the
// library's in-memory quantised index (main/core/knn/), cut at the model's calibrated relevance
// threshold. Filters are a bitmap of allowed vectors applied inside the scan, so a filtered
// search costs what an unfiltered one does and never loses relevant photos below a first page.
import type { LoadedModel } from '../../embed/loaded.js';
import type { Store } from '../../store/index.js';
import { libraryIndexes } from '../../knn/registry.js';
import { statement } from '../statements.js';
import { photosOfContents, type SearchView, type ViewHit, type ViewQuery } from './types.js';

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
    const indexes = libraryIndexes(this.store.db);
    indexes.warmFacets(this.model.modelId);
    if (q.filter.active) await indexes.prepareFacets(this.model.modelId);
    const index = indexes.vectorIndex(this.model.modelId, vector.length);
    let allowed: Uint8Array | null = null;
    if (q.filter.active) {
      const a = indexes.allowed(index, q.filter.filters);
      if (a.count === 0) return [];
      allowed = a.bitmap;
    }
    // Exact copies share one vector, so ask for more neighbours than hits.
    const hits = index.search(vector, q.depth * 2, { allowed }).filter((h) => h.score >= minScore);
    if (!hits.length) return [];
    const shaOf = new Map(
      (
        statement(this.store.db, 'SELECT id, sha256 FROM embeddings WHERE id IN (SELECT value FROM json_each(?)) AND orphaned_at IS NULL')
          .raw()
          .all(JSON.stringify(hits.map((h) => h.eid))) as [number, string][]
      ).map(([id, sha]) => [id, sha]),
    );
    const ranked = hits.flatMap((h) => {
      const sha = shaOf.get(h.eid);
      return sha ? [{ sha256: sha, score: h.score }] : [];
    });
    // The filter's SQL has the last word on every photo shown (the bitmap may be a moment stale).
    return photosOfContents(this.store.db, ranked, q.filter, q.depth);
  }
}
