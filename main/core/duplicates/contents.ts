// The library's contents as grouping sees them: every indexed content (one SHA-256) with the ids
// of its photos, and the photos' full rows read only for the contents a group may take (those
// with several copies, those in a candidate pair). Reading every photo's row as an object took
// 11.5 s of a 34 s grouping at a million photos; ids and hashes alone take ~2 s.
import type { Db } from '../store/db.js';
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

interface Content {
  sha: string;
  /** Its indexed photos' ids, ascending. */
  ids: number[];
  /** Set by load(): the rows, and the copy that stands for the content in near/similar groups. */
  photos?: DuplicatePhotoRow[];
  rep?: DuplicatePhotoRow;
}

export class Contents {
  private list: Content[] = [];
  /** sha256 → position. */
  readonly index = new Map<string, number>();

  /** `perPage`: photos a read (tests lower it to cross pages). */
  constructor(
    private db: Db,
    perPage = 65_536,
  ) {
    // A page of 65,536 photos comes back as one row (ids and hashes end to end), in id order
    // by the table itself (`+status`: the planner took a status index and sorted): a row a
    // photo took 1.7 s at a million, this 0.5 s.
    const page = db.prepare(
      `SELECT max(id), group_concat(id), group_concat(sha256)
         FROM (SELECT id, sha256 FROM photos WHERE +status = 'indexed' AND sha256 IS NOT NULL AND id > ? ORDER BY id LIMIT ?)`,
    );
    for (const { row } of pagesAsRows<number, [string, string]>(page, [], 0, perPage)) {
      const [idList, shaList] = row;
      const ids = idList.split(',');
      const shas = shaList.split(',');
      for (let r = 0; r < ids.length; r++) {
        const sha = shas[r];
        const id = Number(ids[r]);
        const at = this.index.get(sha);
        if (at === undefined) {
          this.index.set(sha, this.list.length);
          this.list.push({ sha, ids: [id] });
        } else this.list[at].ids.push(id);
      }
    }
    // Contents with several copies are the exact groups, and their keeper is the content's
    // face in the other kinds: read them all.
    this.load(this.list.flatMap((c, i) => (c.ids.length > 1 ? [i] : [])));
  }

  get count(): number {
    return this.list.length;
  }

  sha(i: number): string {
    return this.list[i].sha;
  }

  copies(i: number): number {
    return this.list[i].ids.length;
  }

  /** Reads the rows of these contents (those not read yet), in one query. */
  load(which: Iterable<number>): void {
    const todo = [...new Set(which)].filter((i) => !this.list[i].photos);
    if (!todo.length) return;
    const ids = todo.flatMap((i) => this.list[i].ids);
    const rows = this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM photos WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(JSON.stringify(ids)) as DuplicatePhotoRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const i of todo) {
      const c = this.list[i];
      // A photo that left between the two reads is left out (it is no longer indexed).
      const photos = c.ids.map((id) => byId.get(id)).filter((r): r is DuplicatePhotoRow => !!r && r.sha256 === c.sha);
      if (!photos.length) {
        c.photos = [];
        continue;
      }
      const keepId = photos.length > 1 ? chooseKeeper(photos.map(candidate)).keepId : photos[0].id;
      c.photos = photos;
      c.rep = photos.find((p) => p.id === keepId)!;
    }
  }

  /** The content's photos (read when first asked, if not loaded before). */
  photos(i: number): DuplicatePhotoRow[] {
    this.load([i]);
    return this.list[i].photos!;
  }

  /** The copy standing for the content; null if its photos left meanwhile. */
  rep(i: number): DuplicatePhotoRow | null {
    this.load([i]);
    return this.list[i].rep ?? null;
  }

  /**
   * Each content's old pHash (its standing copy's), for pairing rows without the new hashes:
   * one narrow read of every photo, only when some content needs it.
   */
  phashes(): (string | null)[] {
    const byId = new Map(
      this.db.prepare(`SELECT id, phash FROM photos WHERE status = 'indexed' AND phash IS NOT NULL`).raw().all() as [number, string][],
    );
    return this.list.map((c) => byId.get(c.rep?.id ?? c.ids[0]) ?? null);
  }
}
