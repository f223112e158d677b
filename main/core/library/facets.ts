// What the library holds, as lists to filter by: its cameras, lenses and years, each with how
// many photos it has, one GROUP BY each over an index (migrations.ts: photos_camera,
// photos_lens, photos_timeline). Each list is counted under the other filters but not its own
// (a chosen camera does not hide the other cameras), as faceted search does.
// Places (reverse geocoding) are built on another branch and join this reply as `places`.
import type { LibraryFacets } from '../api.js';
import type { SearchFilters } from '../api-schemas.js';
import { filterSql } from '../search/filters.js';
import type { Db } from '../store/db.js';

/** Longest list sent (a library with more cameras than this lists its most used ones). */
export const FACET_LIMIT = 200;

function where(filters: SearchFilters, tagModelId: number | null) {
  const f = filterSql(filters, { tagModelId });
  return { sql: f.sql, params: f.params };
}

/**
 * The camera filter matches text in "make model" (filters.ts); a facet hands it the name people
 * know the camera by: the model when it already names the maker ("Canon EOS R5"), else both.
 */
export function cameraLabel(make: string | null, model: string | null): string {
  const mk = (make ?? '').trim();
  const md = (model ?? '').trim();
  if (!md) return mk;
  if (!mk || md.toLowerCase().startsWith(mk.toLowerCase().split(/\s+/)[0])) return md;
  return `${mk} ${md}`;
}

export function libraryFacets(db: Db, o: { filters?: SearchFilters; tagModelId: number | null }): LibraryFacets {
  const f = o.filters ?? {};
  const cam = where({ ...f, camera: undefined }, o.tagModelId);
  const cameraRows = db
    .prepare(
      `SELECT p.camera_make, p.camera_model, COUNT(*) AS n FROM photos p
        WHERE ${cam.sql} AND (p.camera_make IS NOT NULL OR p.camera_model IS NOT NULL)
        GROUP BY p.camera_make, p.camera_model ORDER BY n DESC LIMIT ${FACET_LIMIT}`,
    )
    .raw()
    .all(...cam.params) as [string | null, string | null, number][];
  // Makes spelt two ways ("Canon" and "CANON") are one camera to the filter (case-insensitive).
  const cameras = new Map<string, { label: string; count: number }>();
  for (const [make, model, n] of cameraRows) {
    const label = cameraLabel(make, model);
    if (!label) continue;
    const key = label.toLowerCase();
    const c = cameras.get(key);
    if (c) c.count += n;
    else cameras.set(key, { label, count: n });
  }

  const ln = where({ ...f, lens: undefined }, o.tagModelId);
  const lenses = (
    db
      .prepare(
        `SELECT p.lens, COUNT(*) AS n FROM photos p WHERE ${ln.sql} AND p.lens IS NOT NULL AND p.lens <> ''
          GROUP BY p.lens ORDER BY n DESC, p.lens LIMIT ${FACET_LIMIT}`,
      )
      .raw()
      .all(...ln.params) as [string, number][]
  ).map(([lens, count]) => ({ lens, count }));

  const yr = where({ ...f, from: undefined, to: undefined }, o.tagModelId);
  const years = (
    db
      .prepare(
        `SELECT substr(p.date_key, 1, 4) AS y, COUNT(*) AS n FROM photos p WHERE ${yr.sql} AND p.date_key IS NOT NULL
          GROUP BY y ORDER BY y DESC`,
      )
      .raw()
      .all(...yr.params) as [string, number][]
  ).map(([y, count]) => ({ year: Number(y), count }));

  return {
    cameras: [...cameras.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)).map((c) => ({ camera: c.label, count: c.count })),
    lenses,
    years,
  };
}
