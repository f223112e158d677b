// Metadata filters → one SQL condition on `photos p`. Every view applies it inside its own
// query (not to its top hits afterwards), so a narrow filter never hides relevant photos that
// ranked below a view's first page.
import path from 'node:path';
import type { SearchFilters } from '../api-schemas.js';
import { dateBound, parsePhotoType, PHOTO_TYPES } from '../api-values.js';

export interface SqlFilter {
  /** A condition on alias `p` (always includes p.status = 'indexed'). */
  sql: string;
  params: unknown[];
  /** True when the user gave at least one filter. */
  active: boolean;
  /** The filters this condition was built from (in-memory indexes apply them without SQL). */
  filters: SearchFilters;
}

/**
 * The photo's date for filtering: the camera's capture time, else the file's modified time,
 * both as local wall-clock 'YYYY-MM-DDTHH:mm:ss' (EXIF has no zone, so local is all we know).
 * Stored in `photos.date_key` by triggers (migrations.ts: 'localtime' may not appear in an
 * expression index), so a date filter compares a column instead of running strftime per row.
 */
export const PHOTO_DATE_SQL = 'p.date_key';

export function hasFilters(f: SearchFilters | undefined): boolean {
  if (!f) return false;
  return (
    f.from != null || f.to != null || f.folder != null || (f.camera != null && f.camera.trim() !== '') || (f.lens != null && f.lens !== '') ||
    f.hasGps != null || f.bbox != null || (f.types != null && f.types.length > 0) || hasTagFilter(f) ||
    f.album != null || f.favourite === true || f.place != null
  );
}

export function hasTagFilter(f: SearchFilters | undefined): boolean {
  return f?.tag != null && f.tag.trim() !== '';
}

export interface FilterContext {
  /**
   * The model whose tags the `tag` filter reads (tags are per model: the search model's), or
   * null when there is none: then no photo carries a tag.
   */
  tagModelId?: number | null;
}

/** Builds the condition; throws RangeError/TypeError for a filter that cannot mean anything. */
export function filterSql(f: SearchFilters | undefined, ctx: FilterContext = {}): SqlFilter {
  const where: string[] = ["p.status = 'indexed'"];
  const params: unknown[] = [];
  if (hasTagFilter(f)) {
    // The photo's content carries a tag named so in English (any case), Chinese, or by key.
    // Inside the views' own queries, like every filter, so no view's ranking is cut first.
    if (ctx.tagModelId == null) where.push('0');
    else {
      where.push(`EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
                   WHERE pt.model_id = ? AND pt.sha256 = p.sha256
                     AND (t.en = ? COLLATE NOCASE OR t.zh = ? OR t.key = ?))`);
      const n = f!.tag!.trim();
      params.push(ctx.tagModelId, n, n, n);
    }
  }
  // Albums and favourites hold contents (main/core/albums): a renamed or moved photo stays in.
  if (f?.album != null) {
    where.push('EXISTS (SELECT 1 FROM album_photos ap WHERE ap.album_id = ? AND ap.sha256 = p.sha256)');
    params.push(f.album);
  }
  if (f?.favourite === true) where.push('EXISTS (SELECT 1 FROM favourites fv WHERE fv.sha256 = p.sha256)');
  if (f?.from != null) {
    where.push(`${PHOTO_DATE_SQL} >= ?`);
    params.push(dateBound(f.from, 'from'));
  }
  if (f?.to != null) {
    where.push(`${PHOTO_DATE_SQL} < ?`);
    params.push(dateBound(f.to, 'to'));
  }
  if (f?.folder != null) {
    if (!path.isAbsolute(f.folder)) throw new RangeError('folder must be an absolute path');
    const dir = path.resolve(f.folder);
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    where.push('(p.path = ? OR substr(p.path, 1, ?) = ?)');
    params.push(dir, prefix.length, prefix);
  }
  if (f?.camera != null && f.camera.trim()) {
    where.push(`lower(COALESCE(p.camera_make, '') || ' ' || COALESCE(p.camera_model, '')) LIKE ? ESCAPE '\\'`);
    params.push(`%${f.camera.trim().toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  }
  if (f?.lens != null && f.lens !== '') {
    // Exact: the lens lists (library/facets.ts) hand over the text as stored.
    where.push('p.lens = ?');
    params.push(f.lens);
  }
  if (f?.hasGps === true) where.push('p.lat IS NOT NULL AND p.lon IS NOT NULL');
  if (f?.hasGps === false) where.push('(p.lat IS NULL OR p.lon IS NULL)');
  if (f?.bbox != null) {
    const [minLon, minLat, maxLon, maxLat] = f.bbox;
    if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite) || minLat > maxLat ||
        Math.abs(minLat) > 90 || Math.abs(maxLat) > 90 || Math.abs(minLon) > 180 || Math.abs(maxLon) > 180) {
      throw new RangeError('bbox must be minLon,minLat,maxLon,maxLat in degrees with minLat <= maxLat');
    }
    where.push('p.lat BETWEEN ? AND ?');
    params.push(minLat, maxLat);
    if (minLon <= maxLon) {
      where.push('p.lon BETWEEN ? AND ?');
      params.push(minLon, maxLon);
    } else {
      where.push('(p.lon >= ? OR p.lon <= ?)');
      params.push(minLon, maxLon);
    }
  }
  if (f?.place != null) {
    // The place the photo was taken in (main/core/places), by country and optionally city.
    where.push(
      `EXISTS (SELECT 1 FROM photo_places pp WHERE pp.photo_id = p.id AND pp.country = ?${f.place.cityId != null ? ' AND pp.city_id = ?' : ''})`,
    );
    params.push(f.place.country, ...(f.place.cityId != null ? [f.place.cityId] : []));
  }
  if (f?.types?.length) {
    const types = [...new Set(f.types.map((t) => {
      const v = parsePhotoType(t);
      if (!v) throw new RangeError(`unknown photo type "${t}" (known: ${PHOTO_TYPES.join(', ')})`);
      return v;
    }))];
    where.push(`p.format IN (${types.map(() => '?').join(', ')})`);
    params.push(...types);
  }
  return { sql: where.join(' AND '), params, active: hasFilters(f), filters: f ?? {} };
}
