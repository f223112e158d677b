// Which vector row holds the content of each text-in-photo row (ocr_texts.id → embeddings.id
// of the search model), so a filtered text search asks the filter bitmap (facets.ts) in memory
// instead of reading each candidate's photo rows: at 100k photos a date filter tripled the OCR
// view's time (it reads ~10 candidates per accepted one). Loaded at the first filtered text
// search (vector-rows.ts); rows added since are read on each use.
import type { Db } from '../store/index.js';
import { vectorRowsByContent } from './vector-rows.js';

export class OcrContents {
  private eids = new Int32Array(0);
  private maxId = 0;

  private constructor(
    private db: Db,
    readonly modelId: number,
  ) {}

  static load(db: Db, modelId: number): OcrContents {
    const m = new OcrContents(db, modelId);
    m.maxId = (db.prepare('SELECT COALESCE(MAX(id), 0) FROM ocr_texts').pluck().get() as number) ?? 0;
    m.eids = vectorRowsByContent(db, modelId, 'SELECT sha256, id FROM ocr_texts ORDER BY sha256', m.maxId);
    return m;
  }

  /** The embeddings.id of a text row's content, 0 when unknown (no vector then, or a row newer than the map). */
  eidOf(ocrId: number): number {
    return ocrId < this.eids.length ? this.eids[ocrId] : 0;
  }

  /** Takes in text rows written since the last look (an index seek when there are none). */
  catchUp(): void {
    const rows = this.db
      .prepare(
        `SELECT t.id, COALESCE(e.id, 0) FROM ocr_texts t LEFT JOIN embeddings e ON e.model_id = ? AND e.sha256 = t.sha256
          WHERE t.id > ? ORDER BY t.id`,
      )
      .raw()
      .all(this.modelId, this.maxId) as [number, number][];
    if (!rows.length) return;
    const top = rows[rows.length - 1][0];
    if (top >= this.eids.length) {
      const next = new Int32Array(Math.max(top + 1, Math.ceil(this.eids.length * 1.5)));
      next.set(this.eids);
      this.eids = next;
    }
    for (const [id, eid] of rows) this.eids[id] = eid;
    this.maxId = top;
  }
}
