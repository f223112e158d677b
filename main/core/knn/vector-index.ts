// One model's image vectors as compact in-memory codes (codes.ts), loaded once from the
// sqlite-vec table and kept in step with it. sqlite-vec stays the store of record (exact
// floats, crash-safe with the photo rows); this is a cache that can always be rebuilt.
//
// search(): Hamming scan of the bit codes over every allowed row → the best `candidates` →
// int8 cosine of those → the best k. Filters are a bitmap of allowed rows handed in
// (facets.ts), applied inside the scan: a filter never shrinks the result list or needs a
// wider k. The scans run in WebAssembly SIMD over the codes in place (kernels.ts).
import type { Db } from '../store/index.js';
import { vectorFromBlob, vectorTable } from '../store/vectors.js';
import { bitWords, cosine, encodeBits, encodeInt16, encodeInt8, normalizeInto, smallest } from './codes.js';
import { CodeArena } from './kernels.js';
import { bytesOf, headerParts, readRegions, writeParts } from './cache-file.js';
import type { CodesView } from './batch.js';


/** Below this many allowed rows the int8 re-score covers all of them (exact ranking). */
const EXHAUSTIVE_ROWS = 20_000;
export interface IndexHit {
  /** embeddings.id (= the vec0 rowid). */
  eid: number;
  /** Cosine similarity. */
  score: number;
}

export interface SearchOptions {
  /** Rows (positions, see positionOf) that may be returned; null = all. */
  allowed?: Uint8Array | null;
  /** Candidates kept from the bit scan for the int8 re-score (default: see candidatesFor). */
  candidates?: number;
}

/** Rows the mean is estimated from (the centring that makes sign bits informative). */
const MEAN_SAMPLE = 20_000;

export class VectorIndex {
  readonly words: number;
  private n = 0;
  private arena: CodeArena;
  private factors: Float32Array;
  private eids: Int32Array;
  private alive: Uint8Array;
  /** embeddings.id → position (+1; 0 = absent). */
  private posOfEid = new Int32Array(0);
  private mean: Float32Array;
  /** Rows when the mean was last estimated; re-estimated as the library grows 4×. */
  private meanRows = 0;
  /** Highest embeddings.id held. */
  private maxEid = 0;
  private unit: Float32Array;

  private constructor(
    private db: Db,
    readonly modelId: number,
    readonly dim: number,
    capacity: number,
  ) {
    this.words = bitWords(dim);
    this.arena = new CodeArena(capacity, dim);
    this.factors = new Float32Array(capacity);
    this.eids = new Int32Array(capacity);
    this.alive = new Uint8Array(capacity);
    this.mean = new Float32Array(dim);
    this.unit = new Float32Array(dim);
  }

  /**
   * Reads every vector of the model (streamed chunk by chunk: never all floats at once). With
   * `cacheFile`, the codes are read from that file instead when it was written for exactly the
   * rows the store now holds (see fingerprint), and written there after a full build.
   */
  static load(db: Db, modelId: number, dim: number, cacheFile?: string): VectorIndex {
    const print = fingerprint(db, modelId);
    const orphaned = db.prepare('SELECT id FROM embeddings WHERE model_id = ? AND orphaned_at IS NOT NULL').pluck().all(modelId) as number[];
    if (cacheFile) {
      const cached = VectorIndex.restore(db, modelId, dim, cacheFile, print);
      if (cached) {
        for (const eid of orphaned) cached.setAlive(eid, false);
        return cached;
      }
    }
    const index = new VectorIndex(db, modelId, dim, Math.max(1024, print.count));
    const dead = new Set(orphaned);
    // First pass over a sample for the mean, then every row: bits need the mean.
    index.estimateMeanFrom(eachVector(db, modelId, dim, MEAN_SAMPLE));
    for (const [eid, v] of eachVector(db, modelId, dim)) index.append(eid, v, !dead.has(eid));
    index.meanRows = Math.max(index.n, 1);
    if (cacheFile) index.save(cacheFile, print);
    return index;
  }

