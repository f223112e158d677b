// Near-copy pairs kept between reviews (written by main/core/duplicates/near-pairs.ts; the
// tables and the triggers that keep them true are in migrations.ts). A pair is stored once,
// sha_a < sha_b, with its turns and crop window as seen from sha_a.
import type { Db } from './db.js';
import { pagesAsRows } from './pages.js';

export interface StoredNearPair {
  shaA: string;
  shaB: string;
  distance: number;
  /** Quarter turns from a to b. */
  turns: number;
  cropped: boolean;
  /** When cropped: which side's window matched the other's full hash, and which window. */
  window: { container: 'a' | 'b'; index: number } | null;
}

/** library_meta key: the thresholds (and hash recipe) the stored pairs were found with. */
const PAIRS_KEY = 'near_pairs:thresholds';

/**
 * Whether the stored pairs and marks are of these thresholds. Pairs of other thresholds
 * (another build) are dropped first, so every content is paired again; a read-only connection
 * cannot drop them and answers false: use none of them.
 */
export function keptPairsHold(db: Db, signature: string): boolean {
  const held = db.prepare('SELECT value FROM library_meta WHERE key = ?').pluck().get(PAIRS_KEY) as string | undefined;
  if (held === signature) return true;
  if (db.readonly) return false;
  db.transaction(() => {
    db.exec('DELETE FROM near_pairs; DELETE FROM near_paired;');
    db.prepare('INSERT INTO library_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
      PAIRS_KEY,
      signature,
    );
  })();
  return true;
}

/**
 * Every content with hashes of this recipe, in sha256 order, and which of them are paired
 * (marked in near_paired). A page of `perPage` (tests lower it) comes back as one row (the
 * keys and the marks end to end, store/pages.ts): a row a content, and a Set of a million marks
 * to look them up in, took ~2.3 s at a million contents; this ~0.8 s.
 */
export function hashedContents(db: Db, version: number, perPage = 65_536): { shas: string[]; paired: Uint8Array; pairedCount: number } {
  const page = db.prepare(
    `SELECT max(sha256), group_concat(sha256), group_concat(paired, '')
       FROM (SELECT n.sha256, EXISTS (SELECT 1 FROM near_paired p WHERE p.sha256 = n.sha256) AS paired
               FROM near_hashes n WHERE n.version = ? AND n.sha256 > ? ORDER BY n.sha256 LIMIT ?)`,
  );
  const shas: string[] = [];
  const marks: string[] = [];
  for (const { row } of pagesAsRows<string, [string, string]>(page, [version], '', perPage)) {
    const [shaList, markList] = row;
    for (const sha of shaList.split(',')) shas.push(sha);
    marks.push(markList);
  }
  const paired = new Uint8Array(shas.length);
  let pairedCount = 0;
  let at = 0;
  for (const list of marks) {
    for (let k = 0; k < list.length; k++, at++) {
      // '1': marked
      if (list.charCodeAt(k) === 49) {
        paired[at] = 1;
        pairedCount++;
      }
    }
  }
  return { shas, paired, pairedCount };
}

/**
 * Stores pairs found for the contents `paired` (each against every content hashed so far) and
 * marks those done, in one transaction. `usedFull` is the full hash each content was paired
 * with: a content whose hashes changed since (a trigger dropped its pairs and mark) keeps
 * neither its mark nor any pair found with its old hash; the next run pairs it again.
 */
export function putNearPairs(
  db: Db,
  pairs: readonly StoredNearPair[],
  paired: readonly string[],
  usedFull: (sha: string) => string,
): void {
  const put = db.prepare(
    `INSERT INTO near_pairs (sha_a, sha_b, distance, turns, cropped, window_in, window) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sha_a, sha_b) DO UPDATE SET distance = excluded.distance, turns = excluded.turns,
         cropped = excluded.cropped, window_in = excluded.window_in, window = excluded.window`,
  );
  const current = db.prepare('SELECT full FROM near_hashes WHERE sha256 = ?').pluck();
  const mark = db.prepare('INSERT OR IGNORE INTO near_paired (sha256) VALUES (?)');
  db.transaction(() => {
    const same = new Map<string, boolean>();
    const unchanged = (sha: string) => {
      let ok = same.get(sha);
      if (ok === undefined) same.set(sha, (ok = (current.get(sha) as string | undefined)?.toLowerCase() === usedFull(sha)));
      return ok;
    };
    for (const sha of paired) if (unchanged(sha)) mark.run(sha);
    for (const p of pairs) {
      if (!unchanged(p.shaA) || !unchanged(p.shaB)) continue;
      put.run(p.shaA, p.shaB, p.distance, p.turns, p.cropped ? 1 : 0, p.window?.container ?? null, p.window?.index ?? null);
    }
  })();
}

/** Every stored pair. */
export function storedNearPairs(db: Db): StoredNearPair[] {
  const rows = db.prepare('SELECT sha_a, sha_b, distance, turns, cropped, window_in, window FROM near_pairs').raw().all() as [
    string,
    string,
    number,
    number,
    number,
    'a' | 'b' | null,
    number | null,
  ][];
  return rows.map(([shaA, shaB, distance, turns, cropped, container, index]) => ({
    shaA,
    shaB,
    distance,
    turns,
    cropped: !!cropped,
    window: container && index !== null ? { container, index } : null,
  }));
}
