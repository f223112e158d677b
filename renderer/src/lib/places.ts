// Place names in the UI language: Chinese where the data has a Chinese name, else English
// (GeoNames has Chinese for every country but not for every small town).
import type { PhotoPlace, PlaceName } from '../api/types.ts';

export function placeName(n: PlaceName, locale: string): string {
  return locale.startsWith('zh') && n.zh ? n.zh : n.en;
}

/**
 * "Paris, Île-de-France, France" / "法国 巴黎" — the region left out when it repeats the city
 * (北京, 北京) and, in Chinese, when the data has no Chinese name for it (a Latin region name
 * between two Chinese ones reads as noise; the city keeps its Latin name, it has no other).
 */
export function placeLabel(p: PhotoPlace, locale: string): string {
  const zh = locale.startsWith('zh');
  const city = placeName(p.city, locale);
  const region = p.region && (!zh || p.region.zh) ? placeName(p.region, locale) : null;
  const country = placeName(p.countryName, locale);
  const parts = [city, ...(region && region !== city ? [region] : []), country];
  return zh ? parts.reverse().join(' ') : parts.join(', ');
}
