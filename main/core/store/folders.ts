import path from 'node:path';
import { isInside } from '../paths.js';
import type { Db } from './db.js';
import type { FolderInfo } from '../api.js';

export interface FolderRow {
  id: number;
  path: string;
  added_at: string;
}


export class FolderRepo {
  constructor(private db: Db) {}

  all(): FolderRow[] {
    return this.db.prepare('SELECT id, path, added_at FROM folders ORDER BY path').all() as FolderRow[];
  }

  byId(id: number): FolderRow | undefined {
    return this.db.prepare('SELECT id, path, added_at FROM folders WHERE id = ?').get(id) as FolderRow | undefined;
  }

  /** The library folder that contains `file`, if any (the deepest one). */
  containing(file: string): FolderRow | undefined {
    return this.all()
      .filter((f) => isInside(f.path, file))
      .sort((a, b) => b.path.length - a.path.length)[0];
  }

  /**
   * Adds a folder. A folder inside one already in the library is the same library
   * content, so it returns the existing parent; a folder that contains existing ones
   * absorbs them (their photos keep their rows and vectors).
   */
  add(p: string): FolderRow {
    const abs = path.resolve(p);
    return this.db.transaction(() => {
      const parent = this.containing(abs);
      if (parent) return parent;
      const info = this.db
        .prepare('INSERT INTO folders (path, added_at) VALUES (?, ?)')
        .run(abs, new Date().toISOString());
      const id = Number(info.lastInsertRowid);
      for (const child of this.all()) {
        if (child.id !== id && isInside(abs, child.path)) {
          this.db.prepare('UPDATE photos SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
          this.db.prepare('UPDATE jobs SET folder_id = ? WHERE folder_id = ?').run(id, child.id);
          this.db.prepare('DELETE FROM folders WHERE id = ?').run(child.id);
        }
      }
      return this.byId(id)!;
    })();
  }

  /** Removes the folder from the library (rows cascade). Files on disk are never touched. */
  remove(id: number): void {
    this.db.prepare('DELETE FROM folders WHERE id = ?').run(id);
  }

  info(): FolderInfo[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.path, f.added_at,
           (SELECT COUNT(*) FROM photos p WHERE p.folder_id = f.id) AS photo_count,
           (SELECT COUNT(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'indexed') AS indexed_count,
           (SELECT COUNT(*) FROM photos p WHERE p.folder_id = f.id AND p.status = 'failed') AS failed_count,
           (SELECT COUNT(*) FROM jobs j WHERE j.folder_id = f.id AND j.kind = 'index') AS pending_count
         FROM folders f ORDER BY f.path`,
      )
      .all() as {
      id: number;
      path: string;
      added_at: string;
      photo_count: number;
      indexed_count: number;
      failed_count: number;
      pending_count: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      path: r.path,
      addedAt: r.added_at,
      photoCount: r.photo_count,
      indexedCount: r.indexed_count,
      failedCount: r.failed_count,
      pendingCount: r.pending_count,
    }));
  }
}
