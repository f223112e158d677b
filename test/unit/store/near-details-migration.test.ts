// Verification grids live in near_details, apart from the crop windows a review scans
// (migrations.ts). A library from before keeps its grids inline until moveInlineGrids has
// moved them, and reads them where they are meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/core/store/db.js';
import { missingNearHashes, moveInlineGrids, NEAR_HASH_VERSION, nearDetails, putNearHashes } from '../../../main/core/store/near-hashes.js';

let tmp: string;
let db: Db;
const CONTENTS = 1000;
const sha = (i: number) => i.toString(16).padStart(64, '0');
const grid = (i: number) => Buffer.alloc(2306, i % 251);
const inline = () => db.prepare('SELECT count(*) FROM near_hashes WHERE detail IS NOT NULL').pluck().get() as number;
const epoch = () => db.prepare("SELECT n FROM change_epochs WHERE name = 'duplicates'").pluck().get() as number;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-near-details-'));
  db = openDatabase(path.join(tmp, 'library.db'));
  // As a library from before near_details left them: grids inline; every fifth content
  // hashed before grids existed (none); one pair kept; indexed photos for the backlog query.
  const put = db.prepare('INSERT INTO near_hashes (sha256, full, windows, luma, version, detail) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    const folder = db.prepare("INSERT INTO folders (path, added_at) VALUES ('/old', 0)").run().lastInsertRowid;
    const photo = db.prepare(
      `INSERT INTO photos (path, folder_id, sha256, size, mtime_ms, status, indexed_at) VALUES (?, ?, ?, 1, 0, 'indexed', 0)`,
    );
    for (let i = 0; i < CONTENTS; i++) {
      put.run(sha(i), '0123456789abcdef', Buffer.alloc(64, i % 7), 100 + (i % 50), NEAR_HASH_VERSION, i % 5 ? grid(i) : null);
      photo.run(`/old/${i}.jpg`, folder, sha(i));
    }
    db.prepare('INSERT INTO near_pairs (sha_a, sha_b, distance, turns, cropped) VALUES (?, ?, 3, 0, 0)').run(sha(1), sha(2));
    db.prepare('INSERT INTO near_paired (sha256) VALUES (?), (?)').run(sha(1), sha(2));
  })();
});
afterAll(() => {
  db.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('verification grids apart from the crop windows', () => {
  it('reads grids still inline where they are, and counts them as present', () => {
    expect(inline()).toBe(800);
    const details = nearDetails(db, [sha(1), sha(5)]);
    expect(Buffer.from(details.detail(sha(1))!)).toEqual(grid(1));
    expect(details.detail(sha(5))).toBeUndefined();
    // Only the contents without a grid wait for the backfill.
    expect(missingNearHashes(db, 10_000).map((r) => r.sha256)).toEqual(Array.from({ length: 200 }, (_, k) => sha(5 * k)));
  });

  it('moves them a step at a time, keeping every grid, the pairs and the epoch', () => {
    const at = epoch();
    const steps: number[] = [];
    for (let n = moveInlineGrids(db, 300); n > 0; n = moveInlineGrids(db, 300)) steps.push(n);
    expect(steps).toEqual([300, 300, 200]);
    expect(inline()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM near_details').pluck().get()).toBe(800);
    const details = nearDetails(db, [sha(1), sha(999)]);
    expect(Buffer.from(details.detail(sha(1))!)).toEqual(grid(1));
    expect(Buffer.from(details.detail(sha(999))!)).toEqual(grid(999));
    expect(details.luma(sha(999))).toBe(100 + (999 % 50));
    expect(missingNearHashes(db, 10_000)).toHaveLength(200);
    expect(db.prepare('SELECT sha_a, sha_b FROM near_pairs').raw().all()).toEqual([[sha(1), sha(2)]]);
    expect(db.prepare('SELECT count(*) FROM near_paired').pluck().get()).toBe(2);
    expect(epoch()).toBe(at);
  });

  it('stores a new grid apart, and a content hashed again without one loses its old grid', () => {
    putNearHashes(db, sha(5), { full: '0123456789abcdef', windows: ['00'.repeat(8)], luma: 1, detail: new Uint8Array(grid(5)) });
    expect(inline()).toBe(0);
    expect(Buffer.from(nearDetails(db, [sha(5)]).detail(sha(5))!)).toEqual(grid(5));
    putNearHashes(db, sha(5), { full: '0123456789abcdef', windows: ['00'.repeat(8)], luma: 1 });
    expect(nearDetails(db, [sha(5)]).detail(sha(5))).toBeUndefined();
  });

  it('a content whose hashes are deleted loses its grid', () => {
    db.prepare('DELETE FROM near_hashes WHERE sha256 = ?').run(sha(3));
    expect(db.prepare('SELECT count(*) FROM near_details WHERE sha256 = ?').pluck().get(sha(3))).toBe(0);
  });
});
