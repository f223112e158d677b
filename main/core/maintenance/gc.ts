// Garbage collection: what years of use leave behind and nothing references any more.
//   - thumbnails and previews of contents no photo has (named <sha256>.webp, so "referenced" is
//     one indexed lookup per file), and the temp files an interrupted write left (`.*.tmp`);
//   - rows of side tables keyed by content (text read, near hashes, tags, similar pairs, tag
//     sequences) for contents no photo has;
//   - the vector tables (and everything keyed by the model) of models that are neither
//     installed nor in use, and of old identities of an installed model (other weights), with
//     their cache files beside the library (knn/registry.ts modelCacheFiles).
// Never touched: anything a photo row references, the vectors of the models in use or installed,
// "not duplicates" answers (tiny, and the user's decision if the content comes back), and any file
// whose name is not ours. The caller holds the writer lease and runs it only with an empty job
// queue, so no index job can be writing a thumbnail for a row not yet committed; files younger
// than `minAgeMs` are left alone all the same.
import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { MaintenanceReport } from '../api.js';
import type { Db } from '../store/db.js';
import { vectorTable } from '../store/vectors.js';
import { modelCacheFiles } from '../knn/registry.js';

export interface GcInput {
  db: Db;
  /** Folders of content-named files (thumbnails, previews). */
  mediaDirs: { kind: 'thumbnails' | 'previews'; dir: string }[];
  /** Model keys (identities) that must keep their vectors: in use, or installed now. */
  keepModelKeys: ReadonlySet<string>;
  dryRun: boolean;
  /** Files modified more recently than this are kept (a write may be under way). */
  minAgeMs: number;
  now?: number;
}

const CONTENT_FILE = /^([0-9a-f]{64})\.webp$/;
const TEMP_FILE = /^\..*\.tmp$/;

/** Side tables keyed by content: [table, column(s) holding a content hash]. */
const CONTENT_TABLES: [string, string[]][] = [
  // Before near_hashes, whose delete trigger would take them unseen (a dry run counts them).
  ['near_details', ['sha256']],
  ['near_hashes', ['sha256']],
  ['photo_tags', ['sha256']],
  ['tagged_contents', ['sha256']],
  ['similar_scanned', ['sha256']],
  ['similar_pairs', ['sha_a', 'sha_b']],
  ['content_tag_sequence', ['sha256']],
];

function hasTable(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?").get(name);
}

const unreferenced = (col: string) => `NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = ${col})`;

export async function collectGarbage(input: GcInput): Promise<MaintenanceReport> {
  const { db, dryRun } = input;
  const now = input.now ?? Date.now();
  const report: MaintenanceReport = { dryRun, thumbnails: 0, previews: 0, tempFiles: 0, bytesFreed: 0, rows: {}, modelsDropped: [] };

  // Files first (they are rebuildable; rows are not, so rows go last and in one transaction).
  const referenced = db.prepare('SELECT 1 FROM photos WHERE sha256 = ? LIMIT 1');
  for (const { kind, dir } of input.mediaDirs) {
    for (const shard of await readdir(dir).catch(() => [] as string[])) {
      const shardDir = path.join(dir, shard);
      const names = await readdir(shardDir).catch(() => null);
      if (!names) continue;
      for (const name of names) {
        const file = path.join(shardDir, name);
        const content = CONTENT_FILE.exec(name);
        const temp = TEMP_FILE.test(name);
        if (!content && !temp) continue; // not ours
        const st = await lstat(file).catch(() => null);
        if (!st?.isFile() || now - st.mtimeMs < input.minAgeMs) continue;
        if (content && referenced.get(content[1])) continue;
        if (!dryRun && !(await unlink(file).then(() => true, () => false))) continue;
        if (temp) report.tempFiles++;
        else report[kind]++;
        report.bytesFreed += st.size;
      }
    }
  }

  const dropModels = (db.prepare('SELECT id, key FROM models ORDER BY id').all() as { id: number; key: string }[]).filter(
    (m) => !input.keepModelKeys.has(m.key),
  );
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const apply = () => {
    const rows: Record<string, number> = {};
    const note = (table: string, n: number) => {
      if (n) rows[table] = (rows[table] ?? 0) + n;
    };
    if (hasTable(db, 'ocr_texts')) {
      const where = unreferenced('ocr_texts.sha256');
      if (dryRun) note('ocr_texts', count(`SELECT COUNT(*) AS n FROM ocr_texts WHERE ${where}`));
      else {
        db.exec(`DELETE FROM ocr_fts WHERE rowid IN (SELECT id FROM ocr_texts WHERE ${where})`);
        note('ocr_texts', db.prepare(`DELETE FROM ocr_texts WHERE ${where}`).run().changes);
      }
    }
    for (const [table, cols] of CONTENT_TABLES) {
      if (!hasTable(db, table)) continue;
      const where = cols.map((c) => unreferenced(`${table}.${c}`)).join(' OR ');
      note(table, dryRun ? count(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`) : db.prepare(`DELETE FROM ${table} WHERE ${where}`).run().changes);
    }
    if (hasTable(db, 'tag_sequences') && hasTable(db, 'content_tag_sequence')) {
      // Sequences no content points at any more (their vectors go with them).
      const orphans = db
        .prepare('SELECT id, model_id FROM tag_sequences s WHERE NOT EXISTS (SELECT 1 FROM content_tag_sequence c WHERE c.seq_id = s.id)')
        .all() as { id: number; model_id: number }[];
      if (!dryRun) {
        for (const s of orphans) {
          const vec = `vec_tagseq_${Math.trunc(s.model_id)}`;
          if (hasTable(db, vec)) db.prepare(`DELETE FROM ${vec} WHERE rowid = ?`).run(BigInt(s.id));
          db.prepare('DELETE FROM tag_sequences WHERE id = ?').run(s.id);
        }
      }
      note('tag_sequences', orphans.length);
    }
    for (const m of dropModels) {
      report.modelsDropped.push(m.key);
      note('embeddings', count(`SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ${Math.trunc(m.id)}`));
      if (dryRun) continue;
      db.exec(`DROP TABLE IF EXISTS ${vectorTable(m.id)}`);
      db.exec(`DROP TABLE IF EXISTS vec_tagseq_${Math.trunc(m.id)}`);
      db.prepare('DELETE FROM embeddings WHERE model_id = ?').run(m.id);
      // similar pairs, tags, tag vectors and tag sequences of the model cascade with it.
      db.prepare('DELETE FROM models WHERE id = ?').run(m.id);
    }
    if (!dryRun) {
      db.prepare('INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
        GC_LAST_RUN,
        String(now),
      );
    }
    return rows;
  };
  report.rows = db.transaction(apply)();
  // The dropped models' cache files beside the library (image index codes, facets): ~630 MB a
  // model at a million photos. Stale ones are never used (each checks what it was written for);
  // this only frees the disk.
  if (!db.memory) {
    for (const m of dropModels) {
      for (const file of Object.values(modelCacheFiles(db.name, m.id))) {
        const st = await lstat(file).catch(() => null);
        if (!st?.isFile()) continue;
        if (!dryRun && !(await unlink(file).then(() => true, () => false))) continue;
        report.bytesFreed += st.size;
      }
    }
  }
  return report;
}

/** library_meta key of the last completed collection (ms since the epoch). */
export const GC_LAST_RUN = 'gc:lastRun';

export function lastCollection(db: Db): number | null {
  const row = db.prepare('SELECT value FROM library_meta WHERE key = ?').get(GC_LAST_RUN) as { value: string } | undefined;
  return row ? Number(row.value) : null;
}
