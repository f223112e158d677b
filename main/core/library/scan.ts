// Recursive folder scan: finds photo files, compares them with what the store knows,
// and queues the new or changed ones. Links are not followed (a link loop would never end,
// the target may lie outside the library, and a trash of it would move someone else's file):
// they are reported as skipped, like FIFOs and names the OS cannot hand over as text.
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile } from '../api.js';
import { dirIdentity } from '../fs/real-path.js';
import { samePath } from '../fs/path-key.js';
import { isClutterName, isPhotoPath } from '../media/formats.js';
import type { FailedFile } from '../api.js';
import { fsFailureCode } from '../media/error-codes.js';
import type { Store } from '../store/index.js';

export interface ScanResult {
  queued: number;
  unchanged: number;
  removed: number;
  /** Directories that could not be read (permissions), reported, not fatal. */
  unreadable: FailedFile[];
  /** Entries deliberately not indexed (links, FIFOs and devices, undecodable names). */
  skipped: SkippedFile[];
}

/** What a walk found besides photos. */
export interface WalkReport {
  unreadable: FailedFile[];
  skipped: SkippedFile[];
}

/** Why an entry is not a photo file we may read, or null when it may be one. */
function skipReason(entry: { name: string; isSymbolicLink(): boolean; isFile(): boolean; isDirectory(): boolean }, full: string): SkippedFile['reason'] | null {
  // Node decodes names as UTF-8; a name that is not valid UTF-8 comes back with U+FFFD and the
  // path built from it names no file, so it could never be read (it would look "removed" each run).
  if (entry.name.includes('\uFFFD')) return 'undecodable-name';
  if (entry.isSymbolicLink()) return 'symlink';
  if (!entry.isFile() && !entry.isDirectory() && isPhotoPath(full)) return 'special-file';
  return null;
}

/**
 * Yields absolute paths of photo files under `root`, skipping clutter and hidden entries.
 * `exclude` (Kanjian's own data folder) is matched by path and by device+inode, so reaching it
 * through another name (a link, other letter case) still keeps its thumbnails out.
 */
export async function* walkPhotos(
  root: string,
  report: WalkReport = { unreadable: [], skipped: [] },
  /** Directories never to enter, e.g. Kanjian's own data folder (its thumbnails are not photos). */
  exclude: readonly string[] = [],
): AsyncGenerator<string> {
  const excludedIds = new Set((await Promise.all(exclude.map(dirIdentity))).filter((x): x is string => !!x));
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    if (exclude.some((d) => samePath(d, dir))) continue;
    if (excludedIds.size) {
      const id = await dirIdentity(dir);
      if (id && excludedIds.has(id)) continue;
    }
    const found: string[] = [];
    try {
      for await (const entry of await opendir(dir)) {
        if (isClutterName(entry.name)) continue;
        const full = path.join(dir, entry.name);
        const skip = skipReason(entry, full);
        if (skip) report.skipped.push({ path: full, reason: skip });
        else if (entry.isDirectory()) stack.push(full);
        else if (entry.isFile() && isPhotoPath(full)) found.push(full);
      }
    } catch (e) {
      // Unreadable, or failed mid-listing (EIO, a share going away): reported, not fatal.
      report.unreadable.push({ path: dir, error: (e as Error).message, ...fsFailureCode(e) });
    }
    yield* found;
  }
}

/**
 * Queues index jobs for files under the folder that are new or whose size/mtime changed,
 * and drops rows for files that are gone. Removal only touches our rows, never disk.
 */
export async function scanFolder(
  store: Store,
  folderId: number,
  root: string,
  opts: { exclude?: readonly string[] } = {},
): Promise<ScanResult> {
  const known = store.photos.statsUnder(folderId);
  const seen = new Set<string>();
  const toQueue: { path: string; folderId: number }[] = [];
  const result: ScanResult = { queued: 0, unchanged: 0, removed: 0, unreadable: [], skipped: [] };
  for await (const file of walkPhotos(root, result, opts.exclude)) {
    seen.add(file);
    const row = known.get(file);
    if (row) {
      try {
        const st = await stat(file);
        if (st.size === row.size && Math.trunc(st.mtimeMs) === row.mtime_ms) {
          result.unchanged++;
          continue;
        }
      } catch {
        // Vanished between listing and stat: the job will record it as gone.
      }
    }
    toQueue.push({ path: file, folderId });
    if (toQueue.length >= 5000) result.queued += store.jobs.enqueue('index', toQueue.splice(0));
  }
  result.queued += store.jobs.enqueue('index', toQueue);
  const gone = [...known.keys()].filter((p) => !seen.has(p));
  // An empty listing of a folder we knew photos in is an unmounted drive or share, not a
  // deletion of everything: keep the rows. A directory we could not read is no proof either.
  if (seen.size === 0 && gone.length > 0) {
    result.unreadable.push({ path: root, error: 'The folder is empty or unavailable; its photos are kept in the library', code: 'folder.notFound', params: { path: root } });
    return result;
  }
  const unreadableDirs = result.unreadable.map((u) => u.path + path.sep);
  result.removed = store.photos.removePaths(gone.filter((p) => !unreadableDirs.some((d) => p.startsWith(d))));
  return result;
}
