// Query → one ranked list of photos from every view (image, tags, text in photos, names), each
// result saying which views matched and, for text, which words. See fusion.ts for how the
// views' lists are merged and views/ for what each view does.
import type { MatchView, SearchRequest, SearchResponse, SearchResult } from '../api.js';
import type { EmbeddingModel } from '../embed/encoder.js';
import type { LoadedModel } from '../embed/loaded.js';
import { toSummary, type PhotoRow, type Store } from '../store/index.js';
import { PHOTO_DATE_SQL, filterSql, hasTagFilter, type SqlFilter } from './filters.js';
import { fuse, VIEW_ORDER } from './fusion.js';
import { queryTerms } from './text.js';
import { ImageView } from './views/image.js';
import { MetadataView } from './views/metadata.js';
import { OcrView } from './views/ocr.js';
import { PlaceView } from './views/place.js';
import { TagView } from './views/tags.js';
import type { SearchView, ViewHit } from './views/types.js';
import { round4 } from '../round.js';
import { similarHits, type LikeSource } from './by-image.js';
import { statement } from './statements.js';

export const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/** Every view a search consults. A new view is one class implementing SearchView, added here. */
export function searchViews(store: Store, model: LoadedModel | null): SearchView[] {
  const views: SearchView[] = [];
  if (model) views.push(new ImageView(store, model), new TagView(store, model));
  views.push(new OcrView(store, model?.modelId ?? null), new PlaceView(store), new MetadataView(store));
  return views;
}

/** Query embeddings kept per model: as-you-type search asks for the same texts again and again. */
const QUERY_CACHE_SIZE = 64;
const queryCache = new WeakMap<EmbeddingModel, Map<string, Promise<Float32Array | null>>>();

/** The query's text embedding, computed at most once per text (small LRU) and only if a view asks. */
export function queryEmbedding(model: LoadedModel | null, text: string): () => Promise<Float32Array | null> {
  let memo: Promise<Float32Array | null> | null = null;
  return () => (memo ??= !model || !text ? Promise.resolve(null) : cachedEmbedding(model.model, text));
}

function cachedEmbedding(model: EmbeddingModel, text: string): Promise<Float32Array | null> {
  let cache = queryCache.get(model);
  if (!cache) queryCache.set(model, (cache = new Map()));
  const hit = cache.get(text);
  if (hit) {
    // Map keeps insertion order: re-inserting marks it most recently used.
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const made = model.embedText(text).then((v) => (v.some((x) => x !== 0) ? v : null));
  cache.set(text, made);
  // A failure is not remembered: the next search tries again.
  made.catch(() => cache.delete(text));
  if (cache.size > QUERY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return made;
}

/** `like`: the picture of a "photos like this one" search (by-image.ts), resolved by the caller. */
export async function searchPhotos(store: Store, model: LoadedModel | null, req: SearchRequest, like: LikeSource | null = null): Promise<SearchResponse> {
  const started = performance.now();
  const query = req.query.trim();
  const limit = Math.min(Math.max(1, Math.trunc(req.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
  const filter = filterSql(req.filters, { tagModelId: model?.modelId ?? null });
  let likeNotice: SearchResponse['notice'];
  const done = (results: SearchResult[]): SearchResponse => ({
    results,
    mode: query || like ? 'search' : 'listing',
    ...(model && { model: model.model.manifest.id }),
    ...searchNotes(store, model, query),
    // Without a model a picture query answers with near copies only, and says so.
    ...(likeNotice && { notice: likeNotice }),
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  });
  if (!query && !like) {
    const views: MatchView[] = hasTagFilter(req.filters) ? ['tags'] : ['metadata'];
    return done(filter.active ? listFiltered(store, filter, limit, views) : []);
  }

  // Each view returns more than `limit` so a photo that is, say, 80th by pixels but 1st by its
  // text is still there to be fused.
  const depth = Math.min(Math.max(limit * 2, 100), 2000);
  const vq = { text: query, terms: queryTerms(query), filter, depth, minScore: req.minScore, embedding: queryEmbedding(model, query) };
  const views = query ? searchViews(store, model) : [];
  const [lists, similar] = await Promise.all([
    Promise.all(views.map((v) => v.search(vq))),
    like ? similarHits(store, model, like, filter, depth) : null,
  ]);
  const byView: Partial<Record<MatchView, ViewHit[]>> = {};
  views.forEach((v, i) => (byView[v.name] = lists[i]));
  if (similar) {
    byView.similar = similar.hits;
    likeNotice = similar.notice;
  }

  const fused = fuse(byView).slice(0, limit);
  const rows = photoRows(store, fused.map((f) => f.photoId));
  const results: SearchResult[] = [];
  for (const f of fused) {
    const row = rows.get(f.photoId);
    if (!row) continue;
    const r: SearchResult = { photo: toSummary(row), score: round4(f.score), views: f.views, viewScores: {} };
    for (const view of VIEW_ORDER) {
      const hit = f.hits[view];
      if (!hit) continue;
      r.viewScores![view] = round4(hit.score);
      if (hit.evidence?.ocr) r.ocr = hit.evidence.ocr;
      if (hit.evidence?.metadata) r.metadata = hit.evidence.metadata;
      if (hit.evidence?.tags) r.tags = hit.evidence.tags;
      if (hit.evidence?.place) r.place = hit.evidence.place;
    }
    results.push(r);
  }
  return done(results);
}

/**
 * What the response says about views that could not answer: with no model, meaning search is
 * unavailable (the text, name and filter views still answer); with one, how many indexed photos it
 * has no vector for yet. Vectors are written with the photo row, so only queued jobs (a model that
 * just arrived, a switch) leave photos without one: the count is skipped when none are queued.
 */
export function searchNotes(store: Store, model: LoadedModel | null, query: string): Pick<SearchResponse, 'notice' | 'missingVectors'> {
  if (!model) return query ? { notice: { code: 'search.needsModel' } } : {};
  if (!query || store.jobs.count('index') === 0) return {};
  const { n } = store.db
    .prepare(
      `SELECT COUNT(*) AS n FROM photos p WHERE p.status = 'indexed' AND p.sha256 IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.sha256 = p.sha256)`,
    )
    .get(model.modelId) as { n: number };
  return n > 0 ? { missingVectors: n } : {};
}

/** An empty query with filters: the photos they match, newest first. */
function listFiltered(store: Store, filter: SqlFilter, limit: number, views: MatchView[]): SearchResult[] {
  const rows = store.db
    .prepare(`SELECT p.* FROM photos p WHERE ${filter.sql} ORDER BY ${PHOTO_DATE_SQL} DESC, p.path LIMIT ?`)
    .all(...filter.params, limit) as PhotoRow[];
  return rows.map((row) => ({ photo: toSummary(row), score: 1, views }));
}

function photoRows(store: Store, ids: number[]): Map<number, PhotoRow> {
  if (!ids.length) return new Map();
  const rows = statement(store.db, 'SELECT * FROM photos WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as PhotoRow[];
  return new Map(rows.map((r) => [r.id, r]));
}
