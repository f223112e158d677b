// The offline geocoder on the real shipped data (main/core/places/places-data.json): known
// coordinates give their city, region and country in English and Chinese; open sea gives none.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_KM, placeData, type PlaceData } from '../../../main/core/places/geocoder.js';
import { describe as describePlace } from '../../../main/core/places/index.js';

let data: PlaceData;
beforeAll(async () => {
  data = await placeData();
});

function at(lat: number, lon: number) {
  const p = data.lookup(lat, lon);
  if (!p) return null;
  return { ...describePlace(data, p.cityId, p.country, p.admin1)!, km: p.km, near: p.nearId !== undefined ? data.city(p.nearId)?.names : undefined };
}

describe('reverse geocoding', () => {
  it('Tiananmen Square is in Beijing, China', () => {
    const p = at(39.9055, 116.3976);
    expect(p?.city).toEqual({ en: 'Beijing', zh: '北京' });
    expect(p?.country).toBe('CN');
    expect(p?.countryName).toEqual({ en: 'China', zh: '中国' });
    expect(p?.region?.zh).toBe('北京');
  });

  it('the Eiffel Tower is in Paris, Île-de-France, France', () => {
    const p = at(48.8584, 2.2945);
    expect(p?.city).toEqual({ en: 'Paris', zh: '巴黎' });
    expect(p?.region?.en).toBe('Île-de-France');
    expect(p?.countryName).toEqual({ en: 'France', zh: '法国' });
    // Size weighs, but does not swallow neighbours: the centre of Neuilly stays Neuilly.
    expect(at(48.8846, 2.2697)?.city.en).toBe('Neuilly-sur-Seine');
  });

  it('a beach in Sanya is in or near 三亚, Hainan', () => {
    // Sanya Bay, on the city's waterfront.
    const bay = at(18.2529, 109.4904);
    expect(bay?.country).toBe('CN');
    expect(bay?.region?.en).toBe('Hainan');
    expect([bay?.city.zh, bay?.near?.zh]).toContain('三亚');
    // Yalong Bay, 20 km east of the city: its own town, and near 三亚 all the same.
    const yalong = at(18.2316, 109.6419);
    expect([yalong?.city.zh, yalong?.near?.zh]).toContain('三亚');
    expect(data.searchText(data.lookup(18.2316, 109.6419)!)).toContain('三亚');
  });

  it('the photo from the issue (43.46446° N, 11.88148° E) is in Arezzo, Tuscany, Italy', () => {
    const p = at(43.46446, 11.88148);
    expect(p?.city.en).toBe('Arezzo');
    expect(p?.region?.en).toBe('Tuscany');
    expect(p?.countryName.zh).toBe('意大利');
  });

  it('the middle of the Pacific is no place, and a point just off a coast is the coast town', () => {
    expect(data.lookup(0, -140)).toBeNull();
    expect(data.lookup(30, -40)).toBeNull();
    // 5 km off Nice, in the Baie des Anges.
    const sea = data.lookup(43.65, 7.27);
    expect(sea).not.toBeNull();
    expect(sea!.km).toBeLessThan(MAX_KM);
    expect(sea!.country).toBe('FR');
  });

  it('broken positions are no place', () => {
    expect(data.lookup(0, 0)).toBeNull();
    expect(data.lookup(Number.NaN, 10)).toBeNull();
    expect(data.lookup(91, 10)).toBeNull();
  });

  it('every country has an English and a Chinese name', () => {
    const codes = data.countryCodes();
    expect(codes.size).toBeGreaterThan(200);
    const missing = [...codes].filter((c) => !data.country(c).zh || data.country(c).en === c);
    expect(missing).toEqual([]);
  });
});
