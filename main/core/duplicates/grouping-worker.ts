// The duplicate-grouping worker thread: builds the groups (find.ts buildGroups) on its own
// read-only connection, so the seconds it takes at 100k photos (near-copy candidates grow
// with the square of the library) never block the thread that serves the UI, the watcher and
// the indexer. Started by grouping.ts; one request at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { openReader } from '../store/db.js';
import { Store } from '../store/index.js';
import { buildGroups } from './find.js';
import type { GroupingReply, GroupingRequest } from './grouping.js';

const port = parentPort;
if (!port) throw new Error('main/core/duplicates/grouping-worker.ts runs as a worker thread (see grouping.ts)');
const store = new Store(openReader((workerData as { dbFile: string }).dbFile));

port.on('message', (req: GroupingRequest) => {
  let reply: GroupingReply;
  try {
    reply = { id: req.id, ok: true, value: buildGroups(store, req.params, { model: req.model }) };
  } catch (e) {
    reply = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(reply);
});
