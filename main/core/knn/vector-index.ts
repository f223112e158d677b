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
  /** A 32-bit hash of each row's content (tagOf its sha256): tells a reused id at the next start. */
  private tags: Uint32Array;
  private alive: Uint8Array;
  /** embeddings.id → position (+1; 0 = absent). */
  private posOfEid = new Int32Array(0);
  private mean: Float32Array;
  /** Rows when the mean was last estimated; re-estimated as the library grows 4×. */
  private meanRows = 0;
  /** Highest embeddings.id held. */
  private maxEid = 0;
  private unit: Float32Array;
  /** The fingerprint (as JSON) of the rows its cache file holds, when it was read or written. */
  private filePrint: string | null = null;
  /** Rows added or purged (as far as this connection saw) since the cache file was read or written. */
  private touched = false;
  /**
   * How load() got the codes (tests, benches): the cache file as it was; the file and the rows
   * added since; the file checked row by row against the store (rows were deleted since it was
   * written); or every row.
   */
  loadedFrom: 'file' | 'file and rows since' | 'file, rows checked' | 'rows' = 'rows';

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
    this.tags = new Uint32Array(capacity);
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
    for (const [eid, v] of eachVector(db, modelId, dim)) index.append(eid, v, !dead.has(eid), 0);
    for (const [eid, tag] of contentTags(db, modelId, index.maxEid)) {
      const at = index.positionOf(eid);
      if (at >= 0) index.tags[at] = tag;
    }
    index.meanRows = Math.max(index.n, 1);
    if (cacheFile) index.save(cacheFile, print, [[0, index.n]]);
    return index;
  }

  /**
   * Writes the codes of the rows `runs` (position ranges [from, to)) for the next start,
   * atomically (a temp file renamed), as views of the arrays in place: no copy of ~590 MB at a
   * million. Best effort.
   */
  private save(file: string, print: Fingerprint, runs: readonly (readonly [number, number])[]): boolean {
    const a = this.arena;
    const n = runs.reduce((sum, [from, to]) => sum + to - from, 0);
    const each = (view: (from: number, to: number) => ArrayBufferView) => runs.map(([from, to]) => bytesOf(view(from, to)));
    const ok = writeParts(file, [
      ...headerParts({ format: CACHE_FORMAT, dim: this.dim, n, print }, 16),
      ...each((f, t) => this.eids.subarray(f, t)),
      ...each((f, t) => this.tags.subarray(f, t)),
      ...each((f, t) => this.factors.subarray(f, t)),
      bytesOf(this.mean),
      ...each((f, t) => a.bits.subarray(f * a.m * 4, t * a.m * 4)),
      ...each((f, t) => a.codes.subarray(f * a.dimPad, t * a.dimPad)),
    ]);
    if (ok) {
      this.filePrint = JSON.stringify(print);
      this.touched = false;
    }
    return ok;
  }

  /**
   * Before the library closes: writes the cache file again when it no longer holds exactly the
   * rows the store does — photos added since it was written (each start read those again,
   * 1.6–2.6 s for 20,000 at a million) or a row purged (the file no longer describes the store,
   * so the next start rebuilt everything: 28 s at a million; bench:reopen). The rows
   * written are the store's own, read in one snapshot with the fingerprint: a row purged
   * since the load stays in memory (positions must not move under the filter bitmaps) but not
   * in the file. Nothing is written when the index lacks a row the store holds. Without a
   * change seen since the file (`foreign`: another process wrote) it only returns. Returns
   * whether it wrote.
   */
  keepFor(file: string, foreign = false): boolean {
    if (!this.touched && !foreign) return false;
    this.catchUp();
    // Fingerprint and ids in one snapshot; the ids (a million at a million) only when it changed.
    const read = this.db.transaction(() => {
      const print = fingerprint(this.db, this.modelId);
      if (JSON.stringify(print) === this.filePrint) return null;
      return { print, ids: this.db.prepare('SELECT id FROM embeddings WHERE model_id = ?').pluck().all(this.modelId) as number[] };
    })();
    if (!read) return false;
    const { print, ids } = read;
    const held = new Uint8Array(this.n);
    for (const id of ids) {
      const at = this.positionOf(id);
      if (at < 0) return false;
      held[at] = 1;
    }
    const runs: [number, number][] = [];
    for (let at = 0; at < this.n; ) {
      if (!held[at]) {
        at++;
        continue;
      }
      const from = at;
      while (at < this.n && held[at]) at++;
      runs.push([from, at]);
    }
    return this.save(file, print, runs);
  }

  /**
   * Reads a cache file straight into the index's arrays (one read per region, no copy of the
   * whole file in between: at a million rows the file is ~590 MB and a second copy of it
   * would be most of the process's peak memory).
   */
  private static restore(db: Db, modelId: number, dim: number, file: string, print: Fingerprint): VectorIndex | null {
    let index: VectorIndex | null = null;
    let same = false;
    let grew = false;
    const h = readRegions<{ format: number; dim: number; n: number; print: Fingerprint }>(file, (h) => {
      if (h.format !== CACHE_FORMAT || h.dim !== dim) return null;
      same = JSON.stringify(h.print) === JSON.stringify(print);
      grew = same || grewFrom(db, modelId, h.print);
      // Room for the rows added since too: growing the arena copies it (~590 MB at a million).
      index = new VectorIndex(db, modelId, dim, Math.max(1024, h.n, print.count));
      const a = index.arena;
      return [
        bytesOf(index.eids.subarray(0, h.n)),
        bytesOf(index.tags.subarray(0, h.n)),
        bytesOf(index.factors.subarray(0, h.n)),
        bytesOf(index.mean),
        bytesOf(a.bits.subarray(0, h.n * a.m * 4)),
        bytesOf(a.codes.subarray(0, h.n * a.dimPad)),
      ];
    }, 16);
    if (!h || !index) return null;
    try {
      (index as VectorIndex).filePrint = JSON.stringify(h.print);
      return VectorIndex.restored(index, h, same, grew);
    } catch {
      return null;
    }
  }

  /**
   * An index whose arrays a cache file filled: the positions, and the rows added since (`grew`:
   * the store still holds every row the file was written for), or the file checked row by row
   * (rows were deleted since: see reconcile); null when that would cost more than a rebuild.
   */
  private static restored(index: VectorIndex, h: { n: number; print: Fingerprint }, same: boolean, grew: boolean): VectorIndex | null {
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
    index.loadedFrom = 'file';
    if (!grew) return index.reconcile() ? index : null;
    // Rows added since the file was written (an index that only grew): read just those.
    if (!same) {
      index.catchUp();
      index.loadedFrom = 'file and rows since';
    }
    return index;
  }

  /**
   * The file's rows checked against the store's, for a file the store no longer matches because
   * rows were deleted since it was written (a purge the app did not write at quit: a crash, or
   * a `cli index` run's purge while the app was closed). Without this, that start rebuilt the
   * index from every vector (27 s at a million; bench:reopen). One pass over the store's ids and
   * content hashes: a row the file holds under the same id and content is kept; a row gone from
   * the store is kept dead (as a purge while running leaves it); an id the file lacks, or holds
   * for another content (an id reused after the highest rows were deleted), is read again, one
   * by one. Rows above the file's are caught up as after a start that only grew. False when more
   * rows need reading than a rebuild would cost.
   */
  private reconcile(): boolean {
    const seen = new Uint8Array(this.n);
    const stale: number[] = [];
    for (const [eid, tag] of contentTags(this.db, this.modelId, this.maxEid)) {
      const at = this.positionOf(eid);
      if (at >= 0 && this.tags[at] === tag) seen[at] = 1;
      else stale.push(eid);
    }
    if (stale.length > Math.max(CHUNK_CATCH_UP, this.n / 50)) return false;
    for (let at = 0; at < this.n; at++) if (!seen[at]) this.alive[at] = 0;
    this.touched = true;
    this.sync(stale);
    this.catchUp();
    this.loadedFrom = 'file, rows checked';
    return true;
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

  /** Adds (or replaces) a vector; `tag`: tagOf its content's sha256. */
  private put(eid: number, vector: Float32Array, alive: boolean, tag: number): void {
    const at = this.positionOf(eid);
    if (at >= 0) {
      this.touched = true;
      this.encodeAt(at, vector);
      this.alive[at] = alive ? 1 : 0;
      this.tags[at] = tag;
      return;
    }
    this.append(eid, vector, alive, tag);
    if (this.n >= 1000 && this.n >= this.meanRows * 4) this.recentre();
  }

  setAlive(eid: number, alive: boolean): void {
    const at = this.positionOf(eid);
    if (at >= 0) this.alive[at] = alive ? 1 : 0;
  }

  /**
   * Follows changed embedding rows: new vectors, orphaned/adopted ones, purged ones, and ids
   * SQLite gave to another content (the highest rows purged, then a new photo): told by the
   * content's tag, and read again.
   */
  sync(eids: readonly number[]): void {
    if (!eids.length) return;
    const row = this.db.prepare('SELECT model_id, sha256, orphaned_at FROM embeddings WHERE id = ?');
    const vec = this.db.prepare(`SELECT embedding FROM ${vectorTable(this.modelId)} WHERE rowid = ?`).pluck();
    for (const eid of eids) {
      const r = row.get(eid) as { model_id: number; sha256: string; orphaned_at: number | null } | undefined;
      if (!r) {
        // Purged: kept in memory, dead (positions must not move under the filter bitmaps).
        if (this.positionOf(eid) >= 0) this.touched = true;
        this.setAlive(eid, false);
        continue;
      }
      if (r.model_id !== this.modelId) continue;
      const at = this.positionOf(eid);
      if (at >= 0 && this.tags[at] === tagOf(r.sha256)) {
        this.setAlive(eid, r.orphaned_at === null);
        continue;
      }
      // The vec0 row is written right after its embeddings row, in the same transaction.
      const blob = vec.get(BigInt(eid)) as Buffer | undefined;
      if (blob) this.put(eid, vectorFromBlob(blob), r.orphaned_at === null, tagOf(r.sha256));
      else this.setAlive(eid, false);
    }
  }

  /**
   * Rows added by another connection (or since the cache file): every embedding id above the
   * highest held. A few are read one by one; many (a `cli index` run while the app was closed)
   * from the sqlite-vec chunks that hold them: a point lookup reads its row's whole chunk
   * (0.1–0.25 ms a row at a million).
   */
  catchUp(): void {
    const rows = this.db
      .prepare('SELECT id, orphaned_at IS NULL AS live, sha256 FROM embeddings WHERE model_id = ? AND id > ?')
      .raw()
      .all(this.modelId, this.maxEid) as [number, number, string][];
    if (rows.length < CHUNK_CATCH_UP) return this.sync(rows.map(([id]) => id));
    const byId = new Map(rows.map(([id, live, sha]) => [id, { live, sha }]));
    const read = vectorsAbove(this.db, this.modelId, this.dim, this.maxEid);
    if (!read) return this.sync(rows.map(([id]) => id));
    for (const [eid, v] of read) {
      const r = byId.get(eid);
      if (r && this.positionOf(eid) < 0) this.put(eid, v, r.live === 1, tagOf(r.sha));
    }
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
    return this.arena.bits.byteLength + this.arena.codes.byteLength + this.arena.capacity * 11 + this.factors.byteLength + this.eids.byteLength + this.tags.byteLength + this.alive.byteLength + this.posOfEid.byteLength;
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

  private append(eid: number, vector: Float32Array, alive: boolean, tag: number): void {
    this.touched = true;
    if (this.n === this.eids.length) this.grow();
    const at = this.n++;
    this.eids[at] = eid;
    this.tags[at] = tag;
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
    const grow = <T extends Uint8Array | Int32Array | Uint32Array | Float32Array>(a: T, per: number): T => {
      const next = new (a.constructor as new (n: number) => T)(cap * per);
      next.set(a);
      return next;
    };
    this.arena = this.arena.grown(cap, this.n);
    this.factors = grow(this.factors, 1);
    this.eids = grow(this.eids, 1);
    this.tags = grow(this.tags, 1);
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

/** From this many rows to catch up, catchUp() reads sqlite-vec's chunks instead of each row. */
const CHUNK_CATCH_UP = 256;

/** Bumped when the cache file layout changes. */
const CACHE_FORMAT = 2;

/** A 32-bit FNV-1a hash of a content hash: what the cache file keeps per row to tell a reused id. */
function tagOf(sha: string): number {
  return fnv1a(sha, 0, sha.length);
}

function fnv1a(s: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Ids a contentTags query covers at once (bounded text, whatever the library's size). */
const TAG_RANGE = 65_536;

/**
 * (id, tagOf(sha256)) of a model's rows with ids up to `upTo` (callers rely on no order). Each range of ids is
 * one row of text ("id sha id sha …") by rowid: a row per embedding cost 1.2 s at a million
 * (better-sqlite3's per-row cost and a string per hash), this 0.56 s (measured on bench:scale's
 * library). Content hashes hold no spaces.
 */
function* contentTags(db: Db, modelId: number, upTo: number): Generator<[number, number]> {
  // `+model_id`: the rowid range, not the (model_id, sha256) index, which would scan every row per range.
  const range = db.prepare("SELECT group_concat(id || ' ' || sha256, ' ') FROM embeddings WHERE id > ? AND id <= ? AND +model_id = ?").pluck();
  for (let from = 0; from < upTo; from += TAG_RANGE) {
    const text = range.get(from, Math.min(upTo, from + TAG_RANGE), modelId) as string | null;
    for (let i = 0; text && i < text.length; ) {
      const gap = text.indexOf(' ', i);
      let end = text.indexOf(' ', gap + 1);
      if (end < 0) end = text.length;
      let id = 0;
      for (let d = i; d < gap; d++) id = id * 10 + text.charCodeAt(d) - 48;
      yield [id, fnv1a(text, gap + 1, end)];
      i = end + 1;
    }
  }
}

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

/** Whether the vec0 table's shadow tables are laid out as sqlite-vec 0.1.x lays them (chunks of 1,024 vectors). */
function chunked(db: Db, table: string): boolean {
  try {
    db.prepare(`SELECT chunk_id, size, validity, rowids FROM ${table}_chunks LIMIT 0`).all();
    db.prepare(`SELECT rowid, vectors FROM ${table}_vector_chunks00 LIMIT 0`).all();
    return true;
  } catch {
    return false;
  }
}

type ChunkRow = [size: number, validity: Buffer, rowids: Buffer, vectors: Buffer];
const CHUNK_COLUMNS = 'c.size, c.validity, c.rowids, v.vectors';

function rowidsOf(blob: Buffer): BigInt64Array {
  return new BigInt64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

/** The valid (rowid, vector) of one chunk, those above `after` only. */
function* chunkVectors([size, validity, rowidBlob, vectors]: ChunkRow, dim: number, after = -1): Generator<[number, Float32Array]> {
  const rowids = rowidsOf(rowidBlob);
  const floats = new Float32Array(vectors.buffer.slice(vectors.byteOffset, vectors.byteOffset + vectors.byteLength));
  for (let i = 0; i < size; i++) {
    if (!(validity[i >> 3] & (1 << (i & 7)))) continue;
    const rowid = Number(rowids[i]);
    if (rowid > after) yield [rowid, floats.subarray(i * dim, (i + 1) * dim)];
  }
}

/**
 * Every (rowid, vector) of a vec0 table (a model's image vectors, or another vec0 table by name), read from sqlite-vec's chunk tables
 * (1,024 vectors a row: ~1,000 reads for a million instead of a million point lookups). Falls
 * back to a plain table scan if the shadow tables are not laid out as sqlite-vec 0.1.x lays them.
 */
export function* eachVector(db: Db, modelOrTable: number | string, dim: number, limit = Infinity): Generator<[number, Float32Array]> {
  const table = typeof modelOrTable === 'number' ? vectorTable(modelOrTable) : modelOrTable;
  let yielded = 0;
  if (!chunked(db, table)) {
    for (const r of db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().iterate() as Iterable<[number, Buffer]>) {
      if (yielded++ >= limit) return;
      yield [Number(r[0]), vectorFromBlob(r[1])];
    }
    return;
  }
  const rows = db
    .prepare(`SELECT ${CHUNK_COLUMNS} FROM ${table}_chunks c JOIN ${table}_vector_chunks00 v ON v.rowid = c.chunk_id ORDER BY c.chunk_id`)
    .raw()
    .iterate() as Iterable<ChunkRow>;
  for (const row of rows) {
    for (const hit of chunkVectors(row, dim)) {
      if (yielded++ >= limit) return;
      yield hit;
    }
  }
}

/**
 * The (rowid, vector) of a model's rows above `after`, reading only the chunks that hold such
 * rows (their rowid lists first: 8 KB a chunk); null when the table is not chunked.
 */
function vectorsAbove(db: Db, modelId: number, dim: number, after: number): Iterable<[number, Float32Array]> | null {
  const table = vectorTable(modelId);
  if (!chunked(db, table)) return null;
  const above = BigInt(after);
  const chunks = db.prepare(`SELECT chunk_id, rowids FROM ${table}_chunks`).raw().all() as [number, Buffer][];
  const one = db.prepare(`SELECT ${CHUNK_COLUMNS} FROM ${table}_chunks c JOIN ${table}_vector_chunks00 v ON v.rowid = c.chunk_id WHERE c.chunk_id = ?`).raw();
  return (function* () {
    for (const [chunkId, rowids] of chunks) {
      if (!rowidsOf(rowids).some((r) => r > above)) continue;
      const row = one.get(chunkId) as ChunkRow | undefined;
      if (row) yield* chunkVectors(row, dim, after);
    }
  })();
}
