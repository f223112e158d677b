import path from 'node:path';
import type { Db } from './db.js';
import type { FailedFile, MessageCode, PhotoDetail, PhotoSummary } from '../api.js';

export interface PhotoRow {
  id: number;
  folder_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  lat: number | null;
  lon: number | null;
  orientation: number | null;
  phash: string | null;
  has_thumb: number;
  status: 'indexed' | 'failed';
  error: string | null;
  indexed_at: number;
  /** v4: the failure as a message code, and its params as JSON. */
  error_code: string | null;
  error_params: string | null;
  lens: string | null;
  f_number: number | null;
  exposure_time: number | null;
  iso: number | null;
  focal_length: number | null;
}

/** Columns added after v1 may be left out by writers that do not know them (they become null). */
type LaterColumns = 'error_code' | 'error_params' | 'lens' | 'f_number' | 'exposure_time' | 'iso' | 'focal_length';
export type PhotoInput = Omit<PhotoRow, 'id' | LaterColumns> & Partial<Pick<PhotoRow, LaterColumns>>;

const LATER_DEFAULTS: Pick<PhotoRow, LaterColumns> = {
  error_code: null,
  error_params: null,
  lens: null,
  f_number: null,
  exposure_time: null,
  iso: null,
  focal_length: null,
};

const COLUMNS = [
  'folder_id', 'path', 'size', 'mtime_ms', 'sha256', 'width', 'height', 'format', 'taken_at',
  'camera_make', 'camera_model', 'lat', 'lon', 'orientation', 'phash', 'has_thumb', 'status',
  'error', 'indexed_at', 'error_code', 'error_params', 'lens', 'f_number', 'exposure_time', 'iso',
  'focal_length',
] as const;

/** A stored failure code; rows failed before v4 (no code) read as 'media.unexpected'. */
function storedCode(r: Pick<PhotoRow, 'error_code' | 'error_params'>): { code: MessageCode; params?: Record<string, string | number> } {
  const code = (r.error_code ?? 'media.unexpected') as MessageCode;
  let params: Record<string, string | number> | undefined;
  if (r.error_params) {
    try {
      params = JSON.parse(r.error_params) as Record<string, string | number>;
    } catch {
      params = undefined;
    }
  }
  return { code, ...(params && { params }) };
}

/** The summary of a photo row (any row holding these columns: a photo, a duplicate candidate). */
export function toSummary(r: Pick<PhotoRow, 'id' | 'path' | 'folder_id' | 'width' | 'height' | 'taken_at' | 'has_thumb'>): PhotoSummary {
  return {
    id: r.id,
    path: r.path,
    folderId: r.folder_id,
    name: path.basename(r.path),
    width: r.width,
    height: r.height,
    takenAt: r.taken_at,
    hasThumbnail: r.has_thumb === 1,
  };
}

export function toDetail(r: PhotoRow): PhotoDetail {
  return {
    ...toSummary(r),
    size: r.size,
    mtimeMs: r.mtime_ms,
    sha256: r.sha256,
    format: r.format,
    cameraMake: r.camera_make,
    cameraModel: r.camera_model,
    lat: r.lat,
    lon: r.lon,
    orientation: r.orientation,
    status: r.status,
    error: r.error,
    errorCode: r.status === 'failed' ? storedCode(r).code : null,
    ...(r.status === 'failed' && storedCode(r).params && { errorParams: storedCode(r).params }),
    lens: r.lens ?? null,
    fNumber: r.f_number ?? null,
    exposureTime: r.exposure_time ?? null,
    iso: r.iso ?? null,
    focalLength: r.focal_length ?? null,
  };
}

export class PhotoRepo {
  private upsertStmt;
  private byPathStmt;
  constructor(private db: Db) {
    const cols = COLUMNS.join(', ');
    const params = COLUMNS.map((c) => '@' + c).join(', ');
    const updates = COLUMNS.filter((c) => c !== 'path').map((c) => `${c} = excluded.${c}`).join(', ');
    this.upsertStmt = db.prepare(
      `INSERT INTO photos (${cols}) VALUES (${params}) ON CONFLICT(path) DO UPDATE SET ${updates}`,
    );
    this.byPathStmt = db.prepare('SELECT * FROM photos WHERE path = ?');
  }

