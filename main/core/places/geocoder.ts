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

/** Columns of the place table (one entry per place), built once by parsePlaceData. */
export interface PlaceColumns {
  ids: Int32Array;
  lats: Float64Array;
  lons: Float64Array;
  populations: Float64Array;
  countries: string[];
  admin1: string[];
  en: string[];
  /** '' where the data has no Chinese name. */
  zh: string[];
}

export class PlaceData {
  private index: KDBush;
  private bigIndex: KDBush;
  private big: number[] = [];
  private byId = new Map<number, number>();
  readonly size: number;

  constructor(
    private c: PlaceColumns,
    private countries: Map<string, Names>,
    private regions: Map<string, Names>,
  ) {
    const n = (this.size = c.ids.length);
    this.index = new KDBush(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      this.index.add(c.lons[i], c.lats[i]);
      this.byId.set(c.ids[i], i);
      if (c.populations[i] >= BIG_CITY) this.big.push(i);
    }
    this.index.finish();
    this.bigIndex = new KDBush(Math.max(1, this.big.length));
    for (const i of this.big) this.bigIndex.add(c.lons[i], c.lats[i]);
    this.bigIndex.finish();
  }

  /** The place a position is in, or null when nothing lies within MAX_KM (or the position is invalid). */
  lookup(lat: number, lon: number, maxKm = MAX_KM): Place | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    // (0, 0) is what broken GPS writes ("Null Island"); no photo is really taken there.
    if (lat === 0 && lon === 0) return null;
    const { c } = this;
    // GeoNames gives each place one point, its centre: the Eiffel Tower is nearer the centre of
    // Neuilly than that of Paris. A place's extent grows with its population, so the nearest few
    // are ranked by distance minus an estimated radius (≈ 6 km for Paris, 1 km for 60k people).
    let best = -1;
    let bestScore = Infinity;
    let bestKm = 0;
    for (const i of around(this.index, lon, lat, CANDIDATES, maxKm)) {
      const km = distance(lon, lat, c.lons[i], c.lats[i]);
      const score = km - radiusKm(c.populations[i]);
      if (score < bestScore) [best, bestScore, bestKm] = [i, score, km];
    }
    if (best < 0) return null;
    const place: Place = { cityId: c.ids[best], country: c.countries[best], admin1: c.admin1[best], km: bestKm };
    if (c.populations[best] < BIG_CITY) {
      const [b] = around(this.bigIndex, lon, lat, 1, NEAR_KM);
      if (b !== undefined && c.countries[this.big[b]] === place.country) place.nearId = c.ids[this.big[b]];
    }
    return place;
  }

  city(id: number): City | undefined {
    const i = this.byId.get(id);
    if (i === undefined) return undefined;
    const { c } = this;
    return {
      id,
      lat: c.lats[i],
      lon: c.lons[i],
      country: c.countries[i],
      admin1: c.admin1[i],
      population: c.populations[i],
      names: c.zh[i] ? { en: c.en[i], zh: c.zh[i] } : { en: c.en[i] },
    };
  }

  /** The countries that have at least one place. */
  countryCodes(): Set<string> {
    return new Set(this.c.countries);
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

/** Rows as written by scripts/build-places.ts (countries and regions first, then places). */
export function parsePlaceData(text: string): PlaceData {
  const countries = new Map<string, Names>();
  const regions = new Map<string, Names>();
  const names = (en: string, zh: string): Names => (zh ? { en, zh } : { en });
  const lines = text.split('\n');
  let first = 0;
  for (; first < lines.length && !lines[first].startsWith('P\t'); first++) {
    const f = lines[first].split('\t');
    if (f[0] === 'C') countries.set(f[1], names(f[2], f[3]));
    else if (f[0] === 'R') regions.set(f[1], names(f[2], f[3]));
  }
  const n = lines.length - first;
  const c: PlaceColumns = {
    ids: new Int32Array(n),
    lats: new Float64Array(n),
    lons: new Float64Array(n),
    populations: new Float64Array(n),
    countries: new Array<string>(n),
    admin1: new Array<string>(n),
    en: new Array<string>(n),
    zh: new Array<string>(n),
  };
  // Country and region codes repeat: one string each, not one per place.
  const intern = new Map<string, string>();
  const once = (v: string) => intern.get(v) ?? (intern.set(v, v), v);
  for (let i = 0; i < n; i++) {
    const f = lines[first + i].split('\t');
    c.ids[i] = +f[1];
    c.lats[i] = +f[2] / 1e4;
    c.lons[i] = +f[3] / 1e4;
    c.countries[i] = once(f[4]);
    c.admin1[i] = once(f[5]);
    c.populations[i] = +f[6];
    c.en[i] = f[7];
    c.zh[i] = f[8] ?? '';
  }
  return new PlaceData(c, countries, regions);
}
