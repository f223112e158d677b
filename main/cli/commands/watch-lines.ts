// `watch` output: one line when the library really changed (photos indexed, failed or gone),
// computed from the folder counts the core sends; repeated events with the same totals print
// nothing, so an idle folder stays quiet.
import type { FolderInfo } from '../../core/api.js';

interface Totals {
  indexed: number;
  failed: number;
  photos: number;
  pending: number;
}

function totals(folders: FolderInfo[]): Totals {
  return folders.reduce(
    (t, f) => ({ indexed: t.indexed + f.indexedCount, failed: t.failed + f.failedCount, photos: t.photos + f.photoCount, pending: t.pending + f.pendingCount }),
    { indexed: 0, failed: 0, photos: 0, pending: 0 },
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Returns the function to feed each `folders` event; it calls `print` only on a change. */
export function watchReporter(print: (line: string) => void): (folders: FolderInfo[]) => void {
  let last: Totals | null = null;
  return (folders) => {
    const now = totals(folders);
    // Mid-run counts move every few hundred ms; report settled states only.
    if (now.pending > 0) return;
    if (last && now.indexed === last.indexed && now.failed === last.failed && now.photos === last.photos) return;
    const parts: string[] = [];
    if (last) {
      const di = now.indexed - last.indexed;
      const df = now.failed - last.failed;
      const gone = Math.max(0, last.photos - now.photos);
      if (di > 0) parts.push(`${plural(di, 'photo', 'photos')} indexed`);
      if (df > 0) parts.push(`${plural(df, 'photo', 'photos')} could not be read`);
      if (gone > 0) parts.push(`${plural(gone, 'photo', 'photos')} removed`);
    }
    const summary = `library: ${plural(now.indexed, 'photo', 'photos')}${now.failed ? `, ${now.failed} unreadable` : ''}`;
    print(parts.length ? `${parts.join(', ')} (${summary})` : summary);
    last = now;
  };
}
