// Near-copy hashes (main/core/media/near-hash.ts) per content, like vectors: a renamed, moved
// or copied photo keeps them. `version` says which hash recipe made a row, so a new recipe
// re-hashes old rows (backfill) instead of comparing unlike hashes.
import { parseHash, type Hash64 } from '../media/hash.js';
import type { NearHashes } from '../media/near-hash.js';
import os from 'node:os';
import type { Db } from './db.js';

export const NEAR_HASH_VERSION = 2;

export interface StoredNearHashes extends NearHashes {
  sha256: string;
}

export function putNearHashes(db: Db, sha256: string, h: NearHashes): void {
  const windows = Buffer.from(h.windows.join(''), 'hex');
  const detail = h.detail ? Buffer.from(h.detail.buffer, h.detail.byteOffset, h.detail.byteLength) : null;
  db.prepare(
    `INSERT INTO near_hashes (sha256, full, windows, luma, version, detail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sha256) DO UPDATE SET full = excluded.full, windows = excluded.windows, luma = excluded.luma,
         version = excluded.version, detail = excluded.detail`,
  ).run(sha256, h.full, windows, h.luma, NEAR_HASH_VERSION, detail);
}

/**
 * The verification grids (near-hash.ts `detail`) and brightness of these contents, read only
 * for the few that are in a candidate pair: grouping never loads every grid. Contents without
 * one are absent from that map.
 */
export function nearDetails(db: Db, shas: Iterable<string>): { details: Map<string, Uint8Array>; luma: Map<string, number> } {
  const get = db.prepare(`SELECT detail, luma FROM near_hashes WHERE sha256 = ? AND version = ?`).raw();
  const details = new Map<string, Uint8Array>();
  const luma = new Map<string, number>();
  for (const sha of shas) {
    const row = get.get(sha, NEAR_HASH_VERSION) as [Buffer | null, number | null] | undefined;
    if (!row) continue;
    const [b, l] = row;
    if (b) details.set(sha, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    if (l !== null) luma.set(sha, l);
  }
  return { details, luma };
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

/** Contents' full hashes as numbers, by the caller's index of contents (grouping's). */
export interface NearFullWords {
  /** Two words (hi, lo) per content, meaningful where hasFull is 1. */
  full: Uint32Array;
  hasFull: Uint8Array;
}

/**
 * The current full hash of every content `indexOf` names, as numbers: allNearHashes' strings
 * and maps take ~1 KB a content, too much at a million. Rows for contents not in `indexOf`
 * (no indexed photo) are skipped by the caller's map rather than by a join.
 */
export function nearFullWords(db: Db, indexOf: ReadonlyMap<string, number>, count: number): NearFullWords {
  const full = new Uint32Array(2 * count);
  const hasFull = new Uint8Array(count);
  const rows = db.prepare(`SELECT sha256, full FROM near_hashes WHERE version = ?`).raw();
  for (const [sha, hex] of rows.iterate(NEAR_HASH_VERSION) as Iterable<[string, string]>) {
    const i = indexOf.get(sha);
    if (i === undefined) continue;
    let h: Hash64;
    try {
      h = parseHash(hex);
    } catch {
      continue; // not a hash: the content pairs as if it had none
    }
    full[2 * i] = h.hi;
    full[2 * i + 1] = h.lo;
    hasFull[i] = 1;
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
 * The crop windows of the contents `hasFull` marks, `perRun` contents at a time in sha256
 * order (the table's key, so each page is a range of it): a million contents' windows are
 * 650 MB, never all in memory at once.
 */
export function* nearWindowRuns(
  db: Db,
  indexOf: ReadonlyMap<string, number>,
  hasFull: Uint8Array,
  perRun = 25_000,
): Generator<NearWindowRun> {
  // `+version`: page through the table itself in sha order (the windows are there), not the
  // index of current hashes, which would cost a primary-key lookup a row.
  const page = db
    .prepare(`SELECT sha256, windows FROM near_hashes WHERE +version = ? AND sha256 > ? ORDER BY sha256 LIMIT ?`)
    .raw();
  let after = '';
  for (;;) {
    const rows = page.all(NEAR_HASH_VERSION, after, perRun) as [string, Buffer | null][];
    if (!rows.length) return;
    after = rows[rows.length - 1][0];
    const owners: number[] = [];
    const starts = [0];
    let total = 0;
    for (const [sha, blob] of rows) {
      const i = indexOf.get(sha);
      if (i === undefined || !hasFull[i]) continue;
      owners.push(i);
      total += blob ? blob.length >> 3 : 0;
      starts.push(total);
    }
    // The stored bytes copied end to end and turned to this machine's word order at once (the
    // hashes are stored big-endian): a read per word took most of the time.
    const bytes = Buffer.allocUnsafeSlow(8 * total);
    const slots = new Uint16Array(total);
    let k = 0;
    for (const [sha, blob] of rows) {
      const i = indexOf.get(sha);
      if (i === undefined || !hasFull[i] || !blob) continue;
      const count = blob.length >> 3;
      blob.copy(bytes, 8 * k, 0, 8 * count);
      for (let w = 0; w < count; w++) slots[k + w] = w;
      k += count;
    }
    if (os.endianness() === 'LE') bytes.swap32();
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, 2 * total);
    yield { owners: Int32Array.from(owners), starts: Uint32Array.from(starts), words, slots };
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
          AND NOT EXISTS (SELECT 1 FROM near_hashes n WHERE n.sha256 = p.sha256 AND n.version = ? AND n.detail IS NOT NULL)
        GROUP BY p.sha256 LIMIT ?`,
    )
    .all(NEAR_HASH_VERSION, limit) as { sha256: string; path: string }[];
}
