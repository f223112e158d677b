// Versioned schema migrations. Each entry runs once, inside a transaction, and
// bumps PRAGMA user_version, so an interrupted upgrade leaves the old version intact.
import type { Db } from './db.js';

const MIGRATIONS: ((db: Db) => void)[] = [
  // v1: folders, photos, job queue, per-model embeddings (vectors live in vec0 tables
  // created per model, see vectors.ts, because a vec0 column has a fixed dimension).
  (db) => {
    db.exec(`
      CREATE TABLE folders (
        id        INTEGER PRIMARY KEY,
        path      TEXT NOT NULL UNIQUE,
        added_at  TEXT NOT NULL
      );
      CREATE TABLE photos (
        id           INTEGER PRIMARY KEY,
        folder_id    INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path         TEXT NOT NULL UNIQUE,
        size         INTEGER NOT NULL,
        mtime_ms     INTEGER NOT NULL,
        sha256       TEXT,
        width        INTEGER,
        height       INTEGER,
        format       TEXT,
        taken_at     TEXT,
        camera_make  TEXT,
        camera_model TEXT,
        lat          REAL,
        lon          REAL,
        orientation  INTEGER,
        phash        TEXT,
        has_thumb    INTEGER NOT NULL DEFAULT 0,
        status       TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
        error        TEXT,
        indexed_at   INTEGER NOT NULL
      );
      CREATE INDEX photos_sha256 ON photos(sha256);
      CREATE INDEX photos_folder ON photos(folder_id, status);

      -- One row per (model, content): vectors are keyed by content hash, so a renamed,
      -- moved or copied photo reuses its vector instead of being embedded again.
      CREATE TABLE models (
        id    INTEGER PRIMARY KEY,
        key   TEXT NOT NULL UNIQUE,
        dim   INTEGER NOT NULL
      );
      CREATE TABLE embeddings (
        id           INTEGER PRIMARY KEY,
        model_id     INTEGER NOT NULL REFERENCES models(id),
        sha256       TEXT NOT NULL,
        -- set when the last photo with this content left; purged after a grace period
        -- so a move seen as delete-then-create keeps its vector.
        orphaned_at  INTEGER,
        UNIQUE (model_id, sha256)
      );

      -- The work queue. A job is deleted in the same transaction that stores its result,
      -- so after a kill a job is either done (and gone) or still here to be redone.
      CREATE TABLE jobs (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        path       TEXT NOT NULL,
        folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        attempts   INTEGER NOT NULL DEFAULT 0,
        -- bumped when the file changes again while its job is in flight, so finishing
        -- the stale run does not drop the newer work
        rev        INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (kind, path)
      );
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `This library was written by a newer Kanjian (schema v${current}; this build knows v${MIGRATIONS.length}). Update Kanjian to open it.`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      MIGRATIONS[v](db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
