// "A keeper must exist on disk." Trashing from the duplicates review must never take every
// copy of a picture: a plan that leaves some group with no member on disk — or that takes a
// photo that has no copy at all — is refused, unless the user confirmed exactly that a second time.
import path from 'node:path';
import type { DuplicateGroup, LastCopy } from '../api.js';
import { KanjianError } from '../errors.js';

/** Names listed in the error (the UI lists them all from `ids`). */
const NAMES_SHOWN = 8;

/**
 * What `leaving` (photo ids about to be trashed) would remove entirely. `onDisk` says whether
 * a photo that stays is still there to keep the picture.
 */
export function lastCopies(
  groups: readonly DuplicateGroup[],
  leaving: ReadonlySet<number>,
  onDisk: (photo: { id: number; path: string }) => boolean,
): LastCopy[] {
  const out: LastCopy[] = [];
  const grouped = new Set<number>();
  for (const g of groups) {
    const going = g.photos.filter((p) => leaving.has(p.id));
    if (!going.length) continue;
    for (const p of going) grouped.add(p.id);
    const survivor = g.photos.some((p) => !leaving.has(p.id) && onDisk(p));
    if (!survivor) out.push({ groupKey: g.key, photoIds: going.map((p) => p.id).sort((a, b) => a - b) });
  }
  for (const id of [...leaving].sort((a, b) => a - b)) if (!grouped.has(id)) out.push({ groupKey: null, photoIds: [id] });
  return out;
}

/** The refusal: which groups and photos would lose their last copy. */
export function lastCopyError(found: readonly LastCopy[], pathOf: (id: number) => string | undefined): KanjianError {
  const ids = [...new Set(found.flatMap((l) => l.photoIds))];
  const names = ids.map((id) => path.basename(pathOf(id) ?? `#${id}`));
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
  return new KanjianError(
    'duplicates.lastCopy',
    `Refused: this would move the last copy of ${found.length} ${found.length === 1 ? 'picture' : 'pictures'} to the trash (${shown}). ` +
      'Keep one photo of each group, or confirm with allowLastCopy.',
    { params: { groups: found.length, photos: ids.length, names: shown, ids: ids.join(',') } },
  );
}
