// Opens the library database: one SQLite file in WAL mode with sqlite-vec loaded.
// WAL + synchronous=NORMAL means a committed transaction survives a process kill
// (only an OS crash/power loss may drop the last commits), and a half-done
// transaction is rolled back on the next open, so no row is ever half-written.
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A second process (CLI while the app runs) waits for the writer instead of failing.
  db.pragma('busy_timeout = 10000');
  sqliteVec.load(db);
  migrate(db);
  refreshPlannerStats(db);
  return db;
}

/**
 * A read-only connection to an existing library (a worker thread reading beside the app's own
 * connection: WAL lets it read while the app writes). No migrations, no statistics: the app's
 * connection keeps the file current.
 */
export function openReader(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  sqliteVec.load(db);
  return db;
}

/** The error of a write another connection held the lock for, or of a read-only file. */
export function lockedOut(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_READONLY');
}

/**
 * Table statistics for SQLite's query planner (PRAGMA optimize: ANALYZE of the tables whose
 * size changed a lot since the last one, sampled by analysis_limit so it stays in milliseconds at
 * a million photos). Without them the planner guessed that `status = 'indexed'` is selective and
 * read every photo through a (status, …) index for each lookup by hash. Called at open and after
 * every indexing pass (a library grows from nothing in its first hour). Skipped, never waited for,
 * when another process holds the write lock or the file is read-only: stale statistics only cost
 * speed.
 */
export function refreshPlannerStats(db: Db): void {
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize = 0x10002');
  } catch (e) {
    if (!lockedOut(e)) throw e;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}
