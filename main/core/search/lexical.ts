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

/**
 * Candidates best first: by the share of the query's words held, then the summed rarity of
 * those words, then rowid. Made into objects only for the slices read: a common word matches a
 * large share of a million photos' texts, and the views read a page or two of them.
 */
export interface RankedCandidates {
  readonly length: number;
  slice(start: number, end: number): LexicalCandidate[];
}

const NONE: RankedCandidates = { length: 0, slice: () => [] };

/** Queries with more words than this rank through a Map (a word set per row does not fit a 32-bit mask). */
const MASK_TERMS = 31;

/** `table` is an FTS5 table with the `words`/`chars` columns of text.ts (a fixed name, never user input). */
export function lexicalCandidates(db: Db, table: 'ocr_fts' | 'name_fts' | 'place_fts', terms: QueryTerm[]): RankedCandidates {
  if (!terms.length) return NONE;
  // The highest rowid stands for the row count (rowids are dense ids): COUNT(*) on FTS5 reads
  // every row (~9 ms a search at 20k photos, bench:scale), and IDF needs only the magnitude.
  const total = (statement(db, `SELECT rowid FROM ${table} ORDER BY rowid DESC LIMIT 1`).pluck().get() as number | undefined) ?? 0;
  const select = statement(db, `SELECT rowid FROM ${table} WHERE ${table} MATCH ?`).pluck();
  const lists = terms.map((t) => Int32Array.from(select.all(matchExpression([t])!) as number[]).sort());
  const idfs = lists.map((ids) => Math.log((total + 1) / (ids.length + 0.5)));
  return rankLists(terms, lists, idfs);
}

/** Ranks the rows of per-word rowid lists (ascending), given each word's rarity. */
export function rankLists(terms: readonly { text: string }[], lists: Int32Array[], idfs: number[]): RankedCandidates {
  return terms.length > MASK_TERMS ? rankedByMap(terms, lists, idfs) : rankedByMask(terms, lists, idfs);
}

/**
 * The rows of all lists merged in rowid order, each with the set of lists (words) holding it,
 * then put in rank order by a counting sort over the distinct word sets: rows of one rank keep
 * their rowid order, which is the last tie-break. Word sets of equal share and equal summed
 * rarity are one rank (their rows interleave by rowid, as a comparison sort would order them).
 */
function rankedByMask(terms: readonly { text: string }[], lists: Int32Array[], idfs: number[]): RankedCandidates {
  const { rows, masks } = mergeLists(lists);
  const n = rows.length;
  if (!n) return NONE;
  // Every distinct word set: its share and rarity (summed in query order, as the words are).
  const kinds = new Map<number, { weight: number; idf: number; rank: number }>();
  for (let i = 0; i < n; i++) {
    const m = masks[i];
    if (kinds.has(m)) continue;
    let held = 0;
    let idf = 0;
    for (let t = 0; t < terms.length; t++) {
      if (m & (1 << t)) {
        held++;
        idf += idfs[t];
      }
    }
    kinds.set(m, { weight: held / terms.length, idf, rank: 0 });
  }
  const byRank = [...kinds.values()].sort((a, b) => b.weight - a.weight || b.idf - a.idf);
  let rank = -1;
  byRank.forEach((k, i) => (k.rank = i > 0 && k.weight === byRank[i - 1].weight && k.idf === byRank[i - 1].idf ? rank : ++rank));
  const starts = new Int32Array(rank + 2);
  const rankOf = new Int32Array(n);
  for (let i = 0; i < n; i++) starts[(rankOf[i] = kinds.get(masks[i])!.rank) + 1]++;
  for (let r = 1; r < starts.length; r++) starts[r] += starts[r - 1];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[starts[rankOf[i]]++] = i;
  const matchesOf = new Map<number, string[]>();
  return {
    length: n,
    slice(start, end) {
      const out: LexicalCandidate[] = [];
      for (let j = Math.max(0, start); j < Math.min(end, n); j++) {
        const i = order[j];
        const m = masks[i];
        let matches = matchesOf.get(m);
        if (!matches) matchesOf.set(m, (matches = terms.filter((_, t) => m & (1 << t)).map((t) => t.text)));
        const k = kinds.get(m)!;
        out.push({ rowid: rows[i], matches, weight: k.weight, idf: k.idf });
      }
      return out;
    },
  };
}

/** Sorted rowid lists → their union in rowid order, with a bit per list holding each row. */
function mergeLists(lists: Int32Array[]): { rows: Int32Array; masks: Int32Array } {
  if (lists.length === 1) return { rows: lists[0], masks: new Int32Array(lists[0].length).fill(1) };
  const rows = new Int32Array(lists.reduce((sum, l) => sum + l.length, 0));
  const masks = new Int32Array(rows.length);
  const at = new Int32Array(lists.length);
  let n = 0;
  for (;;) {
    let next = 2147483647;
    for (let t = 0; t < lists.length; t++) if (at[t] < lists[t].length && lists[t][at[t]] < next) next = lists[t][at[t]];
    if (next === 2147483647) break;
    let m = 0;
    for (let t = 0; t < lists.length; t++) {
      if (at[t] < lists[t].length && lists[t][at[t]] === next) {
        m |= 1 << t;
        at[t]++;
      }
    }
    rows[n] = next;
    masks[n++] = m;
  }
  return { rows: rows.subarray(0, n), masks: masks.subarray(0, n) };
}

/** The same ranking for queries of many words: a word list per row, one comparison sort. */
function rankedByMap(terms: readonly { text: string }[], lists: Int32Array[], idfs: number[]): RankedCandidates {
  const byRow = new Map<number, { mask: boolean[]; idf: number }>();
  lists.forEach((ids, i) => {
    for (const id of ids) {
      let c = byRow.get(id);
      if (!c) byRow.set(id, (c = { mask: new Array(terms.length).fill(false), idf: 0 }));
      c.mask[i] = true;
      c.idf += idfs[i];
    }
  });
  const out: LexicalCandidate[] = [];
  for (const [rowid, c] of byRow) {
    const matches = terms.filter((_, i) => c.mask[i]).map((t) => t.text);
    out.push({ rowid, matches, weight: matches.length / terms.length, idf: c.idf });
  }
  out.sort((a, b) => b.weight - a.weight || b.idf - a.idf || a.rowid - b.rowid);
  return { length: out.length, slice: (start, end) => out.slice(start, end) };
}

/**
 * Walks ranked candidates in chunks, keeping those `accept` returns (rows that pass the
 * filters), until `want` are kept: a narrow filter never empties the list early, and a broad
 * query never resolves thousands of rows it will not show. A chunk is what is still wanted,
 * scaled by the share accepted so far (the first one: just what is wanted, as without a
 * filter nearly every candidate passes), at most `maxChunk`.
 */
export function takeAccepted<T>(
  ranked: RankedCandidates,
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
