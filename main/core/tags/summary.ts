// A folder's tags: what its photos have in common. A tag counts for the folder when enough of
// its tagged photos carry it — a share, not a sum of scores, so one very confident photo does
// not label a whole folder, and a big folder is not labelled by its long tail.
import type { FolderTag } from '../api.js';
import { toTag, type TagRow } from './repo.js';

/** A tag must be on at least this share of the folder's tagged photos… */
export const FOLDER_MIN_SHARE = 0.2;
/** …and on at least this many of them (fewer when the folder has fewer photos). */
export const FOLDER_MIN_PHOTOS = 2;
export const FOLDER_MAX_TAGS = 10;

export interface FolderSummary {
  /** Photos considered (tagged, whether or not any tag passed for them). */
  photos: number;
  tags: FolderTag[];
}

export function summarize(photos: { tagged: boolean; tags: { row: TagRow; score: number }[] }[]): FolderSummary {
  const tagged = photos.filter((p) => p.tagged);
  const n = tagged.length;
  const counts = new Map<number, { row: TagRow; count: number; sum: number }>();
  for (const p of tagged) {
    for (const t of p.tags) {
      const c = counts.get(t.row.id);
      if (c) {
        c.count++;
        c.sum += t.score;
      } else counts.set(t.row.id, { row: t.row, count: 1, sum: t.score });
    }
  }
  const minPhotos = Math.min(FOLDER_MIN_PHOTOS, n);
  const tags = [...counts.values()]
    .filter((c) => c.count >= minPhotos && c.count / n >= FOLDER_MIN_SHARE)
    .sort((a, b) => b.count - a.count || b.sum - a.sum || a.row.id - b.row.id)
    .slice(0, FOLDER_MAX_TAGS)
    .map((c): FolderTag => ({ ...toTag(c.row), score: Math.round((c.count / n) * 10000) / 10000, photos: c.count }));
  return { photos: n, tags };
}
