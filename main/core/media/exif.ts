import exifr from 'exifr';
import sharp from 'sharp';

export interface ExifInfo {
  /** Local wall-clock time the photo was taken, 'YYYY-MM-DDTHH:mm:ss' (EXIF has no zone). */
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lat: number | null;
  lon: number | null;
  /** EXIF orientation tag 1..8 as stored (informational for HEIC, see OpenedImage). */
  orientation: number | null;
  /** Exposure, as the camera recorded it (the viewer shows them). */
  lens: string | null;
  fNumber: number | null;
  /** Seconds. */
  exposureTime: number | null;
  iso: number | null;
  /** Millimetres (the lens's real focal length). */
  focalLength: number | null;
}

export const EMPTY_EXIF: Readonly<ExifInfo> = Object.freeze({
  takenAt: null,
  cameraMake: null,
  cameraModel: null,
  lat: null,
  lon: null,
  orientation: null,
  lens: null,
  fNumber: null,
  exposureTime: null,
  iso: null,
  focalLength: null,
});

const PICK = [
  'Make',
  'Model',
  'DateTimeOriginal',
  'CreateDate',
  'Orientation',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
  'LensModel',
  'FNumber',
  'ExposureTime',
  'ISO',
  'FocalLength',
];

// Raw values: exifr's revived Dates are built in the machine's zone and its translated
// Orientation is a sentence; we want the camera's own wall-clock string and the tag number.
const OPTIONS = { pick: PICK, translateValues: false, reviveValues: false, gps: true, xmp: false, icc: false, iptc: false, jfif: false, ihdr: false };

type Tags = Record<string, unknown>;

/**
 * Camera metadata from a photo's bytes. Never throws: photos without EXIF (screenshots, edits,
 * messenger copies) are normal, and unreadable EXIF must not cost the user the photo.
 */
export async function readExif(bytes: Uint8Array): Promise<ExifInfo> {
  try {
    let tags = await parseQuietly(bytes);
    // exifr cannot reach EXIF in WebP, and misses it in HEIF files whose iloc uses a base offset
    // (as libheif writes them). libvips/libheif locate the block reliably from headers alone;
    // exifr then parses that block as the bare TIFF structure it is.
    if (!hasAny(tags)) tags = await parseQuietly(await exifBlockViaSharp(bytes));
    return tags ? toExifInfo(tags) : { ...EMPTY_EXIF };
  } catch {
    return { ...EMPTY_EXIF };
  }
}

async function parseQuietly(bytes: Uint8Array | null): Promise<Tags | null> {
  if (!bytes || bytes.length === 0) return null;
  try {
    const out: unknown = await exifr.parse(bytes, OPTIONS);
    return out && typeof out === 'object' ? (out as Tags) : null;
  } catch {
    return null;
  }
}

function hasAny(tags: Tags | null): boolean {
  return !!tags && PICK.some((k) => tags[k] !== undefined);
}

async function exifBlockViaSharp(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    const { exif } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!exif) return null;
    // JPEG-style blocks start with the APP1 identifier; the TIFF header follows it.
    const tiffStart = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
    return exif.subarray(tiffStart);
  } catch {
    return null;
  }
}

function toExifInfo(tags: Tags): ExifInfo {
  const [lat, lon] = gps(tags.latitude, tags.longitude);
  const orientation = tags.Orientation;
  return {
    takenAt: exifDate(tags.DateTimeOriginal) ?? exifDate(tags.CreateDate),
    cameraMake: text(tags.Make),
    cameraModel: text(tags.Model),
    lat,
    lon,
    orientation: typeof orientation === 'number' && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : null,
    lens: text(tags.LensModel),
    fNumber: positive(tags.FNumber, 1000),
    exposureTime: positive(tags.ExposureTime, 3600),
    // Some cameras store ISO as [value, value].
    iso: positive(Array.isArray(tags.ISO) ? tags.ISO[0] : tags.ISO, 10_000_000),
    focalLength: positive(tags.FocalLength, 10_000),
  };
}

/** A finite number in (0, max], else null (0 is what cameras write for "unknown"). */
function positive(value: unknown, max: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max ? value : null;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Fixed-width EXIF fields arrive padded with NULs or spaces.
  const trimmed = value.replace(/\0+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
}

/** EXIF 'YYYY:MM:DD HH:MM:SS' (some writers use '-' or 'T') → 'YYYY-MM-DDTHH:mm:ss', or null. */
export function exifDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  // '0000:00:00 00:00:00' is what cameras with an unset clock write.
  if (year < 1800 || year > 2200 || hour > 23 || minute > 59 || second > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

function gps(lat: unknown, lon: unknown): [number | null, number | null] {
  if (typeof lat !== 'number' || typeof lon !== 'number') return [null, null];
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return [null, null];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return [null, null];
  // Receivers without a fix write zeros; nobody photographs "Null Island" in the Gulf of Guinea.
  if (lat === 0 && lon === 0) return [null, null];
  return [lat, lon];
}