  /** Writes the codes (atomically: a temp file renamed) for the next start. Best effort. */
  private save(file: string, print: Fingerprint): void {
    const a = this.arena;
    writeParts(file, [
      ...headerParts({ format: CACHE_FORMAT, dim: this.dim, n: this.n, print }, 16),
      bytesOf(this.eids.subarray(0, this.n)), bytesOf(this.factors.subarray(0, this.n)), bytesOf(this.mean),
      bytesOf(a.bits.subarray(0, this.n * a.m * 4)), bytesOf(a.codes.subarray(0, this.n * a.dimPad)),
    ]);
  }

  /**
   * Reads a cache file straight into the index's arrays (one read per region, no copy of the
   * whole file in between: at a million rows the file is ~590 MB and a second copy of it
   * would be most of the process's peak memory).
   */
  private static restore(db: Db, modelId: number, dim: number, file: string, print: Fingerprint): VectorIndex | null {
    let index: VectorIndex | null = null;
    let same = false;
    const h = readRegions<{ format: number; dim: number; n: number; print: Fingerprint }>(file, (h) => {
      if (h.format !== CACHE_FORMAT || h.dim !== dim) return null;
      same = JSON.stringify(h.print) === JSON.stringify(print);
      if (!same && !grewFrom(db, modelId, h.print)) return null;
      index = new VectorIndex(db, modelId, dim, Math.max(1024, h.n));
      const a = index.arena;
      return [
        bytesOf(index.eids.subarray(0, h.n)),
        bytesOf(index.factors.subarray(0, h.n)),
        bytesOf(index.mean),
        bytesOf(a.bits.subarray(0, h.n * a.m * 4)),
        bytesOf(a.codes.subarray(0, h.n * a.dimPad)),
      ];
    }, 16);
    if (!h || !index) return null;
    try {
      return VectorIndex.restored(index, h, same);
    } catch {
      return null;
    }
  }

  /** An index whose arrays a cache file filled: the positions, and the rows added since. */
  private static restored(index: VectorIndex, h: { n: number; print: Fingerprint }, same: boolean): VectorIndex {
    index.n = h.n;
    index.alive.fill(1, 0, h.n);
    index.posOfEid = new Int32Array(h.print.maxEid + 1024);
    const eids = index.eids;
    for (let i = 0; i < h.n; i++) {
      if (eids[i] >= index.posOfEid.length) {
        const next = new Int32Array(eids[i] + 1024);
        next.set(index.posOfEid);
        index.posOfEid = next;
      }
      index.posOfEid[eids[i]] = i + 1;
    }
    index.meanRows = Math.max(h.n, 1);
    index.maxEid = h.print.maxEid;
    // Rows added since the file was written (an index that only grew): read just those.
    if (!same) index.catchUp();
    return index;
  }

  get size(): number {
    return this.n;
  }

  /** The codes in place, for scans over every row at once (batch.ts); valid until the next write. */
  codesView(): CodesView {
    return { n: this.n, dim: this.dim, arena: this.arena, factors: this.factors, eids: this.eids, alive: this.alive };
  }

  /** Position of an embedding row, -1 if the index does not hold it. */
  positionOf(eid: number): number {
    return eid < this.posOfEid.length ? this.posOfEid[eid] - 1 : -1;
  }

  /** Whether the row at a position is in use (not orphaned, not purged). */
  aliveAt(at: number): boolean {
    return at >= 0 && at < this.n && this.alive[at] === 1;
  }

  /** Adds (or replaces) a vector. */
  put(eid: number, vector: Float32Array, alive = true): void {
    const at = this.positionOf(eid);
    if (at >= 0) {
      this.encodeAt(at, vector);
      this.alive[at] = alive ? 1 : 0;
      return;
    }
    this.append(eid, vector, alive);
    if (this.n >= 1000 && this.n >= this.meanRows * 4) this.recentre();
  }

  setAlive(eid: number, alive: boolean): void {
    const at = this.positionOf(eid);
    if (at >= 0) this.alive[at] = alive ? 1 : 0;
  }

