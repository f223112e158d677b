import path from 'node:path';

/** The photo formats Kanjian indexes, named by content (what the bytes are), not by extension. */
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' | 'heic';

/**
 * The one extension table: what the scanner and watcher index and what the shells serve
 * (shell-common/content-type.ts) come from it, so nothing is served that is never indexed.
 */
const FORMAT_BY_EXTENSION: ReadonlyMap<string, PhotoFormat> = new Map([
  ['jpg', 'jpeg'],
  ['jpeg', 'jpeg'],
  ['jpe', 'jpeg'],
  ['jfif', 'jpeg'],
  ['png', 'png'],
  ['webp', 'webp'],
  ['avif', 'avif'],
  ['gif', 'gif'],
  ['tif', 'tiff'],
  ['tiff', 'tiff'],
  ['heic', 'heic'],
  ['heif', 'heic'],
  ['hif', 'heic'],
]);

/** The Content-Type a photo of each format is served with. */
export const FORMAT_MIME: Readonly<Record<PhotoFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heic: 'image/heic',
};

/** Human names for messages. */
export const FORMAT_LABEL: Readonly<Record<PhotoFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  avif: 'AVIF',
  gif: 'GIF',
  tiff: 'TIFF',
  heic: 'HEIC',
};

/**
 * The format an extension promises. Only a hint for scans: decoding trusts the bytes, because
 * renamed files (a PNG saved as .jpg) are common.
 */
export function photoFormatFromPath(p: string): PhotoFormat | null {
  const ext = path.extname(p).slice(1).toLowerCase();
  return FORMAT_BY_EXTENSION.get(ext) ?? null;
}

export function isPhotoPath(p: string): boolean {
  return photoFormatFromPath(p) !== null && !isClutterName(path.basename(p));
}

// Exact names (lower-cased) that file systems, OSes and NAS boxes drop into photo folders.
const CLUTTER_NAMES: ReadonlySet<string> = new Set([
  'thumbs.db',
  'ehthumbs.db',
  'ehthumbs_vista.db',
  'desktop.ini',
  '@eadir', // Synology's per-folder thumbnail cache: thousands of JPEGs that are not the user's photos
  '#recycle', // Synology share recycle bin
  '@recycle', // QNAP recycle bin
  '#snapshot', // Synology snapshot browsing folder
  '$recycle.bin',
  'system volume information',
  'icon\r', // macOS custom folder icon file
]);

/**
 * Names a scan or watcher must skip. Windows and macOS names compare case-insensitively
 * because those file systems do.
 */
export function isClutterName(name: string): boolean {
  if (name.length === 0) return false;
  // Covers .DS_Store, ._AppleDouble, .Trash-1000, .Spotlight-V100 and our own temp files.
  if (name.startsWith('.')) return true;
  return CLUTTER_NAMES.has(name.toLowerCase());
}

/**
 * Whether absPath should be ignored because some segment between root and it is clutter or
 * hidden. The root's own name never counts: a user may choose to add a hidden folder.
 * Paths outside root are ignored too, since they are not part of that library folder.
 */
export function isIgnoredPath(root: string, absPath: string): boolean {
  const rel = path.relative(root, absPath);
  if (rel === '') return false;
  if (path.isAbsolute(rel) || rel === '..' || rel.startsWith('..' + path.sep) || rel.startsWith('../')) {
    return true;
  }
  return rel.split(/[\\/]+/).some(isClutterName);
}
