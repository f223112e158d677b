// One identity for a path string, per platform: macOS hands out NFD names (HFS+ always, APFS
// as written), Windows and macOS file systems compare names case-insensitively. Every
// "is this inside that" check in the core and the shells goes through here, so a folder added
// as `~/Pictures` is the same folder as `~/pictures` where the OS says it is.
import path from 'node:path';

/** Whether the platform's usual file systems ignore letter case (NTFS, APFS/HFS+ by default). */
export function caseInsensitive(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/** The comparison key of an absolute path: NFC, and lower-cased where names ignore case. */
export function pathKey(p: string, platform: NodeJS.Platform = process.platform): string {
  const n = p.normalize('NFC');
  return caseInsensitive(platform) ? n.toLowerCase() : n;
}

/** True when `child` is `parent` or lies below it, compared by key (both absolute). */
export function isInsidePath(parent: string, child: string, platform: NodeJS.Platform = process.platform): boolean {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const rel = p.relative(pathKey(parent, platform), pathKey(child, platform));
  // '..foo' is a name inside; only '..' itself or '../…' leaves the parent.
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + p.sep) && !p.isAbsolute(rel));
}

/** True when both name the same path (by key). */
export function samePath(a: string, b: string, platform: NodeJS.Platform = process.platform): boolean {
  return isInsidePath(a, b, platform) && isInsidePath(b, a, platform);
}
