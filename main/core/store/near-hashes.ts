// Near-copy hashes (main/core/media/near-hash.ts) per content, like vectors: a renamed, moved
// or copied photo keeps them. `version` says which hash recipe made a row, so a new recipe
// re-hashes old rows (backfill) instead of comparing unlike hashes.
import { parseHash, type Hash64 } from '../media/hash.js';
import type { NearHashes } from '../media/near-hash.js';
import os from 'node:os';
import type { Db } from './db.js';
import { pagesAsRows } from './pages.js';

export const NEAR_HASH_VERSION = 2;

export interface StoredNearHashes extends NearHashes {
  sha256: string;
}

/**
 * Stores a content's hashes and its verification grid (in near_details, apart from the crop
 * windows a review scans; a content hashed without one loses any grid of an earlier recipe).
 */
export function putNearHashes(db: Db, sha256: string, h: NearHashes): void {
  const windows = Buffer.from(h.windows.join(''), 'hex');
  db.transaction(() => {
    db.prepare(
      `INSERT INTO near_hashes (sha256, full, windows, luma, version, detail) VALUES (?, ?, ?, ?, ?, NULL)
         ON CONFLICT (sha256) DO UPDATE SET full = excluded.full, windows = excluded.windows, luma = excluded.luma,
           version = excluded.version, detail = NULL`,
    ).run(sha256, h.full, windows, h.luma, NEAR_HASH_VERSION);
    if (h.detail) {
      db.prepare(`INSERT OR REPLACE INTO near_details (sha256, detail) VALUES (?, ?)`).run(
        sha256,
        Buffer.from(h.detail.buffer, h.detail.byteOffset, h.detail.byteLength),
      );
    } else db.prepare(`DELETE FROM near_details WHERE sha256 = ?`).run(sha256);
  })();
}

/** A content's verification grid and brightness, read when asked. */
export interface NearDetails {
  /** The grid (near-hash.ts `detail`), undefined when the content has none. */
  detail(sha: string): Uint8Array | undefined;
  luma(sha: string): number | null;
}

/**
 * The brightness of these contents and whether they have a verification grid, in one query;
 * a grid itself is read only when asked: grouping asks only to check a pair it has no verdict
 * for (verify-edges.ts remembers them), so a review with nothing new reads none. Reading the
 * grids of every content in a candidate pair first took ~1 s at a million contents, and a
 * query a content for what is asked ~10 µs each (60,000 contents).
 */
export function nearDetails(db: Db, shas: Iterable<string>): NearDetails {
  const rows = db
    .prepare(
      `SELECT n.sha256, n.luma, n.detail IS NOT NULL OR EXISTS (SELECT 1 FROM near_details d WHERE d.sha256 = n.sha256)
         FROM near_hashes n WHERE n.sha256 IN (SELECT value FROM json_each(?)) AND n.version = ?`,
    )
    .raw()
    .all(JSON.stringify([...shas]), NEAR_HASH_VERSION) as [string, number | null, number][];
  const luma = new Map<string, number | null>();
  const hasDetail = new Set<string>();
  for (const [sha, l, has] of rows) {
    luma.set(sha, l);
    if (has) hasDetail.add(sha);
  }
  // A grid not yet moved out of near_hashes (moveInlineGrids) is read where it is.
  const detail = db
    .prepare(`SELECT coalesce((SELECT detail FROM near_details WHERE sha256 = ?), (SELECT detail FROM near_hashes WHERE sha256 = ?))`)
    .pluck();
  return {
    detail(sha) {
      if (!hasDetail.has(sha)) return undefined;
      const b = detail.get(sha, sha) as Buffer | null;
      return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : undefined;
    },
    luma: (sha) => luma.get(sha) ?? null,
  };
}

/**
 * Hashes of every indexed content that has current ones. `+p.status` keeps SQLite on the
 * sha256 index: given the choice it probed photos by status (an index added for the facets),
 * a scan of every photo per row — 4.5 s instead of 50 ms for 8,000 photos.
 */
export function allNearHashes(db: Db): Map<string, StoredNearHashes> {
  const rows = db
    .prepare(
      `SELECT n.sha256, n.full, n.windows, n.luma FROM near_hashes n
        WHERE n.version = ? AND EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = n.sha256 AND +p.status = 'indexed')`,
    )
    .all(NEAR_HASH_VERSION) as { sha256: string; full: string; windows: Buffer; luma: number | null }[];
  const out = new Map<string, StoredNearHashes>();
  for (const r of rows) {
    const hex = r.windows.toString('hex');
    const windows: string[] = [];
    for (let i = 0; i < hex.length; i += 16) windows.push(hex.slice(i, i + 16));
    out.set(r.sha256, { sha256: r.sha256, full: r.full, windows, luma: r.luma ?? 0 });
  }
  return out;
}