  /** Follows changed embedding rows: new vectors, orphaned/adopted ones, purged ones. */
  sync(eids: readonly number[]): void {
    if (!eids.length) return;
    const row = this.db.prepare('SELECT model_id, orphaned_at FROM embeddings WHERE id = ?');
    const vec = this.db.prepare(`SELECT embedding FROM ${vectorTable(this.modelId)} WHERE rowid = ?`).pluck();
    for (const eid of eids) {
      const r = row.get(eid) as { model_id: number; orphaned_at: number | null } | undefined;
      if (!r) {
        this.setAlive(eid, false);
        continue;
      }
      if (r.model_id !== this.modelId) continue;
      if (this.positionOf(eid) >= 0) {
        this.setAlive(eid, r.orphaned_at === null);
        continue;
      }
      // The vec0 row is written right after its embeddings row, in the same transaction.
      const blob = vec.get(BigInt(eid)) as Buffer | undefined;
      if (blob) this.put(eid, vectorFromBlob(blob), r.orphaned_at === null);
    }
  }

  /** Rows added by another connection (or since the cache file): every embedding id above the highest held. */
  catchUp(): void {
    const ids = this.db.prepare('SELECT id FROM embeddings WHERE model_id = ? AND id > ?').pluck().all(this.modelId, this.maxEid) as number[];
    this.sync(ids);
  }

  /**
   * Default bit-scan candidates. Up to EXHAUSTIVE_ROWS allowed rows every row is re-scored by
   * int8 cosine (a few ms), so a small or narrowly filtered library gets the exact ranking, not
   * an approximation; above that, enough for recall@10 ≥ 0.95 at a million (bench:scale).
   */
  static candidatesFor(k: number, rows: number): number {
    if (rows <= EXHAUSTIVE_ROWS) return rows;
    return Math.min(rows, Math.max(8 * k, 2000 + Math.ceil(rows * 0.03)));
  }

  /**
   * The k nearest rows to `query`, best first, by int8 cosine (within ~1e-3 of the exact one).
   * Not re-scored from the stored floats: a point lookup in sqlite-vec reads its 1,024-vector
   * chunk (~0.4 ms each, measured), which would cost more than the whole scan.
   */
  search(query: Float32Array, k: number, opts: SearchOptions = {}): IndexHit[] {
    if (this.n === 0 || k <= 0) return [];
    const a = this.arena;
    const q = this.unit;
    if (normalizeInto(query, q) === 0) return [];
    const allowed = this.allowRows(opts.allowed ?? null);
    if (allowed === 0) return [];
    encodeBits(q, this.mean, a.qbits, 0);
    a.hamming(this.n);
    const count = smallest(a.dist, this.n, opts.candidates ?? VectorIndex.candidatesFor(k, allowed), a.m * 128, a.rows);
    const qf = encodeInt16(q, a.q16);
    a.dot8(count);
    const scores = new Float32Array(count);
    for (let i = 0; i < count; i++) scores[i] = a.dots[i] * this.factors[a.rows[i]] * qf;
    const order = topIndices(scores, k);
    return order.map((i) => ({ eid: this.eids[a.rows[i]], score: scores[i] }));
  }

  /** Exact cosine over every allowed row (tests and bench:scale's recall oracle). */
  exact(query: Float32Array, k: number, allowed: Uint8Array | null = null): IndexHit[] {
    const hits: IndexHit[] = [];
    for (const [eid, v] of eachVector(this.db, this.modelId, this.dim)) {
      const at = this.positionOf(eid);
      if (at < 0 || !this.alive[at] || (allowed && !allowed[at])) continue;
      hits.push({ eid, score: cosine(query, v) });
    }
    return hits.sort((a, b) => b.score - a.score || a.eid - b.eid).slice(0, k);
  }

  /** The stored float vector of a row's content, from sqlite-vec. */
  vectorOf(eid: number): Float32Array | null {
    const blob = this.db.prepare(`SELECT embedding FROM ${vectorTable(this.modelId)} WHERE rowid = ?`).pluck().get(BigInt(eid)) as
      | Buffer
      | undefined;
    return blob ? vectorFromBlob(blob) : null;
  }

