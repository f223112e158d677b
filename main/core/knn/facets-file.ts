// A big library's filter facets, kept beside the library file for the next start: loading them
// from the library is one pass over every photo joined to its vector row (6–22 s at a million
// photos), reading them back is one read per array (~50 MB at a million). The file is a cache
// that can always be rebuilt, and it is used only when it was written for exactly what the
// library holds now: the `facets` counter in change_epochs, bumped by trigger (store/
// migrations.ts) in the writer's own transaction on every write to a column the facets read
// (any process's: the CLI's too), must be the one the file was written at. Dates of photos
// without a capture time are the file's modified time in local time, so the time zone is part
// of the key too.
import type { Db } from '../store/index.js';
import type { FacetsSnapshot } from './facets.js';
import { bytesOf, headerParts, readRegions, writeParts } from './cache-file.js';

/** Bumped when the layout changes. */
const FORMAT = 1;

/** What a facets file must have been written for. */
export interface FacetsKey {
  epoch: number;
  zone: string;
}

/** The library's facets epoch now and this process's time zone; null on a library without the counter. */
export function facetsKey(db: Db): FacetsKey | null {
  const n = db.prepare("SELECT n FROM change_epochs WHERE name = 'facets'").pluck().get() as number | undefined;
  if (n === undefined) return null;
  return { epoch: n, zone: timeZone() };
}

function timeZone(): string {
  // The zone's name and the offsets of a winter and a summer day (a zone whose rules changed reads differently).
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  const year = new Date().getFullYear();
  return `${name} ${new Date(year, 0, 1).getTimezoneOffset()} ${new Date(year, 6, 1).getTimezoneOffset()}`;
}

type Arrays = Pick<FacetsSnapshot, 'photoIds' | 'live' | 'eids' | 'dates' | 'dirs' | 'cameras' | 'lats' | 'lons' | 'formats' | 'lenses'>;
/** The per-photo arrays, in file order (posOfPhoto, of its own length, follows them). */
const ARRAYS = ['photoIds', 'live', 'eids', 'dates', 'dirs', 'cameras', 'lats', 'lons', 'formats', 'lenses'] as const satisfies readonly (keyof Arrays)[];

interface Header {
  format: number;
  modelId: number;
  key: FacetsKey;
  n: number;
  positions: number;
  dirNames: string[];
  cameraNames: string[];
  lensNames: string[];
  cameraOfRaw: [string, number][];
}

/** Writes the facets for the next start (a temp file renamed over the old one). Best effort: false when it could not. */
export function saveFacets(file: string, s: FacetsSnapshot, key: FacetsKey): boolean {
  const header: Header = {
    format: FORMAT, modelId: s.modelId, key, n: s.n, positions: s.posOfPhoto.length,
    dirNames: s.dirNames, cameraNames: s.cameraNames, lensNames: s.lensNames, cameraOfRaw: s.cameraOfRaw,
  };
  return writeParts(file, [...headerParts(header), ...ARRAYS.map((a) => bytesOf(s[a].subarray(0, s.n))), bytesOf(s.posOfPhoto)]);
}

/**
 * The facets written for `key` and `modelId`, or null (no file, another key, a torn or foreign
 * file). `earlier`: instead, only facets written at another epoch than `key`'s (from before a
 * change, see registry.ts holdEarlierFacets), still for this time zone.
 */
export function restoreFacets(file: string, key: FacetsKey, modelId: number, { earlier = false } = {}): FacetsSnapshot | null {
  let arrays: Arrays | undefined;
  let posOfPhoto: Int32Array<ArrayBuffer> | undefined;
  const h = readRegions<Header>(file, (h) => {
    if (h.format !== FORMAT || h.modelId !== modelId || (h.key?.epoch === key.epoch) === earlier || h.key?.zone !== key.zone) return null;
    const n = h.n;
    arrays = {
      photoIds: new Int32Array(n), live: new Uint8Array(n), eids: new Int32Array(n), dates: new Float64Array(n), dirs: new Int32Array(n),
      cameras: new Int32Array(n), lats: new Float64Array(n), lons: new Float64Array(n), formats: new Uint8Array(n), lenses: new Int32Array(n),
    };
    posOfPhoto = new Int32Array(h.positions);
    const filled = arrays;
    return [...ARRAYS.map((a) => bytesOf(filled[a])), bytesOf(posOfPhoto)];
  });
  if (!h || !arrays || !posOfPhoto) return null;
  return {
    modelId, n: h.n, cap: h.n, ...arrays, posOfPhoto,
    dirNames: h.dirNames, cameraNames: h.cameraNames, lensNames: h.lensNames, cameraOfRaw: h.cameraOfRaw,
  };
}
