// Tokens for the lexical views, checked against a real FTS5 table: Chinese 2-character words,
// English words in any case, names joined by _ and -, and the query rules (stop words, ICU's
// single-character fallback).
import { describe, it, expect, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { indexText, matchExpression, matchedTerms, queryTerms } from '../../../main/core/search/text.js';

let db: Database.Database;
const docs = [
  '增值税专用发票\n上海市 2024年',
  'RECEIPT\nTotal 12.50',
  '海边的日落',
  'beach-2024',
  'IMG_1234 Canon EOS 40D',
  'Café Receipts',
  '发\n票', // the two characters on different lines are not the word 发票
];

beforeAll(() => {
  db = new Database(':memory:');
  db.exec("CREATE VIRTUAL TABLE t USING fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2')");
  const ins = db.prepare('INSERT INTO t (rowid, words, chars) VALUES (?, ?, ?)');
  docs.forEach((d, i) => {
    const x = indexText(d);
    ins.run(i + 1, x.words, x.chars);
  });
});

function find(query: string): string[] {
  const m = matchExpression(queryTerms(query));
  if (!m) return [];
  return (db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').all(m) as { rowid: number }[]).map(
    (r) => docs[r.rowid - 1],
  );
}

describe('indexText', () => {
  it('keeps Latin words and numbers in words, CJK characters one by one in chars', () => {
    const x = indexText('发票 RECEIPT 2024年');
    expect(x.words.split(' ')).toEqual(['receipt', '2024']);
    expect(x.chars).toBe('发 票 x 年');
  });
  it('folds full-width letters and accents', () => {
    expect(indexText('ＲＥＣＥＩＰＴ café').words).toBe('receipt cafe');
  });
});

describe('queryTerms', () => {
  it('drops stop words and generic photo nouns', () => {
    expect(queryTerms('a photo of the beach').map((t) => t.text)).toEqual(['beach']);
    expect(queryTerms('海边的照片').map((t) => t.text)).toEqual(['海边']);
  });
  it('joins single characters ICU falls back to (日落 → 日|落)', () => {
    expect(queryTerms('海边的日落').map((t) => t.text)).toEqual(['海边', '日落']);
  });
  it('mixes scripts and removes duplicates', () => {
    expect(queryTerms('发票 2024 发票 Receipt')).toEqual([
      { text: '发票', kind: 'cjk' },
      { text: '2024', kind: 'word' },
      { text: 'receipt', kind: 'word' },
    ]);
  });
  it('a query of only stop words has no terms', () => {
    expect(matchExpression(queryTerms('the 的 photo'))).toBeNull();
  });
});

describe('FTS5 matching', () => {
  it('finds a 2-character Chinese word inside longer text', () => {
    expect(find('发票')).toEqual([docs[0]]);
    expect(find('上海')).toEqual([docs[0]]);
  });
  it('does not join characters across lines', () => {
    expect(find('发票')).not.toContain(docs[6]);
  });
  it('matches English case-insensitively, and longer words as prefixes', () => {
    expect(find('receipt')).toEqual([docs[1], docs[5]]);
    expect(find('RECEIPT')).toEqual([docs[1], docs[5]]);
    expect(find('cafe')).toEqual([docs[5]]);
  });
  it('matches a word ICU would split differently in the stored text', () => {
    expect(find('日落')).toEqual([docs[2]]);
  });
  it('splits names on - and _', () => {
    expect(find('beach')).toEqual([docs[3]]);
    expect(find('1234')).toEqual([docs[4]]);
    expect(find('2024')).toEqual([docs[0], docs[3]]);
  });
  it('short words match whole words only', () => {
    expect(find('eos')).toEqual([docs[4]]);
    expect(find('eo')).toEqual([]);
  });
  it('never lets query text act as FTS5 syntax', () => {
    expect(() => find('"AND OR NOT (* ^ col:')).not.toThrow();
    expect(find('NEAR(receipt total)')).toEqual([docs[1], docs[5]]);
  });
});

describe('matchedTerms', () => {
  it('says which query words a text holds', () => {
    const terms = queryTerms('红色 发票 2024');
    expect(matchedTerms(docs[0], terms)).toEqual(['发票', '2024']);
    expect(matchedTerms('RECEIPTS', queryTerms('receipt'))).toEqual(['receipt']);
  });
});
