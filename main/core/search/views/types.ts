// A view is one way a query can meet a photo (ERNIE-ViL 2.0's multi-view idea): its pixels,
// its tags, the text written in it, its names. Each view answers with its own ranked hits,
// already cut at its own relevance rule and filtered; fusion.ts merges them.
import type { MatchView } from '../../api.js';
import type { SqlFilter } from '../filters.js';
import type { QueryTerm } from '../text.js';

export interface ViewQuery {
  /** The query as typed, trimmed (vector views embed this). */
  text: string;
  /** Its content words (lexical views match these). */
  terms: QueryTerm[];
  filter: SqlFilter;
  /** How many hits a view should return at most. */
  depth: number;
  /** Cut-off override for the image view (SearchRequest.minScore). */
  minScore?: number;
  /**
   * The query embedded by the model's text tower, computed once per search and shared by the
   * vector views (image, tags); null without a model or when the tokenizer knows none of the
   * words (a zero vector would match everything equally).
   */
  embedding: () => Promise<Float32Array | null>;
}

export interface ViewHit {
  photoId: number;
  /** 1-based; exact copies (same content) share a rank. */
  rank: number;
  /** The view's own score (cosine, or share of query words matched). */
  score: number;
  /**
   * How much of the query this hit explains, 0..1: 1 for vector views (the whole query was
   * embedded); the share of query words found for lexical views.
   */
  weight: number;
  /** "Why it matched", shown with the result. */
  evidence?: {
    ocr?: { text: string; matches: string[] };
    metadata?: { matches: string[] };
    tags?: { tags: string[] };
    place?: { matches: string[] };
  };
}

export interface SearchView {
  readonly name: MatchView;
  search(q: ViewQuery): Promise<ViewHit[]>;
}

/**
 * Expands ranked contents (sha256) to photos passing the filter; copies share the content's
 * rank, and so do consecutive contents with the same `group`.
 */
export function photosOfContents(
  db: import('../../store/index.js').Db,
  ranked: { sha256: string; score: number; weight?: number; evidence?: ViewHit['evidence']; group?: number }[],
  filter: SqlFilter,
  depth: number,
): ViewHit[] {
  if (!ranked.length) return [];
  const rows = db
    .prepare(
      `SELECT p.id AS id, p.sha256 AS sha256 FROM photos p INDEXED BY photos_sha256
        WHERE p.sha256 IN (SELECT value FROM json_each(?)) AND ${filter.sql} ORDER BY p.id`,
    )
    .all(JSON.stringify(ranked.map((r) => r.sha256)), ...filter.params) as { id: number; sha256: string }[];
  const bySha = new Map<string, number[]>();
  for (const r of rows) {
    const list = bySha.get(r.sha256);
    if (list) list.push(r.id);
    else bySha.set(r.sha256, [r.id]);
  }
  const hits: ViewHit[] = [];
  let rank = 0;
  let lastGroup: number | undefined;
  for (const c of ranked) {
    const ids = bySha.get(c.sha256);
    if (!ids) continue;
    // Contents of one group (one tag sequence) are equally relevant: they share a rank too.
    if (c.group === undefined || c.group !== lastGroup) rank++;
    lastGroup = c.group;
    for (const id of ids) {
      hits.push({ photoId: id, rank, score: c.score, weight: c.weight ?? 1, evidence: c.evidence });
      if (hits.length >= depth) return hits;
    }
  }
  return hits;
}
