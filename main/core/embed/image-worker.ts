// The image tower's thread: owns its onnxruntime session and runs the tensors it is sent, one
// at a time. onnxruntime-node's run() is synchronous on the calling thread (it only defers the
// call with setImmediate), so on the indexer's thread every image held the event loop for the
// whole inference: the decoding, hashing and SQLite writes of the next photos waited for it.
// Started by image-tower.ts.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { createSession } from './providers.js';
import type { ImageRunReply, ImageRunRequest, ImageWorkerData, ImageWorkerReady } from './image-protocol.js';

const port = parentPort;
if (!port) throw new Error('main/core/embed/image-worker.ts runs as a worker thread (see image-tower.ts)');
const { file, candidates, threads } = workerData as ImageWorkerData;

async function main(): Promise<void> {
  let session: ort.InferenceSession;
  try {
    const opened = await createSession(file, candidates, { intraOpNumThreads: threads });
    session = opened.session;
    port!.postMessage({ kind: 'ready', provider: opened.provider, note: opened.note, outputNames: [...session.outputNames] } satisfies ImageWorkerReady);
  } catch (e) {
    port!.postMessage({ kind: 'failed', message: (e as Error)?.message ?? String(e) } satisfies ImageWorkerReady);
    return;
  }
  let queue: Promise<unknown> = Promise.resolve();
  port!.on('message', (req: ImageRunRequest) => {
    // Serialised: a second image would only compete with the first for the same cores.
    queue = queue.then(() => run(session, req));
  });
}

async function run(session: ort.InferenceSession, req: ImageRunRequest): Promise<void> {
  let reply: ImageRunReply;
  try {
    const out = await session.run({ [req.input]: new ort.Tensor('float32', req.data, req.dims) }, [req.output]);
    const t = out[req.output];
    if (!t) throw new Error('image model produced no output');
    const data = t.type === 'float32' ? Float32Array.from(t.data as Float32Array) : new Float32Array(0);
    reply = { id: req.id, ok: true, type: t.type, data, dims: [...t.dims] };
  } catch (e) {
    reply = { id: req.id, ok: false, message: (e as Error)?.message ?? String(e) };
  }
  port!.postMessage(reply, reply.ok ? [reply.data.buffer as ArrayBuffer] : []);
}

void main();
