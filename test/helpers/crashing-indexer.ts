// A child process for crash tests: opens the store, runs the real Indexer on the queued jobs
// and, once a job is in flight (claimed, its photo read and being embedded), says so on
// stdout and waits to be killed. The parent kills it with SIGKILL, as an OOM killer or a
// crashing decoder would: no catch, no finally, no clean shutdown.
//   node --import tsx test/helpers/crashing-indexer.ts <library.db> <model dir> <thumb dir>
import { openModel } from '../../main/core/embed/encoder.js';
import { Indexer } from '../../main/core/library/indexer.js';
import { Store } from '../../main/core/store/index.js';

const IN_FLIGHT = 'in-flight:';

const [dbFile, modelDir, thumbDir] = process.argv.slice(2);
const store = Store.open(dbFile);
const model = await openModel(modelDir, { provider: 'cpu' });
// The real model, except that embedding a photo never returns: the process is stuck on this
// job until it dies. Everything before (claim, attempt count, decode) is the real code path.
const stuck = Object.create(model) as typeof model;
stuck.embedImage = () => {
  process.stdout.write(`${IN_FLIGHT}${process.pid}\n`);
  return new Promise(() => undefined);
};
const modelId = store.vectors.ensureModel(model.manifest.id, model.dim);
await new Indexer(store, { thumbDir, model: { model: stuck, modelId }, concurrency: 1 }).drain();
// Reaching here means no job got as far as embedding: the test fails on the exit code.
process.exit(3);
