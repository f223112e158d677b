// The library in order: pages of photos sorted by date taken, date added or name, under any
// metadata filter, and the per-day/month histogram the timeline's headers and scrubber are drawn
// from. The photo's date is `photos.date_key` (capture time, else the file's modified time in
// local time: the date filters.ts compares), kept by triggers and indexed (migrations.ts), so
// the histogram is one GROUP BY over an index and a month's first photo is at the sum of the
// counts before it: the renderer jumps to any month with one offset, no search.
import type { PhotoSummary, TimelineBucket, TimelineResponse } from '../api.js';
import type { SearchFilters } from '../api-schemas.js';
import type { LibrarySort, TimelineGranularity } from '../api-values.js';
import { filterSql } from '../search/filters.js';
import type { Db } from '../store/db.js';
import { NAME_SQL_RAW } from '../store/migrations.js';
import { toSummary, type PhotoRow } from '../store/photos.js';

/** The file name as the index photos_by_name holds it (same text, so SQLite uses the index). */
const NAME_SQL = NAME_SQL_RAW.replaceAll('path', 'p.path');

/**
 * ORDER BY of each sort. Ties broken by id so pages never overlap or skip. 'taken': newest
 * first; 'added': most recently added first (ids grow as files enter the library); 'name': A→Z.
 */
export const SORT_SQL: Record<LibrarySort, string> = {
  taken: 'p.date_key DESC, p.id DESC',
  added: 'p.id DESC',
  name: `${NAME_SQL} COLLATE NOCASE, p.id`,
};

export interface ListOptions {
  filters?: SearchFilters;
  sort?: LibrarySort;
  folderId?: number;
  offset?: number;
  limit: number;
  /** The model whose tags a tag filter reads (null: none). */
  tagModelId: number | null;
}

/** `filterSql` (its date filter is on the indexed date_key column), within a folder if given. */
function condition(filters: SearchFilters | undefined, folderId: number | undefined, tagModelId: number | null) {
  const f = filterSql(filters, { tagModelId });
  let sql = f.sql;
  const params = [...f.params];
  if (folderId !== undefined) {
    sql += ' AND p.folder_id = ?';
    params.push(folderId);
  }
  return { sql, params };
}

/** One page of indexed photos in `sort` order, and how many match in all. */
export function listSorted(db: Db, o: ListOptions): { photos: PhotoSummary[]; total: number } {
  const { sql, params } = condition(o.filters, o.folderId, o.tagModelId);
  const order = SORT_SQL[o.sort ?? 'taken'];
  const rows = db
    .prepare(`SELECT p.* FROM photos p WHERE ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...params, o.limit, o.offset ?? 0) as PhotoRow[];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM photos p WHERE ${sql}`).get(...params) as { n: number }).n;
  return { photos: rows.map(toSummary), total };
}

/**
 * Photos per day ('YYYY-MM-DD') or month ('YYYY-MM'), newest first, each with the offset of its
 * first photo in the 'taken' order (the same filters): listSorted at that offset starts there.
 */
export function timeline(
  db: Db,
  o: { filters?: SearchFilters; by?: TimelineGranularity; tagModelId: number | null },
): TimelineResponse {
  const by = o.by ?? 'month';
  const { sql, params } = condition(o.filters, undefined, o.tagModelId);
  const len = by === 'day' ? 10 : 7;
  const rows = db
    .prepare(`SELECT substr(p.date_key, 1, ${len}) AS k, COUNT(*) AS n FROM photos p WHERE ${sql} GROUP BY k ORDER BY k DESC`)
    .raw()
    .all(...params) as [string | null, number][];
  const buckets: TimelineBucket[] = [];
  let offset = 0;
  for (const [key, count] of rows) {
    // A date_key is never null for a stored photo (triggers); a row from an older writer would
    // sort last in 'taken' order (NULLs sort after text in DESC), so it is kept there, keyless.
    buckets.push({ key: key ?? '', count, offset });
    offset += count;
  }
  return { by, buckets, total: offset };
}
