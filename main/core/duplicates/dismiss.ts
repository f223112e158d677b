// "These are not duplicates", remembered by content: every pair of contents in the dismissed
// set is stored, so the same photos (under any name or in any folder) are never grouped again,
// while a new copy of one of them still can be.
import type { Store } from '../store/index.js';

export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

export function dismissedPairs(store: Store): Set<string> {
  const rows = store.db.prepare('SELECT sha_a, sha_b FROM duplicate_dismissals').all() as { sha_a: string; sha_b: string }[];
  return new Set(rows.map((r) => pairKey(r.sha_a, r.sha_b)));
}

/**
 * Records every pair among the photos' contents (and, for byte-identical copies among them,
 * the content with itself: "keep both copies"). Returns the number of pairs stored.
 */
export function dismissPhotos(store: Store, photoIds: readonly number[]): number {
  const get = store.db.prepare("SELECT sha256 FROM photos WHERE id = ? AND sha256 IS NOT NULL");
  const shas: string[] = [];
  for (const id of new Set(photoIds)) {
    const row = get.get(id) as { sha256: string } | undefined;
    if (row) shas.push(row.sha256);
  }
  const pairs = new Set<string>();
  for (let i = 0; i < shas.length; i++) {
    for (let j = i + 1; j < shas.length; j++) pairs.add(pairKey(shas[i], shas[j]));
  }
  if (!pairs.size) return 0;
  const insert = store.db.prepare('INSERT OR IGNORE INTO duplicate_dismissals (sha_a, sha_b, dismissed_at) VALUES (?, ?, ?)');
  const now = Date.now();
  store.tx(() => {
    for (const key of pairs) {
      const [a, b] = key.split('|');
      insert.run(a, b, now);
    }
  });
  return pairs.size;
}
