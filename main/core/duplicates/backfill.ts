// Contents indexed before the near hashes existed (schema v6) get them here: the file is read
// and decoded once more (the media layer, orientation applied) and the hashes stored. Until
// then such a content pairs by its old pHash (near.ts). A file that cannot be read now is
// skipped: it keeps its old pHash and is tried again next time.
import { openImage, readPhoto } from '../media/decode.js';
import { nearHashesOf } from '../media/near-hash.js';
import type { Store } from '../store/index.js';
import { missingNearHashes, putNearHashes } from '../store/near-hashes.js';

/** Hashes up to `limit` contents that lack them; returns how many were stored. */
export async function backfillNearHashes(store: Store, opts: { limit: number; shouldStop?: () => boolean }): Promise<number> {
  let stored = 0;
  for (const { sha256, path } of missingNearHashes(store.db, opts.limit)) {
    if (opts.shouldStop?.()) break;
    try {
      const { bytes } = await readPhoto(path);
      const { image } = await openImage(bytes);
      const hashes = await nearHashesOf(image);
      putNearHashes(store.db, sha256, hashes);
      stored++;
    } catch {
      // Unreadable now (moved, locked, corrupt since): the old pHash stands in.
    }
  }
  return stored;
}

/** Contents still waiting for their near hashes (up to `cap`). */
export function nearHashBacklog(store: Store, cap: number): number {
  return missingNearHashes(store.db, cap).length;
}
