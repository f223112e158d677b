// The tag view's index: each content's tag sequence (its auto-tags, best first, in English and
// Chinese: "cat 猫, sofa 沙发") embedded by the model's text tower — a second vector per photo,
// ERNIE-ViL 2.0's object-tag view. Many photos share a sequence, so vectors are stored per
// distinct sequence (vec_tagseq_<model>, rowid = tag_sequences.id) and contents point at theirs.
// Tags come from main/core/tags (photo_tags); this follows them after each tagging run.
// Tables are created on first use per model, like vec_image_<model>: a vec0 column has a fixed
// dimension, and the tag tables belong to a later migration than the search ones.
import type { Db } from '../store/index.js';
import type { LoadedModel } from '../embed/loaded.js';
import { statement } from './statements.js';

export function tagSequenceTable(modelId: number): string {
  return `vec_tagseq_${Math.trunc(modelId)}`;
}

function hasTable(db: Db, name: string): boolean {
  return !!statement(db, 'SELECT 1 FROM sqlite_master WHERE name = ?').get(name);
}

export class TagSequenceIndex {
  constructor(private db: Db) {}

  /** True once sequences exist for this model (the view has something to search). */
  ready(modelId: number): boolean {
    return hasTable(this.db, tagSequenceTable(modelId)) && hasTable(this.db, 'content_tag_sequence');
  }

  /** Creates the tables for a model (sync does it; benches filling them directly too). */
  ensureTables(modelId: number, dim: number): void {
    if (this.ready(modelId)) return;
    this.db.transaction(() => {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS tag_sequences (
          id        INTEGER PRIMARY KEY,
          model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
          text      TEXT NOT NULL,
          -- JSON array of the tags in the sequence ("cat 猫"), shown as "why it matched"
          tags      TEXT NOT NULL,
          -- 0 when the model's tokenizer knows none of the words: no vector (it would match all)
          embedded  INTEGER NOT NULL,
          UNIQUE (model_id, text)
        );
        CREATE TABLE IF NOT EXISTS content_tag_sequence (
          model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
          sha256    TEXT NOT NULL,
          seq_id    INTEGER NOT NULL REFERENCES tag_sequences(id) ON DELETE CASCADE,
          PRIMARY KEY (model_id, sha256)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS content_tag_sequence_seq ON content_tag_sequence(seq_id);
        CREATE VIRTUAL TABLE IF NOT EXISTS ${tagSequenceTable(modelId)} USING vec0(embedding float[${Math.trunc(dim)}] distance_metric=cosine);
      `);
    })();
  }

  /**
   * Brings the sequences in step with the current tags: embeds sequences not seen before,
   * repoints changed contents, drops what no content uses. Returns how many contents changed.
   */
  async sync(model: LoadedModel, shouldStop?: () => boolean): Promise<number> {
    if (!hasTable(this.db, 'photo_tags')) return 0;
    const modelId = model.modelId;
    this.ensureTables(modelId, model.model.dim);
    const rawTags = new Map<string, string>();
    const current = new Map<string, string>(
      (
        this.db
          .prepare(
            `SELECT pt.sha256 AS sha256, json_group_array(t.en || ' ' || t.zh ORDER BY pt.score DESC, t.id) AS tags
               FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
              WHERE pt.model_id = ? GROUP BY pt.sha256`,
          )
          .all(modelId) as { sha256: string; tags: string }[]
      ).map((r) => {
        rawTags.set(r.sha256, r.tags);
        return [r.sha256, (JSON.parse(r.tags) as string[]).join(', ')];
      }),
    );
    // The tag list of each sequence text, kept as JSON (a tag name may itself hold a comma).
    const tagsOf = new Map<string, string>();
    const stored = new Map(
      (
        this.db
          .prepare(
            `SELECT c.sha256 AS sha256, s.text AS text FROM content_tag_sequence c JOIN tag_sequences s ON s.id = c.seq_id
              WHERE c.model_id = ?`,
          )
          .all(modelId) as { sha256: string; text: string }[]
      ).map((r) => [r.sha256, r.text]),
    );
    const changed = [...current].filter(([sha, text]) => stored.get(sha) !== text);
    const removed = [...stored.keys()].filter((sha) => !current.has(sha));
    if (!changed.length && !removed.length) return 0;

    const known = new Map(
      (this.db.prepare('SELECT id, text FROM tag_sequences WHERE model_id = ?').all(modelId) as { id: number; text: string }[]).map(
        (r) => [r.text, r.id],
      ),
    );
    const fresh = new Map<string, Float32Array | null>();
    for (const [sha, text] of changed) {
      if (known.has(text) || fresh.has(text)) continue;
      tagsOf.set(text, rawTags.get(sha)!);
      if (shouldStop?.()) return 0; // nothing written yet: the next run starts over
      const v = await model.model.embedText(text);
      fresh.set(text, v.some((x) => x !== 0) ? v : null);
    }
    const table = tagSequenceTable(modelId);
    this.db.transaction(() => {
      const insSeq = this.db.prepare('INSERT INTO tag_sequences (model_id, text, tags, embedded) VALUES (?, ?, ?, ?)');

      const insVec = this.db.prepare(`INSERT INTO ${table} (rowid, embedding) VALUES (?, ?)`);
      for (const [text, v] of fresh) {
        const id = Number(insSeq.run(modelId, text, tagsOf.get(text)!, v ? 1 : 0).lastInsertRowid);
        if (v) insVec.run(BigInt(id), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
        known.set(text, id);
      }
      const put = this.db.prepare(
        'INSERT INTO content_tag_sequence (model_id, sha256, seq_id) VALUES (?, ?, ?) ON CONFLICT (model_id, sha256) DO UPDATE SET seq_id = excluded.seq_id',
      );
      for (const [sha, text] of changed) put.run(modelId, sha, known.get(text)!);
      const del = this.db.prepare('DELETE FROM content_tag_sequence WHERE model_id = ? AND sha256 = ?');
      for (const sha of removed) del.run(modelId, sha);
      const unused = this.db
        .prepare(
          `SELECT id FROM tag_sequences s WHERE s.model_id = ?
              AND NOT EXISTS (SELECT 1 FROM content_tag_sequence c WHERE c.seq_id = s.id)`,
        )
        .pluck()
        .all(modelId) as number[];
      for (const id of unused) {
        this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(BigInt(id));
        this.db.prepare('DELETE FROM tag_sequences WHERE id = ?').run(id);
      }
    })();
    return changed.length + removed.length;
  }
}
