// The duplicate-grouping worker thread: builds the groups (find.ts buildGroups) on its own
// read-only connection (writing only the near pairs it found, see below), so the seconds it
// takes at 100k photos (near-copy candidates grow with the square of the library) never block
// the thread that serves the UI, the watcher and the indexer. Started by grouping.ts; one
// request at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, openReader, type Db } from '../store/db.js';
import { Store } from '../store/index.js';
import { buildGroups } from './find.js';
import type { GroupingReply, GroupingRequest } from './grouping.js';

const port = parentPort;
if (!port) throw new Error('main/core/duplicates/grouping-worker.ts runs as a worker thread (see grouping.ts)');
const dbFile = (workerData as { dbFile: string }).dbFile;
const store = new Store(openReader(dbFile));
// Near pairs found for new contents are kept (near-pairs.ts): a small write after the search,
// on a connection of its own; the groups are read through the read-only one.
let writer: Db | null = null;
const pairsWriter = (): Db | null => {
  try {
    return (writer ??= openDatabase(dbFile));
  } catch {
    return null;
  }
};

port.on('message', (req: GroupingRequest) => {
  let reply: GroupingReply;
  try {
    reply = { id: req.id, ok: true, value: buildGroups(store, req.params, { model: req.model, pairsWriter: pairsWriter(), pairInSteps: req.pairInSteps }) };
  } catch (e) {
    reply = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(reply);
});