/**
 * Where each key of a page stands in the caller's keys (ascending, no repeats): pages come in
 * key order, so this is a merge, one pass over both lists; a key smaller than the one before
 * (were SQLite to hand a page's rows in another order) is found by binary search. A Map of a
 * million keys cost ~1 µs a lookup (a cache miss or two each): 1 s of a pass over the library.
 */
/** Where `key` stands in `keys` (ascending): the first position whose key is not below it. */
export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class KeyCursor {
  private at = 0;
  private last = '';
  constructor(private readonly keys: readonly string[]) {}

  /** The key's position in keys, or -1. */
  position(key: string): number {
    const keys = this.keys;
    if (key < this.last) this.at = lowerBound(keys, key);
    this.last = key;
    while (this.at < keys.length && keys[this.at] < key) this.at++;
    return this.at < keys.length && keys[this.at] === key ? this.at : -1;
  }
}

/** Contents' full hashes as numbers, by position in the caller's keys. */
export interface NearFullWords {
  /** Two words (hi, lo) per content, meaningful where hasFull is 1. */
  full: Uint32Array;
  hasFull: Uint8Array;
}

/**
 * The current full hash of each content of `keys` (sha256s, ascending), by position, as
 * numbers: allNearHashes' strings and maps take ~1 KB a content, too much at a million. Rows
 * for contents not in `keys` (no indexed photo) are skipped here rather than by a join.
 *
 * Read a page of the covering index at a time as one row (the keys, and the hashes end to
 * end), as nearWindowRuns does: a row a content took 2.4 s at a million, 1 s of it SQLite
 * handing out rows. A page whose hashes are not all 16 hex digits is read again row by row,
 * and a row that is not a hash pairs as if it had none.
 */
export function nearFullWords(db: Db, keys: readonly string[], perPage = 65_536): NearFullWords {
  const full = new Uint32Array(2 * keys.length);
  const hasFull = new Uint8Array(keys.length);
  const cursor = new KeyCursor(keys);
  const page = db.prepare(
    `SELECT max(sha256), group_concat(sha256), group_concat(full, ''), count(*), sum(length(full) = 16)
       FROM (SELECT sha256, full FROM near_hashes WHERE version = ? AND sha256 > ? ORDER BY sha256 LIMIT ?)`,
  );
  const rowByRow = db.prepare(`SELECT sha256, full FROM near_hashes WHERE version = ? AND sha256 > ? AND sha256 <= ?`).raw();
  const put = (i: number, hi: number, lo: number) => {
    full[2 * i] = hi;
    full[2 * i + 1] = lo;
    hasFull[i] = 1;
  };
  type Page = [string, string, number, number];
  for (const { after, last, row } of pagesAsRows<string, Page>(page, [NEAR_HASH_VERSION], '', perPage)) {
    const [shaList, hexes, rows, sixteens] = row;
    // Buffer.from stops at the first pair that is not hex: the length tells a clean page.
    const bytes = sixteens === rows ? Buffer.from(hexes, 'hex') : null;
    if (bytes && bytes.length === 8 * rows) {
      const shas = shaList.split(',');
      for (let r = 0; r < rows; r++) {
        const i = cursor.position(shas[r]);
        if (i >= 0) put(i, bytes.readUInt32BE(8 * r), bytes.readUInt32BE(8 * r + 4));
      }
    } else {
      for (const [sha, hex] of rowByRow.iterate(NEAR_HASH_VERSION, after, last) as Iterable<[string, string]>) {
        const i = cursor.position(sha);
        if (i < 0) continue;
        let h: Hash64;
        try {
          h = parseHash(hex);
        } catch {
          continue; // not a hash: the content pairs as if it had none
        }
        put(i, h.hi, h.lo);
      }
    }
  }
  return { full, hasFull };
}

/** A run of contents' crop windows: content owners[k] has windows starts[k] .. starts[k + 1] − 1. */
export interface NearWindowRun {
  owners: Int32Array;
  starts: Uint32Array;
  /** Two words (hi, lo) per window, read straight from the stored bytes. */
  words: Uint32Array;
  /** Each window's place in its content's list (WINDOWS in media/near-hash.ts). */
  slots: Uint16Array;
}

/**
 * The crop windows of the contents `hasFull` marks (by position in `keys`, sha256s
 * ascending; owners are those positions), `perRun` contents at a time in sha256 order (the
 * table's key, so each page is a range of it): a million contents' windows are 650 MB, never
 * all in memory at once.
 *
 * A page comes back as one row: its keys, the blobs' lengths and the blobs end to end
 * (group_concat; CAST keeps the bytes as stored in a UTF-8 library, zero bytes included).
 * Read as a row per content, 25,000 blobs a page, the same pages took 7.9 s at a million
 * contents, most of it allocating and collecting a Buffer a row; as one row a page, 1.1 s.
 * The three lists come from the same pass over the page's rows, so they line up whatever
 * order the aggregate sees the rows in; the owners say whose windows are where.
 */
