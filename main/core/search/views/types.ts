// A view is one way a query can meet a photo (ERNIE-ViL 2.0's multi-view idea): its pixels,
// its tags, the text written in it, its names. Each view answers with its own ranked hits,
// already cut at its own relevance rule and filtered; fusion.ts merges them.
import type { MatchView } from '../../api.js';
import type { SqlFilter } from '../filters.js';
import type { QueryTerm } from '../text.js';
import type { Db } from '../../store/index.js';
import { statement, type Statement } from '../statements.js';

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
export function photosOfContents(db: Db, ranked: RankedContent[], filter: SqlFilter, depth: number): ViewHit[] {
  const expander = new ContentExpander(db, filter, depth);
  expander.add(ranked);
  return expander.hits;
}

export interface RankedContent {
  sha256: string;
  score: number;
  weight?: number;
  evidence?: ViewHit['evidence'];
  group?: number;
}

/**
 * photosOfContents fed in pieces (a view that reads its ranked contents batch by batch stops
 * reading once `full`). Contents are looked up a chunk at a time, sized by how many photos are
 * still wanted and how many contents turned into photos so far: a long ranked list (every
 * content of a popular tag at a million photos) costs what the first page costs.
 */
export class ContentExpander {
  readonly hits: ViewHit[] = [];
  private rank = 0;
  private lastGroup: number | undefined;
  private looked = 0;
  private found = 0;
  private readonly lookup: Statement;

  constructor(
    db: Db,
    private filter: SqlFilter,
    private depth: number,
  ) {
    // INDEXED BY: without statistics SQLite may pick a (status, …) index and read every photo.
    this.lookup = statement(
      db,
      `SELECT p.id AS id, p.sha256 AS sha256 FROM photos p INDEXED BY photos_sha256
        WHERE p.sha256 IN (SELECT value FROM json_each(?)) AND ${filter.sql} ORDER BY p.id`,
    );
  }

  get full(): boolean {
    return this.hits.length >= this.depth;
  }

  /** Appends the photos of `ranked` (next in rank order); returns `full`. */
  add(ranked: readonly RankedContent[]): boolean {
    for (let at = 0; at < ranked.length && !this.full; ) {
      const want = this.depth - this.hits.length;
      // Photos per content looked up so far (copies add, filters take away); at least 1 in 20.
      const yieldRate = this.looked ? Math.max(this.found / this.looked, 0.05) : 1;
      const size = Math.min(MAX_CHUNK, Math.ceil(want / Math.min(yieldRate, 1)) + 8);
      const chunk = ranked.slice(at, at + size);
      at += chunk.length;
      this.take(chunk);
    }
    return this.full;
  }

  private take(chunk: readonly RankedContent[]): void {
    const rows = this.lookup.all(JSON.stringify(chunk.map((r) => r.sha256)), ...this.filter.params) as { id: number; sha256: string }[];
    const bySha = new Map<string, number[]>();
    for (const r of rows) {
      const list = bySha.get(r.sha256);
      if (list) list.push(r.id);
      else bySha.set(r.sha256, [r.id]);
    }
    this.looked += chunk.length;
    this.found += rows.length;
    for (const c of chunk) {
      const ids = bySha.get(c.sha256);
      if (!ids) continue;
      // Contents of one group (one tag sequence) are equally relevant: they share a rank too.
      if (c.group === undefined || c.group !== this.lastGroup) this.rank++;
      this.lastGroup = c.group;
      for (const id of ids) {
        this.hits.push({ photoId: id, rank: this.rank, score: c.score, weight: c.weight ?? 1, evidence: c.evidence });
        if (this.full) return;
      }
    }
  }
}

/** Contents looked up in one statement at most. */
const MAX_CHUNK = 2000;
