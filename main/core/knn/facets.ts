// The columns search filters read (date, folder, camera, GPS, type), one compact array each,
// so a filter becomes a bitmap of allowed vector rows in a few milliseconds at a million photos
// instead of a SQL scan (the date expression alone costs ~1 µs a row in SQLite). The same
// semantics as filters.ts's SQL (test/unit/knn-facets.test.ts checks both agree); results are
// still checked by that SQL at the end, so a stale entry can hide a photo for a moment but
// never show one that does not pass.
import path from 'node:path';
import { PHOTO_TYPES, type SearchFilters } from '../api.js';
import type { Db } from '../store/index.js';
import { dateBound, parsePhotoType } from '../api-values.js';
import { hasFilters } from '../search/filters.js';
import { vectorRowsByContent } from './vector-rows.js';

/** 'YYYY-MM-DDTHH:mm:ss' local wall clock → seconds (compared like the SQL compares strings). */
function wallSeconds(s: string): number {
  // Read digit by digit (a regex per photo was a fifth of loading a million).
  if (s.length !== 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const num = (from: number, len: number) => {
    let v = 0;
    for (let i = from; i < from + len; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return NaN;
      v = v * 10 + d;
    }
    return v;
  };
  return Date.UTC(num(0, 4), num(5, 2) - 1, num(8, 2), num(11, 2), num(14, 2), num(17, 2)) / 1000;
}

/** strftime('%Y-%m-%dT%H:%M:%S', mtime_ms / 1000.0, 'unixepoch', 'localtime') as seconds. */
function mtimeWallSeconds(mtimeMs: number): number {
  const s = Math.floor(mtimeMs / 1000);
  return s - new Date(s * 1000).getTimezoneOffset() * 60;
}

/** SQLite's lower(): ASCII only. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

type Row = [id: number, indexed: number, path: string, takenAt: string | null, mtimeMs: number, make: string | null,
  model: string | null, lat: number | null, lon: number | null, format: string | null, eid: number | null, lens: string | null];

/** What PhotoFacets holds, as plain data that crosses threads (see snapshot()). */
export interface FacetsSnapshot {
  modelId: number;
  n: number;
  cap: number;
  photoIds: Int32Array<ArrayBuffer>;
  live: Uint8Array<ArrayBuffer>;
  eids: Int32Array<ArrayBuffer>;
  dates: Float64Array<ArrayBuffer>;
  dirs: Int32Array<ArrayBuffer>;
  cameras: Int32Array<ArrayBuffer>;
  lats: Float64Array<ArrayBuffer>;
  lons: Float64Array<ArrayBuffer>;
  formats: Uint8Array<ArrayBuffer>;
  lenses: Int32Array<ArrayBuffer>;
  posOfPhoto: Int32Array<ArrayBuffer>;
  dirNames: string[];
  cameraNames: string[];
  lensNames: string[];
  cameraOfRaw: [string, number][];
}

/** The buffers of a snapshot's typed arrays (to transfer them, not copy). */
export function snapshotBuffers(s: FacetsSnapshot): ArrayBuffer[] {
  return [s.photoIds, s.live, s.eids, s.dates, s.dirs, s.cameras, s.lats, s.lons, s.formats, s.lenses, s.posOfPhoto].map((a) => a.buffer);
}

export class PhotoFacets {
  private n = 0;
  private cap = 0;
  private photoIds = new Int32Array(0);
  private live = new Uint8Array(0);
  private eids = new Int32Array(0);
  private dates = new Float64Array(0);
  private dirs = new Int32Array(0);
  private cameras = new Int32Array(0);
  private lats = new Float64Array(0);
  private lons = new Float64Array(0);
  private formats = new Uint8Array(0);
  private lenses = new Int32Array(0);
  /** photos.id → position + 1 (longer than the highest id: it grows with room to spare). */
  private posOfPhoto = new Int32Array(0);
  /** The highest photos.id held. */
  private maxPhotoId = 0;
  private dirNames: string[] = [];
  private dirIds = new Map<string, number>();
  private cameraNames: string[] = [];
  private cameraIds = new Map<string, number>();
  private lensNames: string[] = [];
  private lensIds = new Map<string, number>();
  private cameraOfRaw = new Map<string, number>();
  private readonly rowSql: string;

  constructor(
    private db: Db,
    readonly modelId: number,
  ) {
    this.rowSql = `SELECT p.id, p.status = 'indexed', p.path, p.taken_at, p.mtime_ms, p.camera_make, p.camera_model, p.lat, p.lon,
                          p.format, e.id, p.lens
                     FROM photos p LEFT JOIN embeddings e ON e.model_id = ${Math.trunc(modelId)} AND e.sha256 = p.sha256`;
  }

  /**
   * The arrays and name tables, for a worker thread to hand over (facets-worker.ts): the typed
   * arrays' buffers move with `transfer`, so the facets are not copied on the way.
   */
  snapshot(): FacetsSnapshot {
    return {
      modelId: this.modelId,
      n: this.n,
      cap: this.cap,
      photoIds: this.photoIds,
      live: this.live,
      eids: this.eids,
      dates: this.dates,
      dirs: this.dirs,
      cameras: this.cameras,
      lats: this.lats,
      lons: this.lons,
      formats: this.formats,
      lenses: this.lenses,
      posOfPhoto: this.posOfPhoto,
      dirNames: this.dirNames,
      cameraNames: this.cameraNames,
      lensNames: this.lensNames,
      cameraOfRaw: [...this.cameraOfRaw],
    };
  }

  /** Facets loaded elsewhere (a worker's snapshot), read on `db` from now on. */
  static fromSnapshot(db: Db, s: FacetsSnapshot): PhotoFacets {
    const f = new PhotoFacets(db, s.modelId);
    f.n = s.n;
    f.cap = s.cap;
    f.photoIds = s.photoIds;
    f.live = s.live;
    f.eids = s.eids;
    f.dates = s.dates;
    f.dirs = s.dirs;
    f.cameras = s.cameras;
    f.lats = s.lats;
    f.lons = s.lons;
    f.formats = s.formats;
    f.lenses = s.lenses;
    f.posOfPhoto = s.posOfPhoto;
    f.dirNames = s.dirNames;
    f.cameraNames = s.cameraNames;
    f.lensNames = s.lensNames;
    f.cameraOfRaw = new Map(s.cameraOfRaw);
    f.dirIds = new Map(s.dirNames.map((d, i) => [d, i]));
    f.cameraIds = new Map(s.cameraNames.map((c, i) => [c, i]));
    f.lensIds = new Map(s.lensNames.map((l, i) => [l, i]));
    for (let i = 0; i < s.n; i++) f.maxPhotoId = Math.max(f.maxPhotoId, s.photoIds[i]);
    return f;
  }

  static load(db: Db, modelId: number): PhotoFacets {
    const f = new PhotoFacets(db, modelId);
    const count = (db.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
    f.reserve(count);
    const maxId = (db.prepare('SELECT COALESCE(MAX(id), 0) FROM photos').pluck().get() as number) ?? 0;
    const eidOf = vectorRowsByContent(db, modelId, 'SELECT sha256, id FROM photos INDEXED BY photos_sha256 WHERE sha256 IS NOT NULL ORDER BY sha256', maxId);
    const rows = db
      .prepare('SELECT id, status = \'indexed\', path, taken_at, mtime_ms, camera_make, camera_model, lat, lon, format, lens FROM photos')
      .raw()
      .iterate() as Iterable<[number, number, string, string | null, number, string | null, string | null, number | null, number | null, string | null, string | null]>;
    for (const [id, indexed, p, takenAt, mtimeMs, make, model, lat, lon, format, lens] of rows) {
      const eid = id < eidOf.length ? eidOf[id] : 0;
      f.set([id, indexed, p, takenAt, mtimeMs, make, model, lat, lon, format, eid || null, lens]);
    }
    return f;
  }

  /** Bumped by every change taken in (sync, catchUp): an answer computed at one generation stays right until the next. */
  generation = 0;

  get size(): number {
    return this.n;
  }

  /** Re-reads the given photos and every photo whose content gained or lost a vector. */
  sync(photoIds: readonly number[], eids: readonly number[]): void {
    if (!photoIds.length && !eids.length) return;
    this.generation++;
    for (const id of photoIds) this.drop(id);
    const rows = this.db
      .prepare(
        `${this.rowSql} WHERE p.id IN (SELECT value FROM json_each(?))
            OR p.sha256 IN (SELECT sha256 FROM embeddings WHERE id IN (SELECT value FROM json_each(?)))`,
      )
      .raw()
      .all(JSON.stringify(photoIds), JSON.stringify(eids)) as Row[];
    for (const row of rows) this.set(row);
  }

  /** Photos added by another connection: every id above the highest held. */
  catchUp(): void {
    // Not posOfPhoto's length: it has room above the highest id, and ids there were missed.
    const rows = this.db.prepare(`${this.rowSql} WHERE p.id > ?`).raw().all(this.maxPhotoId) as Row[];
    if (rows.length) this.generation++;
    for (const row of rows) this.set(row);
  }

  /**
   * Vector rows (positions given by `positionOf`, `rows` long) holding a photo that passes the
   * filters, and how many. A content passes when any of its photos does.
   */
  allowed(f: SearchFilters, rows: number, positionOf: (eid: number) => number): { bitmap: Uint8Array; count: number } {
    const pass = this.passing(f);
    const bitmap = new Uint8Array(rows);
    let count = 0;
    for (let i = 0; i < this.n; i++) {
      if (!pass[i]) continue;
      const at = this.eids[i] > 0 ? positionOf(this.eids[i]) : -1;
      if (at >= 0 && at < rows && !bitmap[at]) {
        bitmap[at] = 1;
        count++;
      }
    }
    return { bitmap, count };
  }

  /** Per position: the photo is indexed and passes every filter (filters.ts semantics). */
  passing(f: SearchFilters): Uint8Array {
    const n = this.n;
    const pass = this.live.slice(0, n);
    if (!hasFilters(f)) return pass;
    const keep = (test: (i: number) => boolean) => {
      for (let i = 0; i < n; i++) if (pass[i] && !test(i)) pass[i] = 0;
    };
    // Albums and favourites are sets of contents: the vectors of those contents are allowed.
    if (f.album != null || f.favourite === true) {
      const eids = new Set(
        this.db
          .prepare(
            `SELECT e.id FROM embeddings e WHERE e.model_id = ?
                AND (? IS NULL OR EXISTS (SELECT 1 FROM album_photos ap WHERE ap.album_id = ? AND ap.sha256 = e.sha256))
                AND (? = 0 OR EXISTS (SELECT 1 FROM favourites fv WHERE fv.sha256 = e.sha256))`,
          )
          .pluck()
          .all(this.modelId, f.album ?? null, f.album ?? null, f.favourite === true ? 1 : 0) as number[],
      );
      keep((i) => eids.has(this.eids[i]));
    }
    if (f.from != null) {
      const from = wallSeconds(dateBound(f.from, 'from'));
      keep((i) => this.dates[i] >= from);
    }
    if (f.to != null) {
      const to = wallSeconds(dateBound(f.to, 'to'));
      keep((i) => this.dates[i] < to);
    }
    if (f.folder != null) {
      if (!path.isAbsolute(f.folder)) throw new RangeError('folder must be an absolute path');
      const dir = path.resolve(f.folder);
      const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
      const inside = Uint8Array.from(this.dirNames, (d) => (d + (d.endsWith(path.sep) ? '' : path.sep)).startsWith(prefix) ? 1 : 0);
      // filters.ts also lets the folder name a file itself (p.path = dir).
      const exact = new Set(this.db.prepare('SELECT id FROM photos WHERE path = ?').pluck().all(dir) as number[]);
      keep((i) => inside[this.dirs[i]] === 1 || (exact.size > 0 && exact.has(this.photoIds[i])));
    }
    if (f.camera != null && f.camera.trim()) {
      const needle = f.camera.trim().toLowerCase();
      const ok = Uint8Array.from(this.cameraNames, (c) => (c.includes(needle) ? 1 : 0));
      keep((i) => ok[this.cameras[i]] === 1);
    }
    if (f.lens != null && f.lens !== '') {
      const id = this.lensIds.get(f.lens);
      keep((i) => id !== undefined && this.lenses[i] === id);
    }
    if (f.hasGps === true) keep((i) => !Number.isNaN(this.lats[i]) && !Number.isNaN(this.lons[i]));
    if (f.hasGps === false) keep((i) => Number.isNaN(this.lats[i]) || Number.isNaN(this.lons[i]));
    if (f.bbox != null) {
      const [minLon, minLat, maxLon, maxLat] = f.bbox;
      keep((i) => this.lats[i] >= minLat && this.lats[i] <= maxLat);
      if (minLon <= maxLon) keep((i) => this.lons[i] >= minLon && this.lons[i] <= maxLon);
      else keep((i) => this.lons[i] >= minLon || this.lons[i] <= maxLon);
    }
    if (f.place != null) {
      // Few photos per place next to the library: the set comes from photo_places (indexed).
      const { country, cityId } = f.place;
      const ids = new Set(
        (cityId != null
          ? this.db.prepare('SELECT photo_id FROM photo_places WHERE country = ? AND city_id = ?').pluck().all(country, cityId)
          : this.db.prepare('SELECT photo_id FROM photo_places WHERE country = ?').pluck().all(country)) as number[],
      );
      keep((i) => ids.has(this.photoIds[i]));
    }
    if (f.types?.length) {
      const ok = new Uint8Array(PHOTO_TYPES.length + 1);
      for (const t of f.types) {
        const v = parsePhotoType(t);
        if (!v) throw new RangeError(`unknown photo type "${t}" (known: ${PHOTO_TYPES.join(', ')})`);
        ok[PHOTO_TYPES.indexOf(v) + 1] = 1;
      }
      keep((i) => ok[this.formats[i]] === 1);
    }
    return pass;
  }

  private drop(photoId: number): void {
    const at = photoId < this.posOfPhoto.length ? this.posOfPhoto[photoId] - 1 : -1;
    if (at >= 0) this.live[at] = 0;
  }

  private set(r: Row): void {
    const [id, indexed, p, takenAt, mtimeMs, make, model, lat, lon, format, eid, lens] = r;
    let at = id < this.posOfPhoto.length ? this.posOfPhoto[id] - 1 : -1;
    if (at < 0) {
      if (this.n === this.cap) this.reserve(Math.max(1024, Math.ceil(this.cap * 1.5)));
      at = this.n++;
      if (id >= this.posOfPhoto.length) {
        const next = new Int32Array(Math.max(id + 1, Math.ceil(this.posOfPhoto.length * 1.5), 1024));
        next.set(this.posOfPhoto);
        this.posOfPhoto = next;
      }
      this.posOfPhoto[id] = at + 1;
      this.maxPhotoId = Math.max(this.maxPhotoId, id);
    }
    this.photoIds[at] = id;
    this.live[at] = indexed ? 1 : 0;
    this.eids[at] = eid ?? 0;
    this.dates[at] = takenAt != null ? wallSeconds(takenAt) : mtimeWallSeconds(mtimeMs);
    this.dirs[at] = intern(dirname(p), this.dirNames, this.dirIds);
    // Most photos share a few cameras: lower-case each pair once.
    const rawCamera = `${make ?? ''}\u0000${model ?? ''}`;
    let camera = this.cameraOfRaw.get(rawCamera);
    if (camera === undefined) {
      camera = intern(asciiLower(`${make ?? ''} ${model ?? ''}`), this.cameraNames, this.cameraIds);
      this.cameraOfRaw.set(rawCamera, camera);
    }
    this.cameras[at] = camera;
    this.lats[at] = lat ?? NaN;
    this.lons[at] = lon ?? NaN;
    this.formats[at] = format ? (PHOTO_TYPES as readonly string[]).indexOf(format) + 1 : 0;
    this.lenses[at] = intern(lens ?? '', this.lensNames, this.lensIds);
  }

  private reserve(cap: number): void {
    if (cap <= this.cap) return;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(cap);
      next.set(a);
      return next;
    };
    this.photoIds = grow(this.photoIds);
    this.live = grow(this.live);
    this.eids = grow(this.eids);
    this.dates = grow(this.dates);
    this.dirs = grow(this.dirs);
    this.cameras = grow(this.cameras);
    this.lats = grow(this.lats);
    this.lons = grow(this.lons);
    this.formats = grow(this.formats);
    this.lenses = grow(this.lenses);
    this.cap = cap;
  }
}

/** path.dirname, without its general work for the usual absolute POSIX path. */
function dirname(p: string): string {
  if (path.sep === '/') {
    const slash = p.lastIndexOf('/');
    if (slash > 0 && slash < p.length - 1 && p.charCodeAt(slash - 1) !== 47) return p.slice(0, slash);
  }
  return path.dirname(p);
}

function intern(s: string, names: string[], ids: Map<string, number>): number {
  let id = ids.get(s);
  if (id === undefined) {
    id = names.length;
    names.push(s);
    ids.set(s, id);
  }
  return id;
}
