// SQL for tags: the vocabulary rows, cached tag text vectors, and the tags each content got.
import path from 'node:path';
import type { Tag } from '../api.js';
import type { Db, PhotoRow } from '../store/index.js';
import type { PromptSet } from './vocabulary.js';
import { vectorFromBlob as blobToVector } from '../store/vectors.js';

export type TagSource = 'builtin' | 'custom' | 'file';

export interface TagRow {
  id: number;
  key: string;
  en: string;
  zh: string;
  category: string | null;
  source: TagSource;
  prompts: string;
}

export function toTag(r: Pick<TagRow, 'id' | 'key' | 'en' | 'zh' | 'source'>): Tag {
  return { id: r.id, key: r.key, en: r.en, zh: r.zh, custom: r.source === 'custom' };
}

export interface TagUpsert {
  key: string;
  en: string;
  zh: string;
  category: string | null;
  source: TagSource;
  /** Everything that shapes the prompts (phrase, own prompts), as JSON. */
  prompts: PromptSet & { phrase?: string };
}

export class TagRepo {
  constructor(private db: Db) {}

  /** Inserts or updates vocabulary rows in one transaction (a release may rename a tag). */
  upsertMany(rows: TagUpsert[]): void {
    const stmt = this.db.prepare(
      `INSERT INTO tags (key, en, zh, category, source, prompts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET en = excluded.en, zh = excluded.zh, category = excluded.category,
         source = excluded.source, prompts = excluded.prompts
       WHERE tags.en IS NOT excluded.en OR tags.zh IS NOT excluded.zh OR tags.category IS NOT excluded.category
          OR tags.source IS NOT excluded.source OR tags.prompts IS NOT excluded.prompts`,
    );
    const now = Date.now();
    this.db.transaction(() => {
      for (const r of rows) stmt.run(r.key, r.en, r.zh, r.category, r.source, JSON.stringify(r.prompts), now);
    })();
  }

