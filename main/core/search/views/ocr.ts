// The OCR view: words of the query found in the text read from photos (ocr_fts, FTS5), ranked
// by lexical.ts (share of the query's words, then their rarity).
import type { Store } from '../../store/index.js';
import { lexicalCandidates, takeAccepted } from '../lexical.js';
import { statement } from '../statements.js';
import { photosOfContents, type SearchView, type ViewHit, type ViewQuery } from './types.js';

const SNIPPET_CHARS = 160;

export class OcrView implements SearchView {
  readonly name = 'ocr' as const;

  constructor(private store: Store) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const ranked = lexicalCandidates(this.store.db, 'ocr_fts', q.terms);
    if (!ranked.length) return [];
    const accept = statement(
      this.store.db,
      `SELECT t.id AS id, t.sha256 AS sha256, t.text AS text FROM ocr_texts t
        WHERE t.id IN (SELECT value FROM json_each(?))
          AND EXISTS (SELECT 1 FROM photos p INDEXED BY photos_sha256 WHERE p.sha256 = t.sha256 AND ${q.filter.sql})`,
    );
    const kept = takeAccepted(ranked, q.depth, (chunk) => {
      const rows = accept.all(JSON.stringify(chunk.map((c) => c.rowid)), ...q.filter.params) as { id: number; sha256: string; text: string }[];
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
