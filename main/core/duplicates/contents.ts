// The library's contents as grouping sees them: every indexed content (one SHA-256) with the ids
// of its photos, and the photos' full rows read only for the contents a group may take (those
// with several copies, those in a candidate pair). Reading every photo's row as an object took
// 11.5 s of a 34 s grouping at a million photos; ids and hashes alone take ~1 s.
import type { Db } from '../store/db.js';
import { lowerBound } from '../store/near-hashes.js';
import { pagesAsRows } from '../store/pages.js';
import { chooseKeeper, type KeepCandidate } from './keep.js';

export interface DuplicatePhotoRow {
  id: number;
  path: string;
  folder_id: number;
  sha256: string;
  phash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  size: number;
  mtime_ms: number;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  has_thumb: number;
}

export function candidate(r: DuplicatePhotoRow): KeepCandidate {
  return {
    id: r.id,
    path: r.path,
    width: r.width,
    height: r.height,
    format: r.format,
    size: r.size,
    hasExif: !!(r.camera_make || r.camera_model || r.taken_at),
    takenAt: r.taken_at,
    mtimeMs: r.mtime_ms,
  };
}

const ROW_COLUMNS = `id, path, folder_id, sha256, phash, width, height, format, size, mtime_ms, taken_at,
  camera_make, camera_model, has_thumb`;

/** A content's rows, once read: its photos, and the copy that stands for it in near/similar groups. */
interface Loaded {
  photos: DuplicatePhotoRow[];
  rep?: DuplicatePhotoRow;
}

export class Contents {
  /**
   * Each content's sha256, ascending: a content's index is its rank in sha256 order. Its photos'
   * ids are ids[starts[i]] .. ids[starts[i + 1] − 1], ascending: two arrays of small integers
   * instead of two objects a content, which a million of kept alive for every collection.
   */
  private readonly shas: string[] = [];
  private readonly starts: number[] = [0];
  private readonly ids: number[] = [];
  private readonly loaded = new Map<number, Loaded>();

  /** `perPage`: photos a read (tests lower it to cross pages). */
  constructor(
    private db: Db,
    perPage = 65_536,
  ) {
    // Photos in sha256 order from the sha256 index alone (it holds the id, so no table row is
    // read): a content's copies are neighbours, so gathering them needs no Map of a million
    // keys, and contents come in the order the store's near-hash readers page in (a merge,
    // not a lookup, finds them there). A page comes back as one row (store/pages.ts); the
    // copies of its last content may go on into the next page, so they are read whole apart.
    // Photos that failed keep their hash (rare): left out by id. Read in one snapshot.
    db.transaction(() => {
      const failed = new Set(db.prepare(`SELECT id FROM photos WHERE status = 'failed' AND sha256 IS NOT NULL`).pluck().all() as number[]);
      const page = db.prepare(
        `SELECT max(sha256), group_concat(sha256), group_concat(id)
           FROM (SELECT sha256, id FROM photos INDEXED BY photos_sha256 WHERE sha256 > ? ORDER BY sha256, id LIMIT ?)`,
      );
      const copiesOf = db.prepare(`SELECT group_concat(id) FROM (SELECT id FROM photos INDEXED BY photos_sha256 WHERE sha256 = ? ORDER BY id)`).pluck();
      const { shas, starts, ids } = this;
      const add = (sha: string, id: number) => {
        if (failed.has(id)) return;
        const n = shas.length;
        if (n && shas[n - 1] === sha) starts[n] = ids.push(id);
        else {
          shas.push(sha);
          starts.push(ids.push(id));
        }
      };
      for (const { last, row } of pagesAsRows<string, [string, string]>(page, [], '', perPage)) {
        const [shaList, idList] = row;
        const pageShas = shaList.split(',');
        const pageIds = idList.split(',');
        for (let r = 0; r < pageShas.length && pageShas[r] !== last; r++) add(pageShas[r], Number(pageIds[r]));
        for (const id of (copiesOf.get(last) as string).split(',')) add(last, Number(id));
      }
    })();
    // Contents with several copies are the exact groups, and their keeper is the content's
    // face in the other kinds: read them all.
    const several: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.copies(i) > 1) several.push(i);
    this.load(several);
  }

  /** The content's index (binary search over the sorted hashes), or undefined. */
  indexOf(sha: string): number | undefined {
    const at = lowerBound(this.shas, sha);
    return this.shas[at] === sha ? at : undefined;
  }

  /** Every content's sha256, ascending (index order). */
  sortedShas(): readonly string[] {
    return this.shas;
  }

  get count(): number {
    return this.shas.length;
  }

  sha(i: number): string {
    return this.shas[i];
  }

  copies(i: number): number {
    return this.starts[i + 1] - this.starts[i];
  }

  private idsOf(i: number): number[] {
    return this.ids.slice(this.starts[i], this.starts[i + 1]);
  }

  /** Reads the rows of these contents (those not read yet), in one query. */
  load(which: Iterable<number>): void {
    const todo = [...new Set(which)].filter((i) => !this.loaded.has(i));
    if (!todo.length) return;
    const ids = todo.flatMap((i) => this.idsOf(i));
    const rows = this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM photos WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(JSON.stringify(ids)) as DuplicatePhotoRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const i of todo) {
      const sha = this.shas[i];
      // A photo that left between the two reads is left out (it is no longer indexed).
      const photos = this.idsOf(i)
        .map((id) => byId.get(id))
        .filter((r): r is DuplicatePhotoRow => !!r && r.sha256 === sha);
      if (!photos.length) {
        this.loaded.set(i, { photos });
        continue;
      }
      const keepId = photos.length > 1 ? chooseKeeper(photos.map(candidate)).keepId : photos[0].id;
      this.loaded.set(i, { photos, rep: photos.find((p) => p.id === keepId)! });
    }
  }

  /** The content's photos (read when first asked, if not loaded before). */
  photos(i: number): DuplicatePhotoRow[] {
    this.load([i]);
    return this.loaded.get(i)!.photos;
  }

  /** The copy standing for the content; null if its photos left meanwhile. */
  rep(i: number): DuplicatePhotoRow | null {
    this.load([i]);
    return this.loaded.get(i)!.rep ?? null;
  }

  /**
   * Each content's old pHash (its standing copy's), for pairing rows without the new hashes:
   * one narrow read of every photo, only when some content needs it.
   */
  phashes(): (string | null)[] {
    const byId = new Map(
      this.db.prepare(`SELECT id, phash FROM photos WHERE status = 'indexed' AND phash IS NOT NULL`).raw().all() as [number, string][],
    );
    return this.shas.map((_, i) => byId.get(this.loaded.get(i)?.rep?.id ?? this.ids[this.starts[i]]) ?? null);
  }
}