  /** The signature of the vocabulary last written for `source` (library_meta), or null. */
  vocabularySig(source: TagSource): string | null {
    const row = this.db.prepare('SELECT value FROM library_meta WHERE key = ?').get(`vocabulary:${source}`) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setVocabularySig(source: TagSource, sig: string): void {
    this.db
      .prepare('INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(`vocabulary:${source}`, sig);
  }

  /** Built-in tags a release dropped: removed with their photo tags. */
  removeBuiltinExcept(keys: ReadonlySet<string>): void {
    const rows = this.db.prepare("SELECT id, key FROM tags WHERE source = 'builtin'").all() as { id: number; key: string }[];
    const del = this.db.prepare('DELETE FROM tags WHERE id = ?');
    this.db.transaction(() => {
      for (const r of rows) if (!keys.has(r.key)) del.run(r.id);
    })();
  }

  bySources(sources: TagSource[]): TagRow[] {
    const marks = sources.map(() => '?').join(', ');
    return this.db.prepare(`SELECT * FROM tags WHERE source IN (${marks}) ORDER BY id`).all(...sources) as TagRow[];
  }

  byId(id: number): TagRow | undefined {
    return this.db.prepare('SELECT * FROM tags WHERE id = ?').get(id) as TagRow | undefined;
  }

  byKey(key: string): TagRow | undefined {
    return this.db.prepare('SELECT * FROM tags WHERE key = ?').get(key) as TagRow | undefined;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM tags WHERE id = ?').run(id);
  }

  // ---- text vectors ----

  cachedVectors(modelId: number): Map<number, { sig: string; vector: Float32Array | null }> {
    const rows = this.db.prepare('SELECT tag_id, prompt_sig, vector FROM tag_vectors WHERE model_id = ?').all(modelId) as {
      tag_id: number;
      prompt_sig: string;
      vector: Buffer | null;
    }[];
    return new Map(rows.map((r) => [r.tag_id, { sig: r.prompt_sig, vector: r.vector ? blobToVector(r.vector) : null }]));
  }

  putVector(modelId: number, tagId: number, sig: string, vector: Float32Array | null): void {
    this.db
      .prepare('INSERT OR REPLACE INTO tag_vectors (model_id, tag_id, prompt_sig, vector) VALUES (?, ?, ?, ?)')
      .run(modelId, tagId, sig, vector ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength) : null);
  }

  // ---- photo tags ----

  /** Contents with a vector for the model and an indexed photo, not tagged with `sig` yet. */
  pendingContents(modelId: number, sig: string): string[] {
    return (
      this.db
        .prepare(
          `SELECT e.sha256 AS sha256 FROM embeddings e
            WHERE e.model_id = ? AND e.orphaned_at IS NULL
              AND EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = e.sha256 AND p.status = 'indexed')
              AND NOT EXISTS (SELECT 1 FROM tagged_contents c
                               WHERE c.model_id = e.model_id AND c.sha256 = e.sha256 AND c.vocab_sig = ?)`,
        )
        .all(modelId, sig) as { sha256: string }[]
    ).map((r) => r.sha256);
  }

  /** Replaces a content's tags; call inside a transaction. */
  setContentTags(modelId: number, sha: string, sig: string, tags: { tagId: number; score: number }[]): void {
    this.db.prepare('DELETE FROM photo_tags WHERE model_id = ? AND sha256 = ?').run(modelId, sha);
    const ins = this.db.prepare('INSERT INTO photo_tags (model_id, sha256, tag_id, score) VALUES (?, ?, ?, ?)');
    for (const t of tags) ins.run(modelId, sha, t.tagId, t.score);
    this.db
      .prepare('INSERT OR REPLACE INTO tagged_contents (model_id, sha256, vocab_sig) VALUES (?, ?, ?)')
      .run(modelId, sha, sig);
  }

  tagsOfContent(modelId: number, sha: string): (TagRow & { score: number })[] {
    return this.db
      .prepare(
        `SELECT t.*, pt.score AS score FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
          WHERE pt.model_id = ? AND pt.sha256 = ? ORDER BY pt.score DESC, t.id`,
      )
      .all(modelId, sha) as (TagRow & { score: number })[];
  }

  /**
   * Indexed photos (optionally of one library folder, or at/below a directory) with their tags;
   * `tagged` says whether the content was tagged at all (a photo may rightly have no tag).
   */
  photosWithTags(
    modelId: number,
    where: { folderId?: number; under?: string },
  ): { id: number; path: string; tagged: boolean; tags: { row: TagRow; score: number }[] }[] {
    const cond: string[] = ["p.status = 'indexed'", 'p.sha256 IS NOT NULL'];
    const args: unknown[] = [];
    if (where.folderId !== undefined) {
      cond.push('p.folder_id = ?');
      args.push(where.folderId);
    }
    if (where.under !== undefined) {
      cond.push('(p.path = ? OR substr(p.path, 1, ?) = ?)');
      const prefix = where.under.endsWith(path.sep) ? where.under : where.under + path.sep;
      args.push(where.under, prefix.length, prefix);
    }
    const photos = this.db
      .prepare(
        `SELECT p.id, p.path, p.sha256,
                EXISTS (SELECT 1 FROM tagged_contents c WHERE c.model_id = ? AND c.sha256 = p.sha256) AS tagged
           FROM photos p WHERE ${cond.join(' AND ')} ORDER BY p.path`,
      )
      .all(modelId, ...args) as { id: number; path: string; sha256: string; tagged: number }[];
    const tagRows = new Map((this.db.prepare('SELECT * FROM tags').all() as TagRow[]).map((t) => [t.id, t]));
    const byContent = new Map<string, { row: TagRow; score: number }[]>();
    const stmt = this.db.prepare('SELECT tag_id, score FROM photo_tags WHERE model_id = ? AND sha256 = ? ORDER BY score DESC');
    return photos.map((p) => {
      let tags = byContent.get(p.sha256);
      if (!tags) {
        tags = (stmt.all(modelId, p.sha256) as { tag_id: number; score: number }[])
          .filter((r) => tagRows.has(r.tag_id))
          .map((r) => ({ row: tagRows.get(r.tag_id)!, score: r.score }));
        byContent.set(p.sha256, tags);
      }
      return { id: p.id, path: p.path, tagged: p.tagged === 1, tags };
    });
  }

  /** Tags whose English (any case), Chinese name or key is exactly `name`. */
  matchingName(name: string): TagRow[] {
    const n = name.trim();
    return this.db
      .prepare('SELECT * FROM tags WHERE en = ? COLLATE NOCASE OR zh = ? OR key = ? ORDER BY id')
      .all(n, n, n) as TagRow[];
  }

  /** Photos carrying any of the tags, newest first, like the photo grid. */
  photosOfTags(
    modelId: number,
    tagIds: number[],
    opts: { folderId?: number; offset?: number; limit?: number },
  ): { rows: PhotoRow[]; total: number } {
    if (!tagIds.length) return { rows: [], total: 0 };
    const marks = tagIds.map(() => '?').join(', ');
    const folder = opts.folderId !== undefined ? 'AND p.folder_id = ?' : '';
    const from = `FROM photos p WHERE p.status = 'indexed' ${folder}
      AND EXISTS (SELECT 1 FROM photo_tags pt WHERE pt.model_id = ? AND pt.sha256 = p.sha256 AND pt.tag_id IN (${marks}))`;
    // Parameters in the order they appear in the SQL text: folder, then the EXISTS subquery.
    const ordered = [...(opts.folderId !== undefined ? [opts.folderId] : []), modelId, ...tagIds];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${from}`).get(...ordered) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT p.* ${from} ORDER BY COALESCE(p.taken_at, '') DESC, p.path LIMIT ? OFFSET ?`)
      .all(...ordered, opts.limit ?? 200, opts.offset ?? 0) as PhotoRow[];
    return { rows, total };
  }

  /** Tags with how many indexed photos carry them; `query` filters names by substring. */
  usage(modelId: number | null, query: string | undefined, limit: number): (TagRow & { photos: number })[] {
    const q = query?.trim();
    const filter = q ? "AND (t.en LIKE ? ESCAPE '\\' COLLATE NOCASE OR t.zh LIKE ? ESCAPE '\\' OR t.key LIKE ? ESCAPE '\\')" : '';
    const like = q ? `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const rows = this.db
      .prepare(
        `SELECT t.*, (SELECT COUNT(*) FROM photos p JOIN photo_tags pt ON pt.sha256 = p.sha256
                       WHERE pt.tag_id = t.id AND pt.model_id = ? AND p.status = 'indexed') AS photos
           FROM tags t WHERE 1 = 1 ${filter}`,
      )
      .all(modelId ?? -1, ...(like ? [like, like, like] : [])) as (TagRow & { photos: number })[];
    return rows
      .filter((r) => r.photos > 0 || r.source === 'custom')
      .sort((a, b) => b.photos - a.photos || a.id - b.id)
      .slice(0, limit);
  }
}

