// Offline reverse geocoding: a GPS position → the nearest GeoNames place (city, town, or
// administrative seat of 1000+ people), its region (admin1) and country, named in English and,
// where the data has one, Chinese. The data (places-data.json) is built by
// scripts/build-places.ts from GeoNames (CC BY 4.0) and is loaded on first use only: a library
// without GPS photos never pays for it. Nearest-neighbour search is a static k-d tree (kdbush)
// walked on the sphere (geokdbush), so a lookup is microseconds.
import { gunzipSync } from 'node:zlib';
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';

export interface Names {
  en: string;
  zh?: string;
}

export interface Place {
  cityId: number;
  /** The nearest big city (100k+ people) within NEAR_KM, when it is not the place itself. */
  nearId?: number;
  country: string;
  /** GeoNames admin1 code within the country ('' when unknown). */
  admin1: string;
  /** Great-circle distance to the place, km. */
  km: number;
}

/** Farther than this from any place (open sea, polar ice) is "no place". */
export const MAX_KM = 50;
/** A small town this close to a big city is also "near" it: 三亚 finds a beach outside the city. */
const NEAR_KM = 40;
const BIG_CITY = 100_000;
/** Nearest places weighed against each other by size. */
const CANDIDATES = 24;

/** A rough radius of a place of this many people, km (capped: no city is a 50 km disc). */
export function radiusKm(population: number): number {
  return Math.min(20, 0.004 * Math.sqrt(Math.max(0, population)));
}

export interface City {
  id: number;
  lat: number;
  lon: number;
  country: string;
  admin1: string;
  population: number;
  names: Names;
}

export class PlaceData {
  private index: KDBush;
  private bigIndex: KDBush;
  private big: number[] = [];
  private byId = new Map<number, number>();

  constructor(
    readonly cities: City[],
    private countries: Map<string, Names>,
    private regions: Map<string, Names>,
  ) {
    this.index = new KDBush(Math.max(1, cities.length));
    cities.forEach((c, i) => {
      this.index.add(c.lon, c.lat);
      this.byId.set(c.id, i);
      if (c.population >= BIG_CITY) this.big.push(i);
    });
    this.index.finish();
    this.bigIndex = new KDBush(Math.max(1, this.big.length));
    for (const i of this.big) this.bigIndex.add(cities[i].lon, cities[i].lat);
    this.bigIndex.finish();
  }

  /** The place a position is in, or null when nothing lies within MAX_KM (or the position is invalid). */
  lookup(lat: number, lon: number, maxKm = MAX_KM): Place | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    // (0, 0) is what broken GPS writes ("Null Island"); no photo is really taken there.
    if (lat === 0 && lon === 0) return null;
    // GeoNames gives each place one point, its centre: the Eiffel Tower is nearer the centre of
    // Neuilly than that of Paris. A place's extent grows with its population, so the nearest few
    // are ranked by distance minus an estimated radius (≈ 6 km for Paris, 1 km for 60k people).
    let best = -1;
    let bestScore = Infinity;
    let bestKm = 0;
    for (const i of around(this.index, lon, lat, CANDIDATES, maxKm)) {
      const c = this.cities[i];
      const km = distance(lon, lat, c.lon, c.lat);
      const score = km - radiusKm(c.population);
      if (score < bestScore) [best, bestScore, bestKm] = [i, score, km];
    }
    if (best < 0) return null;
    const c = this.cities[best];
    const place: Place = { cityId: c.id, country: c.country, admin1: c.admin1, km: bestKm };
    if (c.population < BIG_CITY) {
      const [b] = around(this.bigIndex, lon, lat, 1, NEAR_KM);
      if (b !== undefined) {
        const near = this.cities[this.big[b]];
        if (near.country === c.country) place.nearId = near.id;
      }
    }
    return place;
  }

  city(id: number): City | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.cities[i];
  }

  country(code: string): Names {
    return this.countries.get(code) ?? { en: code };
  }

  region(country: string, admin1: string): Names | undefined {
    return admin1 ? this.regions.get(`${country}.${admin1}`) : undefined;
  }

  /** Every name a search can meet this place by (city, big city near it, region, country; en + zh). */
  searchText(p: Pick<Place, 'cityId' | 'nearId' | 'country' | 'admin1'>): string {
    const out: string[] = [];
    const add = (n: Names | undefined) => {
      if (!n) return;
      out.push(n.en);
      if (n.zh) out.push(n.zh);
    };
    add(this.city(p.cityId)?.names);
    if (p.nearId !== undefined) add(this.city(p.nearId)?.names);
    add(this.region(p.country, p.admin1));
    add(this.country(p.country));
    return out.join('\n');
  }
}

let loading: Promise<PlaceData> | null = null;

/** The place data, parsed once per process on first use (~0.3 s), then shared. */
export function placeData(): Promise<PlaceData> {
  return (loading ??= load().catch((e) => {
    loading = null;
    throw e;
  }));
}

async function load(): Promise<PlaceData> {
  const { default: raw } = await import('./places-data.json', { with: { type: 'json' } });
  return parsePlaceData(gunzipSync(Buffer.from(raw.gzipBase64, 'base64')).toString('utf8'));
}

/** Rows as written by scripts/build-places.ts. */
export function parsePlaceData(text: string): PlaceData {
  const countries = new Map<string, Names>();
  const regions = new Map<string, Names>();
  const cities: City[] = [];
  const names = (en: string, zh: string): Names => (zh ? { en, zh } : { en });
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'P') {
      cities.push({
        id: Number(f[1]),
        lat: Number(f[2]) / 1e4,
        lon: Number(f[3]) / 1e4,
        country: f[4],
        admin1: f[5],
        population: Number(f[6]),
        names: names(f[7], f[8]),
      });
    } else if (f[0] === 'C') countries.set(f[1], names(f[2], f[3]));
    else if (f[0] === 'R') regions.set(f[1], names(f[2], f[3]));
  }
  return new PlaceData(cities, countries, regions);
}
