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
  return db;
}
