// The OCR view: words of the query found in the text read from photos (ocr_fts, FTS5), ranked
// by lexical.ts (share of the query's words, then their rarity).
import type { Store } from '../../store/index.js';
import { lexicalCandidates, takeAccepted } from '../lexical.js';
import { statement } from '../statements.js';
import { hasTagFilter } from '../filters.js';
import { libraryIndexes } from '../../knn/registry.js';
import { photosOfContents, type SearchView, type ViewHit, type ViewQuery } from './types.js';

const SNIPPET_CHARS = 160;

export class OcrView implements SearchView {
  readonly name = 'ocr' as const;

  /** `modelId`: the search model, whose filter bitmap (knn/) can answer a filter in memory. */
  constructor(
    private store: Store,
    private modelId: number | null = null,
  ) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const ranked = lexicalCandidates(this.store.db, 'ocr_fts', q.terms);
    if (!ranked.length) return [];
    type Row = { id: number; sha256: string; text: string };
    const accept = statement(
      this.store.db,
      `SELECT t.id AS id, t.sha256 AS sha256, t.text AS text FROM ocr_texts t
        WHERE t.id IN (SELECT value FROM json_each(?))
          AND EXISTS (SELECT 1 FROM photos p INDEXED BY photos_sha256 WHERE p.sha256 = t.sha256 AND ${q.filter.sql})`,
    );
    const read = statement(this.store.db, 'SELECT t.id AS id, t.sha256 AS sha256, t.text AS text FROM ocr_texts t WHERE t.id IN (SELECT value FROM json_each(?))');
    const known = this.knownAllowed(q);
    const kept = takeAccepted(ranked, q.depth, (chunk) => {
      const ids = chunk.map((c) => c.rowid);
      if (!known) return new Map((accept.all(JSON.stringify(ids), ...q.filter.params) as Row[]).map((r) => [r.id, r]));
      // The bitmap says yes or no for most rows; SQL decides the rest (contents without a vector).
      const yes: number[] = [];
      const ask: number[] = [];
      for (const id of ids) {
        const k = known(id);
        if (k === 1) yes.push(id);
        else if (k === -1) ask.push(id);
      }
      const rows = [
        ...(yes.length ? (read.all(JSON.stringify(yes)) as Row[]) : []),
        ...(ask.length ? (accept.all(JSON.stringify(ask), ...q.filter.params) as Row[]) : []),
      ];
      return new Map(rows.map((r) => [r.id, r]));
    });
    return photosOfContents(
      this.store.db,
      kept.map(({ candidate, row }) => ({
        sha256: row.sha256,
        score: Math.round(candidate.weight * 10000) / 10000,
        weight: candidate.weight,
        evidence: { ocr: { text: snippet(row.text, candidate.matches), matches: candidate.matches } },
      })),
      q.filter,
      q.depth,
    );
  }

  /** With a filter the bitmap can express and a loaded vector index: a text row → 1 allowed, 0 not, -1 ask SQL. */
  private knownAllowed(q: ViewQuery): ((ocrId: number) => number) | null {
    if (this.modelId === null || !q.filter.active || hasTagFilter(q.filter.filters)) return null;
    const indexes = libraryIndexes(this.store.db);
    const index = indexes.loadedVectorIndex(this.modelId);
    // Facets still loading on their worker: SQL decides for now rather than a load on this thread.
    return index && indexes.facetsReady(this.modelId) ? indexes.textRowsAllowed(index, q.filter.filters) : null;
  }
}

/** The lines holding matched words, joined, cut to a length a result card can show. */
function snippet(text: string, matches: string[]): string {
  const lines = text.split('\n');
  // Only chooses lines to show (FTS5 already decided what matched): a plain substring test on
  // folded text is enough.
  const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const hit = lines.filter((l) => matches.some((m) => fold(l).includes(fold(m))));
  const s = (hit.length ? hit : lines).join(' · ');
  return [...s].length > SNIPPET_CHARS ? [...s].slice(0, SNIPPET_CHARS - 1).join('') + '…' : s;
}
