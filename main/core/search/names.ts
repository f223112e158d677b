// The name index (name_fts): words of each photo's file name, of its folders below the library
// root, and of its camera, for the metadata view. Triggers on `photos` (migrations.ts) mark
// rows in name_dirty inside the transaction that changes them; the tokens need JavaScript
// (Intl.Segmenter), so entries are (re)built here, by the pipeline right after indexing (search
// itself only reads).
import path from 'node:path';
import type { Db } from '../store/index.js';
import { indexText } from './text.js';

const BATCH = 2000;

export interface NameSource {
  path: string;
  /** The library folder the photo is in. */
  root: string;
  camera_make: string | null;
  camera_model: string | null;
}

/**
 * "旅行/海边/红色日落.jpg" in library root R → "旅行 海边 红色日落" (+ camera). The root's own
 * name is left out: every photo in it would match it.
 */
export function nameText(s: NameSource): string {
  const rel = path.relative(s.root, s.path);
  const parts = (rel && !rel.startsWith('..') ? rel : path.basename(s.path)).split(/[\\/]+/);
  const file = parts.pop() ?? '';
  const stem = file.replace(/\.[^.]+$/, '');
  return [...parts, stem, s.camera_make ?? '', s.camera_model ?? ''].filter(Boolean).join('\n');
}

export class NameIndex {
  constructor(private db: Db) {}

  /** Builds the entries of photos marked dirty; returns how many. Cheap when nothing changed. */
  sync(): number {
    let total = 0;
    // Read first: a sync with nothing to do takes no write lock.
    if (!this.db.prepare('SELECT 1 FROM name_dirty LIMIT 1').get()) return 0;
    const select = this.db.prepare(
      `SELECT d.photo_id AS id, p.path AS path, f.path AS root, p.camera_make AS camera_make, p.camera_model AS camera_model
         FROM name_dirty d JOIN photos p ON p.id = d.photo_id JOIN folders f ON f.id = p.folder_id
        LIMIT ${BATCH}`,
    );
    const del = this.db.prepare('DELETE FROM name_fts WHERE rowid = ?');
    const ins = this.db.prepare('INSERT INTO name_fts (rowid, words, chars) VALUES (?, ?, ?)');
    const done = this.db.prepare('DELETE FROM name_dirty WHERE photo_id = ?');
    for (;;) {
      const n = this.db.transaction(() => {
        const rows = select.all() as (NameSource & { id: number })[];
        for (const r of rows) {
          const { words, chars } = indexText(nameText(r));
          del.run(r.id);
          ins.run(r.id, words, chars);
          done.run(r.id);
        }
        // Marks whose photo vanished without the delete trigger (cannot happen today) must not loop.
        if (!rows.length) this.db.prepare('DELETE FROM name_dirty').run();
        return rows.length;
      })();
      total += n;
      if (n < BATCH) return total;
    }
  }
}