export function* nearWindowRuns(
  db: Db,
  keys: readonly string[],
  hasFull: Uint8Array,
  perRun = 25_000,
): Generator<NearWindowRun> {
  const cursor = new KeyCursor(keys);
  // `+version`: page through the table itself in sha order (the windows are there), not the
  // index of current hashes, which would cost a primary-key lookup a row.
  const page = db.prepare(
    `SELECT max(sha256), group_concat(sha256), group_concat(ifnull(length(windows), 0)), CAST(group_concat(ifnull(windows, x''), x'') AS BLOB)
       FROM (SELECT sha256, windows FROM near_hashes WHERE +version = ? AND sha256 > ? ORDER BY sha256 LIMIT ?)`,
  );
  type Page = [string, string, Buffer | null];
  for (const { row } of pagesAsRows<string, Page>(page, [NEAR_HASH_VERSION], '', perRun)) {
    const [shaList, lengthList, blob] = row;
    const shas = shaList.split(',');
    const lengths = lengthList.split(',');
    const owners = new Int32Array(shas.length);
    const starts = new Uint32Array(shas.length + 1);
    // Byte ranges of the blob to keep: all of it unless a content is left out or a blob is not
    // whole words (then the words are copied out, as before).
    const from: number[] = [];
    let kept = 0;
    let total = 0;
    let at = 0;
    let whole = true;
    for (let r = 0; r < shas.length; r++) {
      const length = Number(lengths[r]);
      const i = cursor.position(shas[r]);
      if (i >= 0 && hasFull[i]) {
        const count = length >> 3;
        if (count << 3 !== length || at !== 8 * total) whole = false;
        owners[kept++] = i;
        from.push(at);
        total += count;
        starts[kept] = total;
      }
      at += length;
    }
    let bytes: Buffer;
    if (blob && whole && blob.byteOffset % 4 === 0) bytes = blob.subarray(0, 8 * total);
    else {
      bytes = Buffer.allocUnsafeSlow(8 * total);
      for (let k = 0; k < kept; k++) blob!.copy(bytes, 8 * starts[k], from[k], from[k] + 8 * (starts[k + 1] - starts[k]));
    }
    const slots = new Uint16Array(total);
    for (let k = 0; k < kept; k++) for (let w = starts[k]; w < starts[k + 1]; w++) slots[w] = w - starts[k];
    // The hashes are stored big-endian: turned to this machine's word order at once.
    if (os.endianness() === 'LE') bytes.swap32();
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, 2 * total);
    yield { owners: owners.slice(0, kept), starts: starts.slice(0, kept + 1), words, slots };
  }
}

/**
 * Indexed photos (one path per content) whose content lacks current hashes, or the verification
 * grid (rows from before it existed): the backfill's work.
 */
export function missingNearHashes(db: Db, limit: number): { sha256: string; path: string }[] {
  return db
    .prepare(
      `SELECT p.sha256 AS sha256, MIN(p.path) AS path FROM photos p
        WHERE p.status = 'indexed' AND p.sha256 IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM near_hashes n WHERE n.sha256 = p.sha256 AND n.version = ?
                            AND (n.detail IS NOT NULL OR EXISTS (SELECT 1 FROM near_details d WHERE d.sha256 = p.sha256)))
        GROUP BY p.sha256 LIMIT ?`,
    )
    .all(NEAR_HASH_VERSION, limit) as { sha256: string; path: string }[];
}

/**
 * Moves up to `max` verification grids stored inline in near_hashes (libraries from before
 * near_details) to near_details, in one transaction; returns how many moved (0: none left).
 * The hashes are untouched, so their pairs stay (the update trigger compares them); the
 * grids are the same bytes, so the duplicates epoch the update triggers bump is put back: a
 * move is no change to any group (else every move would have the review's groups rebuilt).
 */
export function moveInlineGrids(db: Db, max: number): number {
  return db.transaction(() => {
    const shas = db
      .prepare(`SELECT sha256 FROM near_hashes INDEXED BY near_hashes_inline_grid WHERE detail IS NOT NULL LIMIT ?`)
      .pluck()
      .all(max) as string[];
    if (!shas.length) return 0;
    const epoch = db.prepare(`SELECT n FROM change_epochs WHERE name = 'duplicates'`).pluck();
    const before = epoch.get() as number | undefined;
    const list = JSON.stringify(shas);
    db.prepare(
      `INSERT OR IGNORE INTO near_details (sha256, detail)
         SELECT sha256, detail FROM near_hashes WHERE sha256 IN (SELECT value FROM json_each(?)) AND detail IS NOT NULL`,
    ).run(list);
    db.prepare(`UPDATE near_hashes SET detail = NULL WHERE sha256 IN (SELECT value FROM json_each(?))`).run(list);
    if (before !== undefined) db.prepare(`UPDATE change_epochs SET n = ? WHERE name = 'duplicates'`).run(before);
    return shas.length;
  })();
}
