// The OCR worker thread: owns one PaddleOCR instance and reads the files it is sent, one at a
// time (onnxruntime already uses every core for one image). Started by engine.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { isMediaError } from '../media/errors.js';
import { PaddleOcr, type PaddleOptions } from './paddle.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('main/core/ocr/worker.ts runs as a worker thread (see engine.ts)');

const ready = PaddleOcr.create((workerData ?? {}) as PaddleOptions);
let queue: Promise<unknown> = Promise.resolve();

port.on('message', (req: WorkerRequest) => {
  // Serialise: a second image would only compete with the first for the same cores.
  queue = queue.then(() => handle(req));
});

async function handle(req: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    const ocr = await ready;
    reply = { id: req.id, ok: true, result: await ocr.readFile(req.path) };
  } catch (e) {
    const err = e as Error;
    reply = {
      id: req.id,
      ok: false,
      message: err?.message ?? String(e),
      mediaCode: isMediaError(err) ? err.code : undefined,
    };
  }
  port!.postMessage(reply);
}