  /** Approximate bytes held (for the docs' memory budget: ~dim + dim/8 + 12 per vector). */
  get bytes(): number {
    return this.arena.bits.byteLength + this.arena.codes.byteLength + this.arena.capacity * 11 + this.factors.byteLength + this.eids.byteLength + this.alive.byteLength + this.posOfEid.byteLength;
  }

  /** Sets the arena's allowed bytes (alive rows, and those `allowed` marks); returns how many. */
  private allowRows(allowed: Uint8Array | null): number {
    const out = this.arena.allowed;
    const m = allowed ? Math.min(this.n, allowed.length) : this.n;
    let count = 0;
    if (!allowed) for (let i = 0; i < m; i++) count += out[i] = this.alive[i];
    else for (let i = 0; i < m; i++) count += out[i] = allowed[i] & this.alive[i];
    out.fill(0, m, this.n);
    return count;
  }

  private append(eid: number, vector: Float32Array, alive: boolean): void {
    if (this.n === this.eids.length) this.grow();
    const at = this.n++;
    this.eids[at] = eid;
    this.alive[at] = alive ? 1 : 0;
    if (eid >= this.posOfEid.length) {
      const next = new Int32Array(Math.max(eid + 1, Math.ceil(this.posOfEid.length * 1.5), 1024));
      next.set(this.posOfEid);
      this.posOfEid = next;
    }
    this.posOfEid[eid] = at + 1;
    this.maxEid = Math.max(this.maxEid, eid);
    this.encodeAt(at, vector);
  }

  private encodeAt(at: number, vector: Float32Array): void {
    normalizeInto(vector, this.unit);
    this.factors[at] = encodeInt8(this.unit, this.arena.codes, at * this.arena.dimPad);
    encodeBits(this.unit, this.mean, this.arena.bits, at * this.arena.m * 4);
  }

  private grow(): void {
    const cap = Math.ceil(this.eids.length * 1.5);
    const grow = <T extends Uint8Array | Int32Array | Float32Array>(a: T, per: number): T => {
      const next = new (a.constructor as new (n: number) => T)(cap * per);
      next.set(a);
      return next;
    };
    this.arena = this.arena.grown(cap, this.n);
    this.factors = grow(this.factors, 1);
    this.eids = grow(this.eids, 1);
    this.alive = grow(this.alive, 1);
  }

  private estimateMeanFrom(vectors: Iterable<[number, Float32Array]>): void {
    const sum = new Float64Array(this.dim);
    let rows = 0;
    for (const [, v] of vectors) {
      normalizeInto(v, this.unit);
      for (let i = 0; i < this.dim; i++) sum[i] += this.unit[i];
      rows++;
    }
    for (let i = 0; i < this.dim; i++) this.mean[i] = rows ? sum[i] / rows : 0;
  }

  /** The library outgrew the mean its bits were made with: re-estimate it from the int8 codes. */
  private recentre(): void {
    const sum = new Float64Array(this.dim);
    const step = Math.max(1, Math.floor(this.n / MEAN_SAMPLE));
    let rows = 0;
    const { codes, bits, dimPad, m } = this.arena;
    for (let r = 0; r < this.n; r += step, rows++) {
      const o = r * dimPad;
      for (let i = 0; i < this.dim; i++) sum[i] += codes[o + i] * this.factors[r];
    }
    for (let i = 0; i < this.dim; i++) this.mean[i] = sum[i] / rows;
    for (let r = 0; r < this.n; r++) {
      const o = r * dimPad;
      for (let i = 0; i < this.dim; i++) this.unit[i] = codes[o + i] * this.factors[r];
      encodeBits(this.unit, this.mean, bits, r * m * 4);
    }
    this.meanRows = this.n;
  }
}

/** Bumped when the cache file layout changes. */
const CACHE_FORMAT = 1;

/**
 * What the cache file must have been written for: the model's row count, highest id and the
 * contents of its lowest and highest rows. Vectors never change for an id (a content's vector is
 * written once), and new rows always take the highest id, so any insert or delete since the
 * file was written changes this (an id reused after deleting the highest row carries another
 * content, and another content another vector).
 */