  upsert(p: PhotoInput): void {
    const previous = this.byPath(p.path);
    this.upsertStmt.run({ ...LATER_DEFAULTS, ...p });
    if (previous?.sha256 && previous.sha256 !== p.sha256) this.orphanIfUnused(previous.sha256);
  }

  byPath(p: string): PhotoRow | undefined {
    return this.byPathStmt.get(p) as PhotoRow | undefined;
  }

  byId(id: number): PhotoRow | undefined {
    return this.db.prepare('SELECT * FROM photos WHERE id = ?').get(id) as PhotoRow | undefined;
  }

  bySha256(sha: string): PhotoRow[] {
    return this.db.prepare('SELECT * FROM photos WHERE sha256 = ? ORDER BY id').all(sha) as PhotoRow[];
  }

  /** Known files of a folder: path → size/mtime, for change detection during a scan. */
  statsUnder(folderId: number): Map<string, { size: number; mtime_ms: number; status: string }> {
    const rows = this.db
      .prepare('SELECT path, size, mtime_ms, status FROM photos WHERE folder_id = ?')
      .all(folderId) as { path: string; size: number; mtime_ms: number; status: string }[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  /** Removes rows for files that are gone (or under a gone directory). Never touches disk. */
  removePaths(paths: string[]): number {
    let removed = 0;
    this.db.transaction(() => {
      for (const p of paths) {
        const row = this.byPath(p);
        if (!row) continue;
        this.db.prepare('DELETE FROM photos WHERE id = ?').run(row.id);
        if (row.sha256) this.orphanIfUnused(row.sha256);
        removed++;
      }
    })();
    return removed;
  }

  /** Paths of photos at or below a directory (a deleted or moved-away directory). */
  pathsUnder(dir: string): string[] {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    return (
      this.db
        .prepare("SELECT path FROM photos WHERE path = ? OR substr(path, 1, ?) = ?")
        .all(dir, prefix.length, prefix) as { path: string }[]
    ).map((r) => r.path);
  }

  /** Marks the content's vectors as orphaned when no photo has it any more. */
  orphanIfUnused(sha: string): void {
    const used = this.db.prepare('SELECT 1 FROM photos WHERE sha256 = ? LIMIT 1').get(sha);
    if (!used) {
      this.db
        .prepare('UPDATE embeddings SET orphaned_at = ? WHERE sha256 = ? AND orphaned_at IS NULL')
        .run(Date.now(), sha);
    }
  }

  list(opts: { folderId?: number; offset?: number; limit?: number }): { rows: PhotoRow[]; total: number } {
    const where = opts.folderId != null ? "WHERE status = 'indexed' AND folder_id = ?" : "WHERE status = 'indexed'";
    const args = opts.folderId != null ? [opts.folderId] : [];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM photos ${where}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM photos ${where} ORDER BY COALESCE(taken_at, '') DESC, path LIMIT ? OFFSET ?`)
      .all(...args, opts.limit ?? 200, opts.offset ?? 0) as PhotoRow[];
    return { rows, total };
  }

  failed(opts: { folderId?: number; limit?: number }): FailedFile[] {
    const where = opts.folderId != null ? "WHERE status = 'failed' AND folder_id = ?" : "WHERE status = 'failed'";
    const args = opts.folderId != null ? [opts.folderId] : [];
    return (
      this.db
        .prepare(`SELECT path, error, error_code, error_params FROM photos ${where} ORDER BY path LIMIT ?`)
        .all(...args, opts.limit ?? 1000) as { path: string; error: string | null; error_code: string | null; error_params: string | null }[]
    ).map((r) => ({ path: r.path, error: r.error ?? 'unknown error', ...storedCode(r) }));
  }

  counts(): { photos: number; indexed: number; failed: number } {
    return this.db
      .prepare(
        "SELECT COUNT(*) AS photos, COALESCE(SUM(status = 'indexed'), 0) AS indexed, COALESCE(SUM(status = 'failed'), 0) AS failed FROM photos",
      )
      .get() as { photos: number; indexed: number; failed: number };
  }
}
