// A big library's filter facets, loaded on a thread of their own (registry.ts starts it): one
// pass over every photo joined to its vector row takes seconds at a million photos (6 s with
// the file in the page cache, 35 s and more from disk), which on the thread that serves search
// would hold every other request, thumbnails included. Reads through its own read-only
// connection, hands its arrays back without copying them, and ends. (Two workers, one per half
// of the load, were tried: 5.8 s instead of 7 s warm, but 139 s instead of 36 s from disk, the
// two reading the file in different orders.) The next start reads them back from a file beside
// the library when nothing they hold changed since (facets-file.ts): tenths of a second.
import { parentPort, workerData } from 'node:worker_threads';
import { openReader } from '../store/db.js';
import { PhotoFacets, snapshotBuffers, type FacetsSnapshot } from './facets.js';
import { facetsKey, restoreFacets, saveFacets } from './facets-file.js';

/**
 * `from`: read back from the facets file (facets-file.ts), or loaded from the library.
 * `fileEpoch`: the facets epoch the file now holds these very facets at (null: no file written).
 */
export type FacetsReply = { ok: true; snapshot: FacetsSnapshot; from: 'file' | 'library'; fileEpoch: number | null } | { ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('main/core/knn/facets-worker.ts runs as a worker thread (see registry.ts)');
const { dbFile, modelId, cacheFile } = workerData as { dbFile: string; modelId: number; cacheFile: string | null };
let reply: FacetsReply;
let transfer: ArrayBuffer[] = [];
try {
  const db = openReader(dbFile);
  try {
    const now = cacheFile ? facetsKey(db) : null;
    let snapshot = now && cacheFile ? restoreFacets(cacheFile, now, modelId) : null;
    const from = snapshot ? 'file' : 'library';
    let fileEpoch = snapshot && now ? now.epoch : null;
    if (!snapshot) {
      // One read transaction: the counter read is the one of the rows read.
      const loaded = db.transaction(() => ({ key: facetsKey(db), facets: PhotoFacets.load(db, modelId) }))();
      snapshot = loaded.facets.snapshot();
      // Written before the arrays move to the other thread (posting detaches them here).
      if (cacheFile && loaded.key && saveFacets(cacheFile, snapshot, loaded.key)) fileEpoch = loaded.key.epoch;
    }
    reply = { ok: true, snapshot, from, fileEpoch };
    transfer = snapshotBuffers(snapshot);
  } finally {
    db.close();
  }
} catch (e) {
  reply = { ok: false, message: (e as Error)?.message ?? String(e) };
}
port.postMessage(reply, transfer);
