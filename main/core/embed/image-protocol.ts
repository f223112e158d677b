// Messages between image-tower.ts (the indexer's thread) and image-worker.ts (the thread that
// runs the image tower's onnxruntime session).
import type { ExecutionProvider } from '../api.js';

export interface ImageWorkerData {
  file: string;
  candidates: ExecutionProvider[];
  threads: number;
}

export type ImageWorkerReady =
  | { kind: 'ready'; provider: ExecutionProvider; note: string | null; outputNames: string[] }
  | { kind: 'failed'; message: string };

export interface ImageRunRequest {
  id: number;
  input: string;
  output: string;
  data: Float32Array;
  dims: number[];
}

export type ImageRunReply =
  | { id: number; ok: true; type: string; data: Float32Array; dims: number[] }
  | { id: number; ok: false; message: string };
