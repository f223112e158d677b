// Exact nearest neighbours over a small vec0 table (the tag view's few thousand tag sequences)
// from a float matrix held in memory. sqlite-vec's KNN with k = the whole table sorts and
// returns every row through SQL (~40 ms for 1,600 rows, measured by bench:scale); a plain
// dot product over the same floats takes well under a millisecond. The matrix is reloaded when
// the caller's `version` of the table changes (the rows are written and deleted together with
// their vectors, so a count and a highest id describe the table).
import type { Db } from '../store/index.js';
import { eachVector } from './vector-index.js';

interface Matrix {
  version: string;
  ids: number[];
  rows: Float32Array;
  norms: Float32Array;
  dim: number;
}

const held = new WeakMap<Db, Map<string, Matrix>>();

/** Every row of `table` (a vec0 table) by cosine to `query`, best first. */
export function rankAll(db: Db, table: string, version: string, query: Float32Array): { id: number; score: number }[] {
  const { ids, scores } = scoreAll(db, table, version, query);
  return ids.map((id, i) => ({ id, score: scores[i] })).sort((a, b) => b.score - a.score || a.id - b.id);
}

/** The cosine of every row of `table` to `query`, in the table's row order (no sort, no objects). */
export function scoreAll(db: Db, table: string, version: string, query: Float32Array): { ids: readonly number[]; scores: Float64Array } {
  const m = matrix(db, table, version, query.length);
  let qn = 0;
  for (const x of query) qn += x * x;
  qn = Math.sqrt(qn);
  const scores = new Float64Array(m.ids.length);
  for (let i = 0; i < m.ids.length; i++) {
    let dot = 0;
    const o = i * m.dim;
    for (let j = 0; j < m.dim; j++) dot += m.rows[o + j] * query[j];
    const den = m.norms[i] * qn;
    scores[i] = den > 0 ? dot / den : 0;
  }
  return { ids: m.ids, scores };
}

function matrix(db: Db, table: string, version: string, dim: number): Matrix {
  let tables = held.get(db);
  if (!tables) held.set(db, (tables = new Map()));
  let m = tables.get(table);
  if (!m || m.version !== version || m.dim !== dim) {
    const ids: number[] = [];
    const chunks: Float32Array[] = [];
    for (const [id, v] of eachVector(db, table, dim)) {
      ids.push(id);
      chunks.push(Float32Array.from(v));
    }
    const rows = new Float32Array(ids.length * dim);
    const norms = new Float32Array(ids.length);
    chunks.forEach((v, i) => {
      rows.set(v, i * dim);
      let n = 0;
      for (const x of v) n += x * x;
      norms[i] = Math.sqrt(n);
    });
    tables.set(table, (m = { version, ids, rows, norms, dim }));
  }
  return m;
}
