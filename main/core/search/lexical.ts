// Shared by the lexical views (text in photos, names): which stored texts hold which query
// words, ranked by the share of the query's words found, then by how rare those words are
// (inverse document frequency, so "发票" outranks "2024"). One FTS5 query per word tells us
// exactly which words each row holds — the "why it matched" — without re-reading any text;
// BM25's term-frequency part adds little for texts a few lines long.
import type { Db } from '../store/index.js';
import { statement } from './statements.js';
import { matchExpression, type QueryTerm } from './text.js';

export interface LexicalCandidate {
  rowid: number;
  /** The query words this row holds, in query order. */
  matches: string[];
  /** matches / query words, 0..1. */
  weight: number;
  idf: number;
}

/** `table` is an FTS5 table with the `words`/`chars` columns of text.ts (a fixed name, never user input). */
export function lexicalCandidates(db: Db, table: 'ocr_fts' | 'name_fts' | 'place_fts', terms: QueryTerm[]): LexicalCandidate[] {
  if (!terms.length) return [];
  // The highest rowid stands for the row count (rowids are dense ids): COUNT(*) on FTS5 reads
  // every row (~9 ms a search at 20k photos, bench:scale), and IDF needs only the magnitude.
  const total = (statement(db, `SELECT rowid FROM ${table} ORDER BY rowid DESC LIMIT 1`).pluck().get() as number | undefined) ?? 0;
  const select = statement(db, `SELECT rowid FROM ${table} WHERE ${table} MATCH ?`).pluck();
  const byRow = new Map<number, { mask: boolean[]; idf: number }>();
  terms.forEach((t, i) => {
    const ids = select.all(matchExpression([t])!) as number[];
    if (!ids.length) return;
    const idf = Math.log((total + 1) / (ids.length + 0.5));
    for (const id of ids) {
      let c = byRow.get(id);
      if (!c) byRow.set(id, (c = { mask: new Array(terms.length).fill(false), idf: 0 }));
      c.mask[i] = true;
      c.idf += idf;
    }
  });
  const out: LexicalCandidate[] = [];
  for (const [rowid, c] of byRow) {
    const matches = terms.filter((_, i) => c.mask[i]).map((t) => t.text);
    out.push({ rowid, matches, weight: matches.length / terms.length, idf: c.idf });
  }
  return out.sort((a, b) => b.weight - a.weight || b.idf - a.idf || a.rowid - b.rowid);
}

/**
 * Walks ranked candidates in chunks, keeping those `accept` returns (rows that pass the
 * filters), until `want` are kept: a narrow filter never empties the list early, and a broad
 * query never resolves thousands of rows it will not show. A chunk is what is still wanted,
 * scaled by the share accepted so far (the first one: just what is wanted, as without a
 * filter nearly every candidate passes), at most `maxChunk`.
 */
export function takeAccepted<T>(
  ranked: LexicalCandidate[],
  want: number,
  accept: (chunk: LexicalCandidate[]) => Map<number, T>,
  maxChunk = 2000,
): { candidate: LexicalCandidate; row: T }[] {
  const out: { candidate: LexicalCandidate; row: T }[] = [];
  let looked = 0;
  for (let i = 0; i < ranked.length && out.length < want; ) {
    const rate = looked ? Math.max(out.length / looked, 0.05) : 1;
    const size = Math.min(maxChunk, Math.ceil((want - out.length) / rate) + 8);
    const chunk = ranked.slice(i, i + size);
    i += chunk.length;
    looked += chunk.length;
    const rows = accept(chunk);
    for (const c of chunk) {
      const row = rows.get(c.rowid);
      if (row !== undefined) out.push({ candidate: c, row });
      if (out.length >= want) break;
    }
  }
  return out;
}
