// Stored OCR text: ocr_texts (one row per content hash) and its FTS5 index ocr_fts (schema in
// store/migrations.ts). Writes happen inside the transaction that finishes the OCR job.
import type { Db } from '../store/index.js';
import { indexText } from '../search/text.js';
import { OCR_ENGINE, joinLines, type OcrLine } from './types.js';

export interface OcrText {
  sha256: string;
  text: string;
  lines: OcrLine[];
  error: string | null;
}

export class OcrRepo {
  constructor(private db: Db) {}

  has(sha: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM ocr_texts WHERE sha256 = ?').get(sha);
  }

  get(sha: string): OcrText | null {
    const row = this.db.prepare('SELECT sha256, text, lines, error FROM ocr_texts WHERE sha256 = ?').get(sha) as
      | { sha256: string; text: string; lines: string; error: string | null }
      | undefined;
    return row ? { ...row, lines: JSON.parse(row.lines) as OcrLine[] } : null;
  }

  /** Stores a content's text (replacing an older reading). Call inside the job's transaction. */
  put(sha: string, lines: OcrLine[], engine = OCR_ENGINE): void {
    this.write(sha, joinLines(lines), lines, null, engine);
  }

  /** Records that this content could not be read, so it is not retried until it changes. */
  putError(sha: string, error: string, engine = OCR_ENGINE): void {
    this.write(sha, '', [], error, engine);
  }

  private write(sha: string, text: string, lines: OcrLine[], error: string | null, engine: string): void {
    const old = this.db.prepare('SELECT id FROM ocr_texts WHERE sha256 = ?').get(sha) as { id: number } | undefined;
    if (old) {
      this.db.prepare('DELETE FROM ocr_fts WHERE rowid = ?').run(old.id);
      this.db.prepare('DELETE FROM ocr_texts WHERE id = ?').run(old.id);
    }
    const id = this.db
      .prepare('INSERT INTO ocr_texts (sha256, engine, text, lines, error, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha, engine, text, JSON.stringify(lines), error, Date.now()).lastInsertRowid;
    if (text) {
      const { words, chars } = indexText(text);
      this.db.prepare('INSERT INTO ocr_fts (rowid, words, chars) VALUES (?, ?, ?)').run(id, words, chars);
    }
  }

  /** Drops text of contents no photo has any more (after the library settled: at start-up). */
  purgeUnused(): number {
    return this.db.transaction(() => {
      this.db.exec(`DELETE FROM ocr_fts WHERE rowid IN (
        SELECT t.id FROM ocr_texts t WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = t.sha256))`);
      return this.db
        .prepare('DELETE FROM ocr_texts WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = ocr_texts.sha256)')
        .run().changes;
    })();
  }

  counts(): { read: number; withText: number; failed: number } {
    return this.db
      .prepare(
        `SELECT COUNT(*) AS read, COALESCE(SUM(text <> ''), 0) AS withText, COALESCE(SUM(error IS NOT NULL), 0) AS failed
           FROM ocr_texts`,
      )
      .get() as { read: number; withText: number; failed: number };
  }
}
