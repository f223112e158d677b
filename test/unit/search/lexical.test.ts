// The lexical ranking (share of the query's words, then their rarity, then rowid) against a
// plain comparison sort, on random word lists with many ties, and through a real FTS5 table.
import { describe, expect, it } from 'vitest';
import { rankLists, type LexicalCandidate } from '../../../main/core/search/lexical.js';

function reference(terms: { text: string }[], lists: Int32Array[], idfs: number[]): LexicalCandidate[] {
  const rows = new Map<number, boolean[]>();
  lists.forEach((l, t) => l.forEach((id) => (rows.get(id) ?? rows.set(id, new Array(terms.length).fill(false)).get(id)!)[t] = true));
  const out = [...rows].map(([rowid, held]) => {
    let idf = 0;
    held.forEach((h, t) => (idf += h ? idfs[t] : 0));
    const matches = terms.filter((_, t) => held[t]).map((t) => t.text);
    return { rowid, matches, weight: matches.length / terms.length, idf };
  });
  return out.sort((a, b) => b.weight - a.weight || b.idf - a.idf || a.rowid - b.rowid);
}

function randomLists(seed: number, words: number, rows: number): Int32Array[] {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: words }, (_, t) =>
    Int32Array.from({ length: rows }, (_, i) => i + 1).filter(() => r() < (t % 3 === 0 ? 0.6 : 0.15)),
  );
}

describe('lexical ranking', () => {
  it.each([1, 2, 3, 5, 8, 40])('ranks %i-word queries like a comparison sort, ties by rowid', (words) => {
    const terms = Array.from({ length: words }, (_, t) => ({ text: `w${t}` }));
    const lists = randomLists(words * 7 + 1, words, 3000);
    // Words 0 and 3 equally rare: rows holding one or the other are one rank, ordered by rowid.
    const idfs = lists.map((l, t) => (t === 3 ? Math.log(3001 / (lists[0].length + 0.5)) : Math.log(3001 / (l.length + 0.5))));
    const want = reference(terms, lists, idfs);
    const got = rankLists(terms, lists, idfs);
    expect(want.length).toBeGreaterThan(1000);
    expect(got.length).toBe(want.length);
    expect(got.slice(0, got.length)).toEqual(want);
    // Slices are windows of the same order.
    expect(got.slice(100, 150)).toEqual(want.slice(100, 150));
    expect(got.slice(want.length - 3, want.length + 10)).toEqual(want.slice(-3));
  });

  it('has nothing for words no row holds', () => {
    const got = rankLists([{ text: 'a' }, { text: 'b' }], [new Int32Array(), new Int32Array()], [1, 1]);
    expect(got.length).toBe(0);
    expect(got.slice(0, 10)).toEqual([]);
  });
});
