// Plain values of the API contract, shared by the schemas (api-schemas.ts), the core and the
// renderer (through api.ts). No imports: this module is part of the renderer's bundle.

/** Photo file types, as `PhotoDetail.format` names them. */
export const PHOTO_TYPES = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const DUPLICATE_KINDS = ['exact', 'near', 'similar'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/** Orders of the library's grid (library/timeline.ts): date taken (newest first), date added, file name. */
export const LIBRARY_SORTS = ['taken', 'added', 'name'] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/** The timeline's buckets: one per day or per month. */
export const TIMELINE_GRANULARITIES = ['day', 'month'] as const;
export type TimelineGranularity = (typeof TIMELINE_GRANULARITIES)[number];

export const LIMITS = {
  queryChars: 1000,
  pathChars: 4096,
  pageSize: 1000,
  /** Photos in one desktop action (trash, …). */
  batchIds: 10_000,
  /** A dropped or pasted query image (search by image); a phone photo is 3–12 MB. */
  queryImageBytes: 32 * 1024 * 1024,
} as const;

const TYPE_ALIASES: Record<string, PhotoType> = { jpg: 'jpeg', jpe: 'jpeg', tif: 'tiff', heif: 'heic' };

/** 'JPG' → 'jpeg'; null when it names no photo type. */
export function parsePhotoType(s: string): PhotoType | null {
  const t = s.trim().toLowerCase().replace(/^\./, '');
  const v = TYPE_ALIASES[t] ?? t;
  return (PHOTO_TYPES as readonly string[]).includes(v) ? (v as PhotoType) : null;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?)?)?$/;

/**
 * A date bound as a 'YYYY-MM-DDTHH:mm:ss' string. `from` is inclusive; for `to` this returns
 * the exclusive end of the unit given, so to=2024-05 includes all of May. Throws RangeError.
 */
export function dateBound(s: string, which: 'from' | 'to'): string {
  const m = DATE_RE.exec(s.trim());
  if (!m) throw new RangeError(`${which} must be a date like 2024-05-31 or 2024-05-31T18:30 (got "${s}")`);
  const [y, mo = '01', d = '01', h = '00', mi = '00', se = '00'] = m.slice(1).map((x) => x ?? undefined);
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)] as const;
  const date = new Date(Date.UTC(...parts));
  // Date.UTC rolls 2024-02-31 over to March: refuse dates that do not exist.
  if (date.getUTCMonth() !== parts[1] || date.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) {
    throw new RangeError(`${which}: "${s}" is not a valid date`);
  }
  if (which === 'to') {
    if (m[6] !== undefined) date.setUTCSeconds(date.getUTCSeconds() + 1);
    else if (m[5] !== undefined) date.setUTCMinutes(date.getUTCMinutes() + 1);
    else if (m[3] !== undefined) date.setUTCDate(date.getUTCDate() + 1);
    else if (m[2] !== undefined) date.setUTCMonth(date.getUTCMonth() + 1);
    else date.setUTCFullYear(date.getUTCFullYear() + 1);
  }
  return date.toISOString().slice(0, 19);
}

