// Which vector row holds the content of each text-in-photo row (ocr_texts.id → embeddings.id
// of the search model), so a filtered text search asks the filter bitmap (facets.ts) in memory
// instead of reading each candidate's photo rows: at 100k photos a date filter tripled the OCR
// view's time (it reads ~10 candidates per accepted one). Loaded at the first filtered text
// search by merging two hash-ordered covering scans; rows added since are read on each use.
import type { Db } from '../store/index.js';

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
    m.eids = new Int32Array(m.maxId + 1);
    const texts = db.prepare('SELECT sha256, id FROM ocr_texts WHERE id <= ? ORDER BY sha256').raw().iterate(m.maxId) as Iterator<[string, number]>;
    const vectors = db.prepare('SELECT sha256, id FROM embeddings WHERE model_id = ? ORDER BY sha256').raw().iterate(modelId) as Iterator<[string, number]>;
    // Hashes are lower-case hex: SQLite's binary order and JavaScript's string order agree.
    let v = vectors.next();
    for (let t = texts.next(); !t.done; t = texts.next()) {
      while (!v.done && v.value[0] < t.value[0]) v = vectors.next();
      if (v.done) {
        texts.return?.();
        break;
      }
      if (v.value[0] === t.value[0]) m.eids[t.value[1]] = v.value[1];
    }
    vectors.return?.();
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
