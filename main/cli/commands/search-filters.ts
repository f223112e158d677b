// CLI flags → SearchFilters. Shared checks (dates, types, bbox) live in core/search/filters.ts;
// this only turns strings into the request shape and says which flag was wrong.
import path from 'node:path';
import type { PhotoType, SearchFilters } from '../../core/api.js';
import { dateBound, parsePhotoType } from '../../core/api-values.js';

export const FILTER_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  folder: { type: 'string' },
  camera: { type: 'string' },
  'has-gps': { type: 'boolean' },
  bbox: { type: 'string' },
  type: { type: 'string', multiple: true },
  album: { type: 'string' },
  favourite: { type: 'boolean' },
  place: { type: 'string' },
} as const;

export const FILTER_USAGE = `Search filters (combine with any query, or use alone to list photos):
  --from <date>        taken on or after (2024, 2024-05, 2024-05-31, 2024-05-31T18:30)
  --to <date>          taken on or before (inclusive: --to 2024-05 includes all of May)
  --folder <path>      in this folder or below
  --camera <text>      camera make or model contains this (case-insensitive)
  --has-gps            only photos with a GPS position
  --bbox <minLon,minLat,maxLon,maxLat>   only photos taken inside this box (degrees)
  --type <t>           jpeg, png, webp, avif, gif, tiff or heic (repeat or comma-separate)
  --album <name>       only photos in this album
  --favourite          only favourites
  --place <CC[:id]>    taken in this country (ISO code, e.g. CN) or city (GeoNames id, e.g. CN:1816670;
                       place names work as plain query words: kanjian search 北京)
  --image <file>       photos like this image (with a query too: like it, and matching the words)`;

export interface FilterFlags {
  from?: string;
  to?: string;
  folder?: string;
  camera?: string;
  'has-gps'?: boolean;
  bbox?: string;
  type?: string[];
  favourite?: boolean;
  place?: string;
}

/** Throws RangeError naming the flag when a value cannot be used. */
export function filtersFromFlags(v: FilterFlags): SearchFilters | undefined {
  const f: SearchFilters = {};
  if (v.from !== undefined) f.from = checked('--from', () => (dateBound(v.from!, 'from'), v.from!));
  if (v.to !== undefined) f.to = checked('--to', () => (dateBound(v.to!, 'to'), v.to!));
  if (v.folder !== undefined) f.folder = path.resolve(v.folder);
  if (v.camera !== undefined) f.camera = v.camera;
  if (v['has-gps']) f.hasGps = true;
  if (v.bbox !== undefined) {
    const n = v.bbox.split(',').map((x) => Number(x.trim()));
    if (n.length !== 4 || !n.every(Number.isFinite)) {
      throw new RangeError('--bbox takes four numbers: minLon,minLat,maxLon,maxLat (e.g. 11.8,43.4,12,43.5)');
    }
    f.bbox = n as [number, number, number, number];
  }
  if (v.type?.length) {
    f.types = v.type.flatMap((t) => t.split(',')).filter((t) => t.trim()).map((t) => {
      const p = parsePhotoType(t);
      if (!p) throw new RangeError(`--type: unknown photo type "${t}" (jpeg, png, webp, avif, gif, tiff, heic)`);
      return p as PhotoType;
    });
  }
  if (v.favourite) f.favourite = true;
  if (v.place !== undefined) {
    const m = /^([a-z]{2})(?::(\d+))?$/i.exec(v.place.trim());
    if (!m) throw new RangeError('--place takes a country code or country:city id (e.g. CN or CN:1816670)');
    f.place = { country: m[1].toUpperCase(), ...(m[2] && { cityId: Number(m[2]) }) };
  }
  if (f.from !== undefined && f.to !== undefined && dateBound(f.from, 'from') >= dateBound(f.to, 'to')) {
    throw new RangeError(`--from ${f.from} is after --to ${f.to}: the range holds no date`);
  }
  return Object.keys(f).length ? f : undefined;
}

function checked<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new RangeError(`${flag}: ${(e as Error).message}`);
  }
}
