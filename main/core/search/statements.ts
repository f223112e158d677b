// Prepared statements kept per connection: a search prepares ~15 statements, and preparing
// one costs about what running it does for the small lookups search makes (better-sqlite3's
// prepare was 2% of a search's time at 100k photos, bench:scale profile). Keyed by the SQL
// text (a filter makes its own text), a few hundred at most; a statement cached here is used
// by one call site only, so its pluck/raw mode is always the one that site sets.
import type Database from 'better-sqlite3';
import type { Db } from '../store/index.js';

export type Statement = Database.Statement<unknown[]>;

const MAX = 256;
const held = new WeakMap<Db, Map<string, Statement>>();

export function statement(db: Db, sql: string): Statement {
  let m = held.get(db);
  if (!m) held.set(db, (m = new Map()));
  let s = m.get(sql);
  if (s) {
    // Map keeps insertion order: re-inserting marks it most recently used.
    m.delete(sql);
  } else {
    s = db.prepare<unknown[]>(sql);
    if (m.size >= MAX) m.delete(m.keys().next().value!);
  }
  m.set(sql, s);
  return s;
}
