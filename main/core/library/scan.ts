// Recursive folder scan: finds photo files, compares them with what the store knows,
// and queues the new or changed ones. Symlinked directories are not followed (a link
// loop would never end, and the target may already be in the library).
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
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
}

/** Yields absolute paths of photo files under `root`, skipping clutter and hidden entries. */
export async function* walkPhotos(
  root: string,
  unreadable: FailedFile[] = [],
  /** Directories never to enter, e.g. Kanjian's own data folder (its thumbnails are not photos). */
  exclude: readonly string[] = [],
): AsyncGenerator<string> {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    if (exclude.includes(dir)) continue;
    const found: string[] = [];
    try {
      for await (const entry of await opendir(dir)) {
        if (isClutterName(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) stack.push(full);
        else if (entry.isFile() && isPhotoPath(full)) found.push(full);
      }
    } catch (e) {
      // Unreadable, or failed mid-listing (EIO, a share going away): reported, not fatal.
      unreadable.push({ path: dir, error: (e as Error).message, ...fsFailureCode(e) });
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
  const result: ScanResult = { queued: 0, unchanged: 0, removed: 0, unreadable: [] };
  for await (const file of walkPhotos(root, result.unreadable, opts.exclude)) {
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
