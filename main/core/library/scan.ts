// Recursive folder scan: finds photo files, compares them with what the store knows,
// and queues the new or changed ones. Symlinked directories are not followed (a link
// loop would never end, and the target may already be in the library).
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isClutterName, isPhotoPath } from '../media/formats.js';
import type { Store } from '../store/index.js';

export interface ScanResult {
  queued: number;
  unchanged: number;
  removed: number;
  /** Directories that could not be read (permissions), reported, not fatal. */
  unreadable: { path: string; error: string }[];
}

/** Yields absolute paths of photo files under `root`, skipping clutter and hidden entries. */
export async function* walkPhotos(
  root: string,
  unreadable: { path: string; error: string }[] = [],
): AsyncGenerator<string> {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let handle;
    try {
      handle = await opendir(dir);
    } catch (e) {
      unreadable.push({ path: dir, error: (e as Error).message });
      continue;
    }
    for await (const entry of handle) {
      if (isClutterName(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile() && isPhotoPath(full)) yield full;
    }
  }
}

/**
 * Queues index jobs for files under the folder that are new or whose size/mtime changed,
 * and drops rows for files that are gone. Removal only touches our rows, never disk.
 */
export async function scanFolder(store: Store, folderId: number, root: string): Promise<ScanResult> {
  const known = store.photos.statsUnder(folderId);
  const seen = new Set<string>();
  const toQueue: { path: string; folderId: number }[] = [];
  const result: ScanResult = { queued: 0, unchanged: 0, removed: 0, unreadable: [] };
  for await (const file of walkPhotos(root, result.unreadable)) {
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
  // A directory we could not read is not proof its photos are gone.
  const stillThere = gone.filter((p) => result.unreadable.some((u) => p.startsWith(u.path + path.sep)));
  result.removed = store.photos.removePaths(gone.filter((p) => !stillThere.includes(p)));
  return result;
}
