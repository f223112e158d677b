// Text → image search: embed the query with the model's text tower, find the nearest
// image vectors in sqlite-vec, cut at the model's calibrated relevance threshold, and
// expand content hashes to photos (exact copies share a vector, so all copies show).
import type { SearchRequest, SearchResponse, SearchResult } from '../api.js';
import type { EmbeddingModel } from '../embed/encoder.js';
import { toSummary, type PhotoRow, type Store } from '../store/index.js';

export const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

export async function searchImages(
  store: Store,
  model: { model: EmbeddingModel; modelId: number },
  req: SearchRequest,
): Promise<SearchResponse> {
  const started = performance.now();
  const query = req.query.trim();
  const limit = Math.min(Math.max(1, Math.trunc(req.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const manifest = model.model.manifest;
  const done = (results: SearchResult[]): SearchResponse => ({
    results,
    model: manifest.id,
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  });
  if (!query) return done([]);

  const vector = await model.model.embedText(query);
  // A query made only of words the tokenizer does not know gives a zero vector: nothing matches.
  if (!vector.some((x) => x !== 0)) return done([]);

  const minScore = req.minScore ?? manifest.search.minScore;
  // Exact copies share one vector, so ask for a few more neighbours than results.
  const neighbours = store.vectors.knn(model.modelId, vector, Math.min(limit * 2, 4096));
  const results: SearchResult[] = [];
  for (const n of neighbours) {
    if (n.score < minScore) break;
    for (const row of store.photos.bySha256(n.sha256) as PhotoRow[]) {
      if (row.status !== 'indexed') continue;
      results.push({ photo: toSummary(row), score: round4(n.score), views: ['image'] });
      if (results.length >= limit) return done(results);
    }
  }
  return done(results);
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
