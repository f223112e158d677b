// Albums and favourites: the user's own sets of photos, stored in the library and keyed by
// content hash (like vectors and photo_tags), so a renamed or moved photo stays in its albums
// and keeps its star. A photo is added by id; what is stored is its content, so exact copies
// of a picture are in an album together (the grid shows every copy). Filters read these
// tables through search/filters.ts (album, favourite).
import type { Album } from '../api.js';
import { KanjianError } from '../errors.js';
import type { Store } from '../store/index.js';

/** Album names: what a person types; the schema caps length, this trims and refuses blanks. */
function cleanName(name: string): string {
  const n = name.trim().replace(/\s+/g, ' ');
  if (!n) throw new KanjianError('album.badName', 'An album needs a name', { client: true });
  return n;
}

interface AlbumRow {
  id: number;
  name: string;
  created_at: string;
  photos: number;
  cover: number | null;
}

export class Albums {
  constructor(private store: Store) {}

  private get db() {
    return this.store.db;
  }

  list(): Album[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.name, a.created_at,
                (SELECT COUNT(*) FROM photos p JOIN album_photos ap ON ap.sha256 = p.sha256
                  WHERE ap.album_id = a.id AND p.status = 'indexed') AS photos,
                (SELECT p.id FROM photos p JOIN album_photos ap ON ap.sha256 = p.sha256
                  WHERE ap.album_id = a.id AND p.status = 'indexed' ORDER BY ap.added_at DESC, p.id LIMIT 1) AS cover
           FROM albums a ORDER BY a.name COLLATE NOCASE`,
      )
      .all() as AlbumRow[];
    return rows.map(toAlbum);
  }

  get(id: number): Album {
    const a = this.list().find((x) => x.id === id);
    if (!a) throw new KanjianError('album.notFound', `No album with id ${id}`, { params: { id }, client: true });
    return a;
  }

  /** By name, any case (the CLI's --album). */
  byName(name: string): Album | null {
    return this.list().find((a) => a.name.toLowerCase() === name.trim().toLowerCase()) ?? null;
  }

  create(name: string): Album {
    const n = cleanName(name);
    if (this.byName(n)) throw new KanjianError('album.nameTaken', `An album named "${n}" exists`, { params: { name: n }, client: true });
    const id = Number(this.db.prepare('INSERT INTO albums (name, created_at) VALUES (?, ?)').run(n, now()).lastInsertRowid);
    return this.get(id);
  }

  rename(id: number, name: string): Album {
    this.get(id);
    const n = cleanName(name);
    const other = this.byName(n);
    if (other && other.id !== id) throw new KanjianError('album.nameTaken', `An album named "${n}" exists`, { params: { name: n }, client: true });
    this.db.prepare('UPDATE albums SET name = ? WHERE id = ?').run(n, id);
    return this.get(id);
  }

  /** Forgets the album; its photos stay where they are (nothing on disk is touched). */
  remove(id: number): void {
    this.get(id);
    this.db.prepare('DELETE FROM albums WHERE id = ?').run(id);
  }

  /** Adds the contents of these photos; photos not in the library (or not read yet) are skipped. */
  addPhotos(id: number, photoIds: number[]): Album {
    this.get(id);
    const at = now();
    this.db
      .prepare(
        `INSERT OR IGNORE INTO album_photos (album_id, sha256, added_at)
           SELECT ?, p.sha256, ? FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND p.sha256 IS NOT NULL`,
      )
      .run(id, at, JSON.stringify(photoIds));
    return this.get(id);
  }

  removePhotos(id: number, photoIds: number[]): Album {
    this.get(id);
    this.db
      .prepare(
        `DELETE FROM album_photos WHERE album_id = ?
            AND sha256 IN (SELECT p.sha256 FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)))`,
      )
      .run(id, JSON.stringify(photoIds));
    return this.get(id);
  }

  /** Albums holding this photo's content. */
  albumsOf(photoId: number): number[] {
    return this.db
      .prepare(`SELECT ap.album_id FROM album_photos ap JOIN photos p ON p.sha256 = ap.sha256 WHERE p.id = ? ORDER BY ap.album_id`)
      .pluck()
      .all(photoId) as number[];
  }

  /** Stars (or unstars) the photos' contents; returns the ids that are favourites now. */
  setFavourite(photoIds: number[], favourite: boolean): number[] {
    const ids = JSON.stringify(photoIds);
    if (favourite) {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO favourites (sha256, added_at)
             SELECT p.sha256, ? FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) AND p.sha256 IS NOT NULL`,
        )
        .run(now(), ids);
    } else {
      this.db
        .prepare(`DELETE FROM favourites WHERE sha256 IN (SELECT p.sha256 FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)))`)
        .run(ids);
    }
    return this.favouriteIds(photoIds);
  }

  /** Which of these photos are favourites. */
  favouriteIds(photoIds: number[]): number[] {
    return this.db
      .prepare(
        `SELECT p.id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?))
            AND EXISTS (SELECT 1 FROM favourites f WHERE f.sha256 = p.sha256) ORDER BY p.id`,
      )
      .pluck()
      .all(JSON.stringify(photoIds)) as number[];
  }
}

function toAlbum(r: AlbumRow): Album {
  return { id: r.id, name: r.name, createdAt: r.created_at, photoCount: r.photos, coverPhotoId: r.cover };
}

function now(): string {
  return new Date().toISOString();
}