interface Fingerprint {
  count: number;
  maxEid: number;
  first: string | null;
  last: string | null;
}

function fingerprint(db: Db, modelId: number): Fingerprint {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS count, COALESCE(MAX(id), 0) AS maxEid,
              (SELECT sha256 FROM embeddings WHERE model_id = @m ORDER BY id LIMIT 1) AS first,
              (SELECT sha256 FROM embeddings WHERE model_id = @m ORDER BY id DESC LIMIT 1) AS last
         FROM embeddings WHERE model_id = @m`,
    )
    .get({ m: modelId }) as Fingerprint;
  return { count: r.count, maxEid: r.maxEid, first: r.first, last: r.last };
}

/** The store holds every row the file was written for, unchanged, and only rows above them since. */
function grewFrom(db: Db, modelId: number, then: Fingerprint): boolean {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS count,
              (SELECT sha256 FROM embeddings WHERE model_id = @m ORDER BY id LIMIT 1) AS first,
              (SELECT sha256 FROM embeddings WHERE id = @max AND model_id = @m) AS last
         FROM embeddings WHERE model_id = @m AND id <= @max`,
    )
    .get({ m: modelId, max: then.maxEid }) as { count: number; first: string | null; last: string | null };
  return r.count === then.count && r.first === then.first && r.last === then.last;
}


/** Indices of the k largest scores, largest first (ties by index). */
function topIndices(scores: Float32Array, k: number): number[] {
  const idx = Array.from(scores.keys());
  if (idx.length > 4 * k) {
    // Partial: keep what beats the k-th largest of a sorted copy.
    const sorted = Float32Array.from(scores).sort();
    const kth = sorted[sorted.length - Math.min(k, sorted.length)];
    return idx.filter((i) => scores[i] >= kth).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
  }
  return idx.sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

/**
 * Every (rowid, vector) of a vec0 table (a model's image vectors, or another vec0 table by name), read from sqlite-vec's chunk tables
 * (1,024 vectors a row: ~1,000 reads for a million instead of a million point lookups). Falls
 * back to a plain table scan if the shadow tables are not laid out as sqlite-vec 0.1.x lays them.
 */
export function* eachVector(db: Db, modelOrTable: number | string, dim: number, limit = Infinity): Generator<[number, Float32Array]> {
  const table = typeof modelOrTable === 'number' ? vectorTable(modelOrTable) : modelOrTable;
  let chunked = true;
  try {
    db.prepare(`SELECT chunk_id, size, validity, rowids FROM ${table}_chunks LIMIT 0`).all();
    db.prepare(`SELECT rowid, vectors FROM ${table}_vector_chunks00 LIMIT 0`).all();
  } catch {
    chunked = false;
  }
  let yielded = 0;
  if (!chunked) {
    for (const r of db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().iterate() as Iterable<[number, Buffer]>) {
      if (yielded++ >= limit) return;
      yield [Number(r[0]), vectorFromBlob(r[1])];
    }
    return;
  }
  const rows = db
    .prepare(
      `SELECT c.size, c.validity, c.rowids, v.vectors FROM ${table}_chunks c
         JOIN ${table}_vector_chunks00 v ON v.rowid = c.chunk_id ORDER BY c.chunk_id`,
    )
    .raw()
    .iterate() as Iterable<[number, Buffer, Buffer, Buffer]>;
  for (const [size, validity, rowidBlob, vectors] of rows) {
    const rowids = new BigInt64Array(rowidBlob.buffer.slice(rowidBlob.byteOffset, rowidBlob.byteOffset + rowidBlob.byteLength));
    const floats = new Float32Array(vectors.buffer.slice(vectors.byteOffset, vectors.byteOffset + vectors.byteLength));
    for (let i = 0; i < size; i++) {
      if (!(validity[i >> 3] & (1 << (i & 7)))) continue;
      if (yielded++ >= limit) return;
      yield [Number(rowids[i]), floats.subarray(i * dim, (i + 1) * dim)];
    }
  }
}
