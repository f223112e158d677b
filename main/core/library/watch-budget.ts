// The OS's budget of watches. On Linux every watched directory costs one inotify watch, out of a
// per-user limit (fs.inotify.max_user_watches, often 8192 to 524288) shared with every other
// program (editors, sync clients). A library that would take more than its share is not watched
// at all — a watcher that silently stops receiving events half way is worse — and the folder says
// why, with the numbers; its changes are found by the rescan at the next start. macOS (FSEvents)
// and Windows (ReadDirectoryChangesW) watch a whole tree with one handle: no budget there.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The share of the user's watches a library may take (the rest is for everything else). */
export const WATCH_SHARE = 0.5;

/** How many directories Kanjian may watch, or null when the platform has no per-directory cost. */
export async function watchBudget(platform: NodeJS.Platform = process.platform): Promise<number | null> {
  if (platform !== 'linux') return null;
  const text = await readFile('/proc/sys/fs/inotify/max_user_watches', 'utf8').catch(() => null);
  const limit = text ? Number.parseInt(text.trim(), 10) : NaN;
  return Number.isFinite(limit) && limit > 0 ? Math.floor(limit * WATCH_SHARE) : null;
}

/**
 * Directories the watcher would watch under `root` (hidden and NAS-metadata folders are ignored
 * by it, so not counted), counting no further than `stopAt` (the answer is then "too many").
 */
export async function countWatchedDirs(root: string, stopAt: number): Promise<number> {
  let n = 0;
  const stack = [root];
  while (stack.length && n <= stopAt) {
    const dir = stack.pop()!;
    n++;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== '@eaDir' && e.name !== '$RECYCLE.BIN') stack.push(path.join(dir, e.name));
    }
  }
  return n;
}
