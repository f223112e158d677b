// Keyset pages read as one row each. Handing out a row costs better-sqlite3 an array and a
// value a column, and the caller a string or Buffer each: at a million rows that was most of a
// pass over the library (crop windows 7.9 s, photo ids 1.7 s). So the readers of every content
// ask for an aggregate a page — max(key) first, then group_concat lists of the page's rows —
// and page on after its last key.
import type Database from 'better-sqlite3';

/**
 * The rows of `page`, a statement whose first column is its page's last key (null past the
 * end) and whose last two parameters are the key to start after and the page size, run from
 * `start` until no row is left. `after` is the key the page started after: with the row's
 * first column it bounds the page, for a caller that reads it again row by row.
 */
export function* pagesAsRows<K extends string | number, Row extends unknown[]>(
  page: Database.Statement,
  params: readonly unknown[],
  start: K,
  perPage: number,
): Generator<{ after: K; last: K; row: Row }> {
  const raw = page.raw();
  for (let after = start; ; ) {
    const row = raw.get(...params, after, perPage) as [K | null, ...Row];
    const last = row[0];
    if (last === null) return;
    yield { after, last, row: row.slice(1) as Row };
    after = last;
  }
}
