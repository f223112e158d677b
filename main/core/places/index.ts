// Places of photos: each photo with a GPS position gets the place it was taken in (offline
// geocoder, geocoder.ts), stored in photo_places, and the place's names (en + zh) in place_fts
// for the place search view. Triggers on `photos` (migrations.ts) mark changed photos in
// place_dirty; the pipeline calls sync() right after indexing, and the migration marked every
// photo indexed before places existed, so the first sync is the backfill.
import type { PhotoPlace, PlaceCity, PlaceCountry, PlacesOverview } from '../api.js';
import { indexText } from '../search/text.js';
import type { Db } from '../store/index.js';
import { placeData, type PlaceData } from './geocoder.js';

const BATCH = 2000;

export class Places {
  constructor(private db: Db) {}

  /** Places of the photos marked dirty; returns how many were looked up. Cheap when none are. */
  async sync(): Promise<number> {
    // Read first: nothing to do takes no write lock and never loads the place data.
    if (!this.db.prepare('SELECT 1 FROM place_dirty LIMIT 1').get()) return 0;
    const data = await placeData();
    const select = this.db.prepare(
      `SELECT d.photo_id AS id, p.lat AS lat, p.lon AS lon FROM place_dirty d JOIN photos p ON p.id = d.photo_id LIMIT ${BATCH}`,
    );
    const clear = [
      this.db.prepare('DELETE FROM place_fts WHERE rowid = ?'),
      this.db.prepare('DELETE FROM photo_places WHERE photo_id = ?'),
      this.db.prepare('DELETE FROM place_dirty WHERE photo_id = ?'),
    ];
    const insPlace = this.db.prepare(
      'INSERT INTO photo_places (photo_id, city_id, near_id, country, admin1, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const insFts = this.db.prepare('INSERT INTO place_fts (rowid, words, chars) VALUES (?, ?, ?)');
    let total = 0;
    for (;;) {
      const n = this.db.transaction(() => {
        const rows = select.all() as { id: number; lat: number | null; lon: number | null }[];
        for (const r of rows) {
          for (const s of clear) s.run(r.id);
          const place = r.lat != null && r.lon != null ? data.lookup(r.lat, r.lon) : null;
          if (!place) continue;
          insPlace.run(r.id, place.cityId, place.nearId ?? null, place.country, place.admin1, r.lat, r.lon);
          const { words, chars } = indexText(data.searchText(place));
          insFts.run(r.id, words, chars);
        }
        // Marks whose photo vanished without the delete trigger must not loop.
        if (!rows.length) this.db.prepare('DELETE FROM place_dirty').run();
        return rows.length;
      })();
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Where a photo was taken, or null (no GPS, nowhere near a place, or not looked up yet). */
  async photoPlace(photoId: number): Promise<PhotoPlace | null> {
    const row = this.db.prepare('SELECT city_id, country, admin1 FROM photo_places WHERE photo_id = ?').get(photoId) as
      | { city_id: number; country: string; admin1: string }
      | undefined;
    if (!row) return null;
    const data = await placeData();
    return describe(data, row.city_id, row.country, row.admin1);
  }

  /** Countries → cities of the library with photo counts and a cover photo, most photos first. */
  async overview(): Promise<PlacesOverview> {
    const rows = this.db
      .prepare(
        `SELECT pp.country AS country, pp.city_id AS cityId, COUNT(*) AS n,
                MAX(CASE WHEN p.has_thumb = 1 THEN p.id END) AS cover
           FROM photo_places pp JOIN photos p ON p.id = pp.photo_id
          WHERE p.status = 'indexed'
          GROUP BY pp.country, pp.city_id`,
      )
      .all() as { country: string; cityId: number; n: number; cover: number | null }[];
    if (!rows.length) return { countries: [], photos: 0 };
    const data = await placeData();
    const byCountry = new Map<string, PlaceCountry>();
    let photos = 0;
    for (const r of rows) {
      const city = data.city(r.cityId);
      if (!city) continue; // a place the current data no longer has (data rebuilt): left out
      let c = byCountry.get(r.country);
      if (!c) byCountry.set(r.country, (c = { code: r.country, name: data.country(r.country), count: 0, coverPhotoId: null, cities: [] }));
      const entry: PlaceCity = {
        id: city.id,
        name: city.names,
        ...(data.region(city.country, city.admin1) && { region: data.region(city.country, city.admin1) }),
        lat: city.lat,
        lon: city.lon,
        count: r.n,
        coverPhotoId: r.cover,
      };
      c.cities.push(entry);
      c.count += r.n;
      photos += r.n;
      if (r.cover != null && (c.coverPhotoId == null || r.cover > c.coverPhotoId)) c.coverPhotoId = r.cover;
    }
    const countries = [...byCountry.values()].sort((a, b) => b.count - a.count || a.name.en.localeCompare(b.name.en));
    for (const c of countries) c.cities.sort((a, b) => b.count - a.count || a.name.en.localeCompare(b.name.en));
    return { countries, photos };
  }
}

export function describe(data: PlaceData, cityId: number, country: string, admin1: string): PhotoPlace | null {
  const city = data.city(cityId);
  if (!city) return null;
  const region = data.region(country, admin1);
  return { cityId, city: city.names, ...(region && { region }), country, countryName: data.country(country) };
}
