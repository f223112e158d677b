import path from 'node:path';
import type { Db } from './db.js';

/**
 * 'index': decode + embed a file. 'ocr': read the text in an indexed photo (main/core/ocr/),
 * queued by a trigger on photos (see migrations.ts). Later kinds run in their own workers.
 */
export type JobKind = 'index' | 'ocr';

export interface JobRow {
  id: number;
  kind: JobKind;
  path: string;
  folder_id: number;
  attempts: number;
  rev: number;
}

export class JobRepo {
  private insertStmt;
  private deleteStmt;
  constructor(private db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO jobs (kind, path, folder_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(kind, path) DO UPDATE SET rev = rev + 1',
    );
    this.deleteStmt = db.prepare('DELETE FROM jobs WHERE id = ? AND rev = ?');
  }

  /** Enqueues many jobs in one transaction (a scan of 100k files is one commit). */
  enqueue(kind: JobKind, items: { path: string; folderId: number }[]): number {
    const now = Date.now();
    this.db.transaction(() => {
      for (const it of items) this.insertStmt.run(kind, it.path, it.folderId, now);
    })();
    return items.length;
  }

  /**
   * The next jobs to run, oldest first, skipping ids already in flight. Jobs are not
   * marked as running: only one indexer writes, and a job left behind by a kill is
   * simply claimed again.
   */
  next(kind: JobKind, limit: number, exclude: Set<number>): JobRow[] {
    const rows = this.db
      .prepare('SELECT id, kind, path, folder_id, attempts, rev FROM jobs WHERE kind = ? ORDER BY id LIMIT ?')
      .all(kind, limit + exclude.size) as JobRow[];
    return rows.filter((r) => !exclude.has(r.id)).slice(0, limit);
  }

  /**
   * Deletes a finished job; call inside the transaction that stores its result. A job
   * re-queued while it ran (higher rev) stays, so the newer file content is indexed too.
   */
  finish(job: Pick<JobRow, 'id' | 'rev'>): void {
    this.deleteStmt.run(job.id, job.rev);
  }

  /**
   * A path (or a directory's paths) seen deleted or renamed away: jobs for it get a new `rev`, so
   * a run in flight cannot finish them and its result loses (isCurrent is false); the queued
   * job then runs again and finds the file gone.
   */
  supersede(p: string): void {
    const prefix = p.endsWith(path.sep) ? p : p + path.sep;
    this.db
      .prepare('UPDATE jobs SET rev = rev + 1 WHERE kind = ? AND (path = ? OR substr(path, 1, ?) = ?)')
      .run('index', p, prefix.length, prefix);
  }

  /** Whether the job still has the rev it was claimed with (nothing superseded it meanwhile). */
  isCurrent(job: Pick<JobRow, 'id' | 'rev'>): boolean {
    return !!this.db.prepare('SELECT 1 FROM jobs WHERE id = ? AND rev = ?').get(job.id, job.rev);
  }

  bumpAttempts(id: number): void {
    this.db.prepare('UPDATE jobs SET attempts = attempts + 1 WHERE id = ?').run(id);
  }

  count(kind?: JobKind): number {
    const row = kind
      ? this.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE kind = ?').get(kind)
      : this.db.prepare('SELECT COUNT(*) AS n FROM jobs').get();
    return (row as { n: number }).n;
  }
}
